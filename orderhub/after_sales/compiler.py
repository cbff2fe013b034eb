"""Compile an after-sales mapping into one vectorized DuckDB SELECT of canonical ticket rows.

Each record is parsed once (`from_json` with a structure of every path the mapping uses). Identifiers,
codes and the reason keep their text exactly as received: the codes are compared verbatim and an id with
stray spaces must not be silently linked to an order. Amounts and times are read with the order mappings'
exact parses (orderhub/standardize/sqlvalues.py) from the trimmed text; an unreadable one is null, and the
landing quarantines a ticket without its times (an unreadable amount leaves refund_fen null, as before).
"""

from __future__ import annotations

import json
from functools import cache

from orderhub.after_sales.mapping import TicketField, TicketMapping, Value
from orderhub.standardize.jsonpaths import access, insert_list, insert_path
from orderhub.standardize.mapping import FieldSpec
from orderhub.standardize.sqlvalues import lit, parse_sql, trim_sql

CANONICAL_COLUMNS = (
    "ticket_code",
    "source",
    "channel",
    "channel_order_id",
    "ticket_type",
    "source_status",
    "outcome",
    "refund_fen",
    "is_exchange",
    "reason",
    "created_at",
    "updated_at",
    "record",
    "content_hash",
)
REGEX_SPECIAL = set("\\.^$|?*+()[]{}")


def _values(m: TicketMapping) -> dict[str, Value]:
    """Every value the SQL reads, by column name (r_<name> holds its raw text)."""
    out = {name: f.at for name, f in m.fields.items()}
    out["status"], out["type"] = m.status.at, m.type.at
    for i, (at, _) in enumerate(m.exchange):
        out[f"exchange_{i}"] = at
    return out


def _structure(m: TicketMapping) -> str:
    tree: dict = {}
    line_tree: dict = {}
    for v in _values(m).values():
        insert_path(line_tree if v.in_line else tree, v.path)
    if m.lines:
        insert_list(tree, m.lines, line_tree)
    return json.dumps(tree, ensure_ascii=False)


def _time_sql(t: str, f: TicketField) -> str:
    # iso: DuckDB's own timestamptz cast (offsets, fractions, a bare date), as the CS form was always read
    parses = [
        f"try_cast({t} as timestamptz)" if tf.format == "iso" else parse_sql(t, FieldSpec(f.name, kind="time", time=tf))
        for tf in f.times
    ]
    return parses[0] if len(parses) == 1 else f"coalesce({', '.join(parses)})"


def _case(column: str, codes: dict[str, str]) -> str:
    return f"case {column} " + " ".join(f"when {lit(k)} then {lit(v)}" for k, v in codes.items()) + " end"


def _keywords(words: tuple[str, ...]) -> str:
    return "|".join("".join("\\" + c if c in REGEX_SPECIAL else c for c in w) for w in words)


def _type_sql(m: TicketMapping) -> str:
    platform = _case("r_type", m.type.map) if m.type.map is not None else "r_type"
    if not m.reason_rules:
        return platform
    # a full match where '.' stops at a line break: the rules as they were written in SQL before the mappings
    rules = " ".join(
        f"when r_reason similar to {lit('.*(' + _keywords(r.keywords) + ').*')} then {lit(r.ticket_type)}"
        for r in m.reason_rules
    )
    return f"coalesce(case {rules} end, {platform})"


def _or_fallback(m: TicketMapping, name: str, constant: str | None) -> str:
    if name in m.fields:
        return f"coalesce(r_{name}, {lit(constant)})" if constant is not None else f"r_{name}"
    return lit(constant)


@cache
def ticket_sql(m: TicketMapping) -> str:
    """SELECT of CANONICAL_COLUMNS for the rows of temp table `incoming` (channel, record json, content_hash)
    whose channel is the mapping's feed."""
    raw = [f"{access('l' if v.in_line else 's', v.path)} as r_{name}" for name, v in _values(m).items()]
    trimmed = [f"{trim_sql(f'r_{n}')} as t_{n}" for n in ("refund_fen", "created_at", "updated_at") if n in m.fields]
    channel = _or_fallback(m, "channel", m.channel)
    code = "r_ticket_code" if m.own_code else f"{channel} || ':' || r_platform_id"
    refund = (
        parse_sql("t_refund_fen", FieldSpec("refund_fen", kind="money", money=m.fields["refund_fen"].money))
        if "refund_fen" in m.fields
        else "cast(null as bigint)"
    )
    exchange = (
        " or ".join(
            f"r_exchange_{i} in ({', '.join(lit(v) for v in codes)})" for i, (_, codes) in enumerate(m.exchange)
        )
        or "false"
    )
    parsed = (
        f"select record, content_hash, from_json(record, {lit(_structure(m))}) as s from incoming "
        f"where channel = {lit(m.feed)}"
    )
    if m.lines:  # a record without lines still yields one row, which the landing then quarantines
        items = access("s", m.lines)
        parsed = f"select *, unnest(case when len({items}) > 0 then {items} else [null] end) as l from ({parsed})"
    return f"""
with parsed as ({parsed}
), texts as (
    select record, content_hash, {", ".join(raw)} from parsed
), trimmed as (
    select *, {", ".join(trimmed)} from texts
)
select {code} as ticket_code, {_or_fallback(m, "source", m.source)} as source, {channel} as channel,
       r_channel_order_id as channel_order_id, {_type_sql(m)} as ticket_type, r_status as source_status,
       {_case("r_status", m.status.map)} as outcome, {refund} as refund_fen, {exchange} as is_exchange,
       {"r_reason" if "reason" in m.fields else "cast(null as varchar)"} as reason,
       {_time_sql("t_created_at", m.fields["created_at"])} as created_at,
       {_time_sql("t_updated_at", m.fields["updated_at"])} as updated_at, record, content_hash
from trimmed
"""
