"""Per-record context of a compiled mapping (the shop's zone, currency and first day) and the plausibility
checks that use it: negative amounts, paid more than the total and freight, paid before created or shipped
before paid (the hub's blocking timestamps_ordered check, per record instead of failing a whole rebuild), dates
outside [the shop's first day, received + 1 day], currencies that are not codes, order ids a spreadsheet turned
into numbers.

Everything is a constant literal unless the mapping has per-shop settings or a per-record currency: then it
is a column computed once per record from the shop (the record's shop field, else the one it was landed for).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from orderhub.standardize.jsonpaths import access
from orderhub.standardize.mapping import ORDER_FIELDS, FieldSpec, Mapping
from orderhub.standardize.money import MINOR_DIGITS, minor_digits
from orderhub.standardize.sqlvalues import lit, text_sql

Check = tuple[str, str, str]  # (condition, reason, message)
SCIENTIFIC = "^[+-]?[0-9](\\.[0-9]+)?[eE][+-]?[0-9]+$"


@dataclass
class Context:
    texts: list[str] = field(default_factory=list)  # text columns it needs (texts stage)
    columns: list[str] = field(default_factory=list)  # its own columns (context stage)
    zone: str | None = None  # SQL of the per-record zone of naive times; None: each field's own zone
    business_zone: str = ""  # SQL: the zone of the business day (order_date)
    digits: int | str = 2  # the currency's minor digits, or "row"
    scale: str = ""  # with digits "row": 10 ** (4 - digits) per record
    currency: str = "'CNY'"
    first_at: str = ""  # SQL: the earliest plausible instant
    checks: list[Check] = field(default_factory=list)


def _midnight(day: date, zone: str) -> str:
    at = datetime.combine(day, time(), ZoneInfo(zone))
    return f"timestamptz {lit(at.isoformat())}"


def _by_shop(values: dict[str, str], default: str) -> str:
    if not values:
        return default
    return "case _shop " + " ".join(f"when {lit(s)} then {v}" for s, v in values.items()) + f" else {default} end"


def context(m: Mapping) -> Context:
    c = Context()
    shop_field = m.fields.get("shop_id")
    per_shop = bool(m.shops)
    if per_shop or not m.currency.fixed:
        own = text_sql(access("s", shop_field.path), shop_field) if shop_field and shop_field.path else "null"
        c.texts.append(f"coalesce({own}, shop_id) as _shop")
    zones = {s: lit(v.zone) for s, v in m.shops.items() if v.zone}
    if zones:
        c.columns.append(f"{_by_shop(zones, lit(m.zone))} as _zone")
        c.zone = c.business_zone = "_zone"
    else:
        c.business_zone = lit(m.zone)
    firsts = {s: _midnight(v.first_day, v.zone or m.zone) for s, v in m.shops.items() if v.first_day}
    default_first = _midnight(m.first_day, m.zone)
    if firsts:
        c.columns.append(f"{_by_shop(firsts, default_first)} as _first_at")
    c.first_at = "_first_at" if firsts else default_first
    currencies = {s: lit(v.currency) for s, v in m.shops.items() if v.currency}
    fixed = _by_shop(currencies, lit(m.currency.code))
    if m.currency.fixed and not currencies:
        c.currency, c.digits = fixed, minor_digits(m.currency.code)
        return c
    if m.currency.path:
        c.texts.append(f"{text_sql(access('s', m.currency.path), FieldSpec('currency'))} as t_currency")
        fixed = f"coalesce(t_currency, {fixed})"
        c.checks.append(
            (
                "not regexp_full_match(_currency, '[A-Z]{3}')",
                "bad_currency",
                f"'field {m.currency.path} = ''' || _currency || ''' is not a currency code (three capital letters)'",
            )
        )
    scales = " ".join(f"when {lit(k)} then {10 ** (4 - d)}" for k, d in MINOR_DIGITS.items())
    c.columns += [f"{fixed} as _currency", f"case {fixed} {scales} else 100 end as _scale"]
    c.currency, c.digits, c.scale = "_currency", "row", "_scale"
    return c


def sanity_checks(m: Mapping, c: Context) -> list[Check]:
    """Checks on the typed values (after every field parsed): they come after the parse checks, so a record
    is quarantined for its first problem in the order a seller would fix them."""
    checks = list(c.checks)
    cid = m.fields["channel_order_id"]
    checks.append(
        (
            f"regexp_matches(channel_order_id, {lit(SCIENTIFIC)})",
            "bad_id",
            f"'order id ' || channel_order_id || ' (field {cid.shown}) was turned into a number by a spreadsheet: "
            "download the report again and drop it without re-saving it'",
        )
    )
    for name in ORDER_FIELDS:
        f = m.fields.get(name)
        if f is not None and f.kind == "money" and not f.signed:
            checks.append(
                (
                    f"{name} < 0",
                    "negative_amount",
                    f"'{name} (field {f.shown}) is ' || {name} || ' minor units: negative amounts are quarantined "
                    "unless the mapping declares the field signed'",
                )
            )
    checks.append(
        (
            "paid_fen > total_fen + freight_fen",
            "paid_exceeds_total",
            "'paid ' || paid_fen || ' is more than the total ' || total_fen || ' plus freight ' || freight_fen"
            " || ' (minor units)'",
        )
    )
    for name in ORDER_FIELDS:
        f = m.fields.get(name)
        if f is not None and f.kind == "time":
            checks.append(
                (
                    f"({name} < {c.first_at} or {name} > received_at + interval 1 day)",
                    "implausible_date",
                    f"'{name} (field {f.shown}) = ' || strftime({name}, '%Y-%m-%d %H:%M:%S UTC') || ' is before the "
                    f"shop''s first day (' || strftime({c.first_at}, '%Y-%m-%d') || ') or more than a day after it "
                    "was received'",
                )
            )
    checks.append(
        (
            "paid_at < created_at or shipped_at < paid_at",
            "timestamps_out_of_order",
            "'paid at ' || coalesce(strftime(paid_at, '%Y-%m-%d %H:%M:%S'), '-') || ', created at ' || "
            "strftime(created_at, '%Y-%m-%d %H:%M:%S') || ', shipped at ' || "
            "coalesce(strftime(shipped_at, '%Y-%m-%d %H:%M:%S'), '-') || ' (UTC): an order is paid after it was "
            "created and shipped after it was paid'",
        )
    )
    return checks
