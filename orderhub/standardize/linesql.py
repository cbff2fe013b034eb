"""The order lines of a compiled mapping: a list in the record (API payloads, the rows of a group_by file, the
item report of a report pair) or values split out of order-level fields (the combined seller-center export).

A line field is a path into the line, a `compute` over the line's paths (`{category} || '-' || {size}`: a SKU
made of several columns) or a `default`; every value is parsed exactly like an order field, per line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orderhub.standardize.context import Check, Context
from orderhub.standardize.jsonpaths import access
from orderhub.standardize.mapping import PLACEHOLDER, FieldSpec, Mapping
from orderhub.standardize.sqlvalues import BAD, lit, parse_sql, parses_untrimmed, text_sql, trim_sql


@dataclass
class LineSql:
    texts: list[str] = field(default_factory=list)
    valued: list[str] = field(default_factory=list)
    retexts: list[str] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)
    final: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)


def computed_text(f: FieldSpec, base: str) -> str:
    """The compute of a line field with each {path} replaced by that path's trimmed text in the line `base`."""
    sql = PLACEHOLDER.sub(lambda m: f"({text_sql(access(base, m.group(1)), FieldSpec(m.group(1)))})", f.compute)
    return f"cast(({sql}) as varchar)"


def _line_text(f: FieldSpec) -> str:
    """The line's text of a field: its path, else (path + compute) the computed fallback, else the default."""
    parts = [text_sql(access("x", f.path), f)] if f.path else []
    if f.compute is not None:
        parts.append(trim_sql(computed_text(f, "x")))
    if f.default is not None:
        parts.append(lit(f.default))
    return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"


def lines_sql(m: Mapping, c: Context) -> LineSql:
    ln, out = m.lines, LineSql()
    untrimmed = set()
    has = {n for n, f in ln.fields.items() if f.path or f.compute is not None or f.default is not None}
    if ln.path is not None:
        base = access("s", ln.path)
        for name in sorted(has):
            f = ln.fields[name]
            if f.path and f.compute is None and f.default is None and parses_untrimmed(f):
                # as for order fields: trim only lists with an item that did not parse
                untrimmed.add(name)
                out.texts.append(f"list_transform({base}, lambda x: {access('x', f.path)}) as rl_{name}")
                out.valued.append(f"list_transform(rl_{name}, lambda v: {_parse('v', f, c)}) as pl_{name}")
                out.retexts.append(
                    f"case when list_count(rl_{name}) = list_count(pl_{name}) then rl_{name} "
                    f"else list_transform(rl_{name}, lambda v: {text_sql('v', f)}) end as tl_{name}"
                )
            else:
                out.texts.append(f"list_transform({base}, lambda x: {_line_text(f)}) as tl_{name}")
    else:
        for name in sorted(has):
            f = ln.fields[name]
            inner = FieldSpec(name, strip_excel=f.strip_excel)
            out.texts.append(
                f"list_transform(string_split({text_sql(access('s', f.path), inner)}, {lit(ln.delimiter)}),"
                f" lambda x: {trim_sql('x')}) as tl_{name}"
            )
        out.checks.append(
            (
                "len(tl_quantity) <> len(tl_channel_sku)",
                "line_count_mismatch",
                "'the line fields list different numbers of items'",
            )
        )
    sku = ln.fields["channel_sku"]
    out.checks.insert(
        0,
        (
            "tl_channel_sku is null or len(tl_channel_sku) = 0",
            "missing_field",
            lit(f"the order has no lines at {ln.path if ln.path and ln.path != 'rows' else sku.shown}"),
        ),
    )
    for name in sorted(has - {"status"}):
        f = ln.fields[name]
        parsed = f"list_transform(tl_{name}, lambda v: {_parse('v', f, c)})"
        if name in untrimmed:
            parsed = f"case when list_count(rl_{name}) = list_count(pl_{name}) then pl_{name} else {parsed} end"
        out.typed.append(f"{parsed} as ll_{name}")
        if f.required or (name == "channel_sku" and f.compute is not None):
            what = f.shown if f.path else f"value of {f.compute}"
            out.checks.append(
                (f"list_count(tl_{name}) < len(tl_{name})", "missing_field", lit(f"a line has no {what}"))
            )
        if f.kind in BAD:
            reason, what = BAD[f.kind]
            out.checks.append(
                (
                    f"list_count(tl_{name}) <> list_count(ll_{name})",
                    reason,
                    f"'a line''s {f.shown} ' || {_first_bad(name)} || ' {what}'",
                )
            )
    out.checks.append(("list_min(ll_quantity) <= 0", "bad_quantity", "'a line has a quantity of zero or less'"))
    for name in sorted(n for n in has if ln.fields[n].kind == "money" and not ln.fields[n].signed):
        out.checks.append(
            (
                f"list_min(ll_{name}) < 0",
                "negative_amount",
                f"'a line''s {ln.fields[name].shown} is negative: negative amounts are quarantined unless the "
                "mapping declares the field signed'",
            )
        )
    out.final = _final(m, has)
    return out


def _parse(v: str, f: FieldSpec, c: Context) -> str:
    return parse_sql(v, f, c.digits, c.scale, c.zone)


def _final(m: Mapping, has: set[str]) -> list[str]:
    goods = "greatest(paid_fen - freight_fen, 0)"  # unpaid/closed rows show 0.00 paid but may list freight
    if "unit_price_fen" in has and "paid_fen" in has:  # a line without one of them: derived from the other
        paid = "list_transform(ll_paid_fen, lambda p, i: coalesce(p, ll_quantity[i] * ll_unit_price_fen[i]))"
        unit = (
            "list_transform(ll_unit_price_fen, lambda u, i: coalesce(u, ll_paid_fen[i] // nullif(ll_quantity[i], 0)))"
        )
    elif "unit_price_fen" in has:
        unit = "ll_unit_price_fen"
        paid = "list_transform(ll_quantity, lambda q, i: q * ll_unit_price_fen[i])"
    # nullif on divisors: a quantity <= 0 is quarantined (bad_quantity), it must not fail the whole batch
    elif "paid_fen" in has:
        paid = "ll_paid_fen"
        unit = "list_transform(ll_quantity, lambda q, i: ll_paid_fen[i] // nullif(q, 0))"
    else:  # exports list only quantities: allocate the goods value by quantity, remainder on line 1
        share = f"list_transform(ll_quantity, lambda q: {goods} * q // nullif(list_sum(ll_quantity), 0))"
        paid = f"list_transform({share}, lambda a, i: a + case when i = 1 then {goods} - list_sum({share}) else 0 end)"
        unit = f"list_transform({paid}, lambda p, i: p // nullif(ll_quantity[i], 0))"
    if "status" in has:
        cases = " ".join(f"when {lit(k)} then {lit(v)}" for k, v in m.status.map.items())
        status = (
            f"case when status in ('cancelled', 'refunded') then list_transform(ll_quantity, lambda q: status) "
            f"else list_transform(tl_status, lambda v: coalesce(case v {cases} end, status)) end"
        )
    else:
        status = "list_transform(ll_quantity, lambda q: status)"
    return [
        "tl_channel_sku as line_sku",
        "ll_quantity as line_qty",
        f"{unit} as line_unit_fen",
        f"{paid} as line_paid_fen",
        f"{status} as line_status",
    ]


def _first_bad(name: str) -> str:
    return (
        f"coalesce(list_filter(list_zip(tl_{name}, ll_{name}), lambda p: p[1] is not null and p[2] is null)[1][1], '?')"
    )
