"""Compile a declarative mapping into one vectorized DuckDB query over raw JSON records.

Each record is parsed once (`from_json` with a structure built from every path the mapping uses), so the
cost is one JSON parse per record whatever the number of fields. Money is parsed from its text with a
regex check and a decimal cast (exact: "19.90" -> 1990, never through a float); timestamps with
`try_strptime`/epoch conversion to UTC; texts are trimmed only where that can matter (`trim_sql`,
`parses_untrimmed` in sqlvalues.py): the query runs once per landed record. Every field that is present
but unreadable, or required but missing, yields a machine reason (`bad_amount`, `bad_timestamp`, `bad_integer`,
`missing_field`,
`unknown_status`) and a human message: the landing quarantines those records.
"""

from __future__ import annotations

from functools import cache

from orderhub.standardize.jsonpaths import access, structure
from orderhub.standardize.mapping import ORDER_FIELDS, FieldSpec, Mapping

# lit is re-exported: landing, facts and hub build their literals with it
from orderhub.standardize.sqlvalues import BAD, lit, parse_sql, parses_untrimmed, text_sql, trim_sql

PASSTHROUGH = ("content_hash", "shop_id", "received_at", "source")

OUTPUT_COLUMNS = (
    "content_hash",
    "mapping",
    "channel",
    "shop_id",
    "source",
    "received_at",
    "channel_order_id",
    "source_updated_at",
    "created_at",
    "order_date",
    "paid_at",
    "shipped_at",
    "completed_at",
    "cancelled_at",
    "status",
    "total_fen",
    "discount_fen",
    "freight_fen",
    "paid_fen",
    "buyer_id",
    "promotion_type",
    "receiver_province",
    "receiver_city",
    "line_sku",
    "line_qty",
    "line_unit_fen",
    "line_paid_fen",
    "line_status",
    "reason",
    "message",
)
_SQL_TYPE = {"money": "bigint", "time": "timestamptz", "int": "bigint", "str": "varchar"}
Check = tuple[str, str, str]  # (condition, reason, message)


def _order_field_sql(m: Mapping) -> tuple[list[str], list[str], list[str], list[str], list[Check]]:
    """(text columns, untrimmed parses, trimmed texts, typed columns, checks) for the order-level fields."""
    texts, valued, retexts, typed, checks = [], [], [], [], []
    for field_name in ORDER_FIELDS:
        f = m.fields.get(field_name)
        name = "shop_id_override" if field_name == "shop_id" else field_name
        sql_type = _SQL_TYPE[
            f.kind if f else ("money" if name.endswith("_fen") else "time" if name.endswith("_at") else "str")
        ]
        if f is None and field_name == "shop_id":
            continue
        if f is None or (f.path is None and f.compute is None and f.default is None):
            default = "0" if name in ("discount_fen", "freight_fen") else "null"
            typed.append(f"cast({default} as {sql_type}) as {name}")
            continue
        if f.compute is not None and f.path is None:
            continue  # computed after the typed stage
        if f.path is None:
            typed.append(f"cast({lit(f.default)} as {sql_type}) as {name}")
            continue
        t = f"t_{name}"
        zero = f.kind == "time" and f.time.format == "epoch_s" and f.time.zero_is_null  # epoch 0 = "not yet"
        if parses_untrimmed(f):
            r, p = f"r_{name}", f"p_{name}"
            text = f"nullif({text_sql(r, f)}, '0')" if zero else text_sql(r, f)
            texts.append(f"{access('s', f.path)} as {r}")
            valued.append(f"{parse_sql(f'nullif({r}, {lit(0)})' if zero else r, f)} as {p}")
            # written once, inside the case: DuckDB hoists a repeated expression out of case/coalesce (all rows)
            retexts.append(f"case when {p} is null then {text} else {r} end as {t}")
            value = f"coalesce({p}, {parse_sql(t, f)})"
        else:
            text = text_sql(access("s", f.path), f)
            texts.append(f"{f'nullif({text}, {lit(0)})' if zero else text} as {t}")
            value = parse_sql(t, f)
        if f.default is not None:
            value = f"coalesce({value}, cast({lit(f.default)} as {sql_type}))"
        typed.append(f"{value} as {name}")
        if f.kind in BAD:
            reason, what = BAD[f.kind]
            parsed = f"({value})" if f.compute else name  # `name` gets the fallback: check the parse itself
            checks.append(
                (f"{t} is not null and {parsed} is null", reason, f"'field {f.path} = ''' || {t} || ''' {what}'")
            )
        if f.required:
            checks.append((f"{t} is null", "missing_field", lit(f"required field {f.path} is missing or empty")))
    return texts, valued, retexts, typed, checks


def _status_sql(m: Mapping) -> tuple[list[str], str, list[tuple[str, str, str]]]:
    st = m.status
    texts = [f"{text_sql(access('s', st.path), FieldSpec('status'))} as t_status"]
    cases = " ".join(f"when {lit(k)} then {lit(v)}" for k, v in st.map.items())
    expr = f"case t_status {cases} end"
    for i, o in reversed(list(enumerate(st.overrides))):
        texts.append(f"{text_sql(access('s', o.path), FieldSpec('o'))} as t_override_{i}")
        cond = (
            f"t_override_{i} is not null" if o.present else f"t_override_{i} in ({', '.join(lit(v) for v in o.equals)})"
        )
        if o.when_status:
            cond += f" and ({expr}) = {lit(o.when_status)}"
        expr = f"case when {cond} then {lit(o.status)} else {expr} end"
    checks = [
        ("t_status is null", "missing_field", lit(f"required field {st.path} is missing or empty")),
        ("status is null", "unknown_status", "'status ''' || t_status || ''' is not in the mapping'"),
    ]
    return texts, f"{expr} as status", checks


def _lines_sql(m: Mapping) -> tuple[list[str], list[str], list[str], list[str], list[str], list[Check]]:
    """(text columns, untrimmed parses, trimmed texts, typed columns, final columns, checks) for the order lines."""
    ln = m.lines
    texts, valued, retexts, typed, checks = [], [], [], [], []
    untrimmed = set()
    if ln.path is not None:
        base = access("s", ln.path)
        for name, f in ln.fields.items():
            if f.path and parses_untrimmed(f):  # as for order fields: trim only lists with an item that did not parse
                untrimmed.add(name)
                texts.append(f"list_transform({base}, lambda x: {access('x', f.path)}) as rl_{name}")
                valued.append(f"list_transform(rl_{name}, lambda v: {parse_sql('v', f)}) as pl_{name}")
                retexts.append(
                    f"case when list_count(rl_{name}) = list_count(pl_{name}) then rl_{name} "
                    f"else list_transform(rl_{name}, lambda v: {text_sql('v', f)}) end as tl_{name}"
                )
            elif f.path:
                texts.append(f"list_transform({base}, lambda x: {text_sql(access('x', f.path), f)}) as tl_{name}")
    else:
        for name, f in ln.fields.items():
            if f.path:
                inner = FieldSpec(name, strip_excel=f.strip_excel)
                texts.append(
                    f"list_transform(string_split({text_sql(access('s', f.path), inner)}, {lit(ln.delimiter)}),"
                    f" lambda x: {trim_sql('x')}) as tl_{name}"
                )
        checks.append(
            (
                "len(tl_quantity) <> len(tl_channel_sku)",
                "line_count_mismatch",
                "'the line fields list different numbers of items'",
            )
        )
    has = {n for n, f in ln.fields.items() if f.path}
    checks.insert(
        0,
        (
            "tl_channel_sku is null or len(tl_channel_sku) = 0",
            "missing_field",
            lit(f"the order has no lines at {ln.path or ln.fields['channel_sku'].path}"),
        ),
    )
    for name in sorted(has - {"status"}):
        f = ln.fields[name]
        parsed = f"list_transform(tl_{name}, lambda v: {parse_sql('v', f)})"
        if name in untrimmed:
            parsed = f"case when list_count(rl_{name}) = list_count(pl_{name}) then pl_{name} else {parsed} end"
        typed.append(f"{parsed} as ll_{name}")
        if f.required:
            checks.append((f"list_count(tl_{name}) < len(tl_{name})", "missing_field", lit(f"a line has no {f.path}")))
        if f.kind in BAD:
            reason, what = BAD[f.kind]
            checks.append(
                (
                    f"list_count(tl_{name}) <> list_count(ll_{name})",
                    reason,
                    f"'a line''s {f.path} ' || {_first_bad(name)} || ' {what}'",
                )
            )
    checks.append(("list_min(ll_quantity) <= 0", "bad_quantity", "'a line has a quantity of zero or less'"))
    goods = "greatest(paid_fen - freight_fen, 0)"  # unpaid/closed rows show 0.00 paid but may list freight
    if "unit_price_fen" in has and "paid_fen" in has:
        unit, paid = "ll_unit_price_fen", "ll_paid_fen"
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
    final = [
        "tl_channel_sku as line_sku",
        "ll_quantity as line_qty",
        f"{unit} as line_unit_fen",
        f"{paid} as line_paid_fen",
        f"{status} as line_status",
    ]
    return texts, valued, retexts, typed, final, checks


def _more(columns: list[str] | tuple[str, ...]) -> str:
    return "".join(", " + c for c in columns)


def _first_bad(name: str) -> str:
    return (
        f"coalesce(list_filter(list_zip(tl_{name}, ll_{name}), lambda p: p[1] is not null and p[2] is null)[1][1], '?')"
    )


@cache
def standardize_sql(m: Mapping, source_sql: str, extra: tuple[str, ...] = ()) -> str:
    """SELECT producing OUTPUT_COLUMNS (+ `extra` columns passed through) for every row of `source_sql`
    (columns: record + PASSTHROUGH + extra)."""
    o_texts, o_valued, o_retexts, o_typed, o_checks = _order_field_sql(m)
    s_texts, s_status, s_checks = _status_sql(m)
    l_texts, l_valued, l_retexts, l_typed, l_final, l_checks = _lines_sql(m)
    computed = [f"{f.compute} as {n}" for n, f in m.fields.items() if f.compute is not None and f.path is None]
    # path + compute: the value at the path when the record has it, else the computed fallback
    fallback = [f"coalesce({n}, {f.compute}) as {n}" for n, f in m.fields.items() if f.compute and f.path]
    checks = o_checks + s_checks + l_checks
    reason = "case " + " ".join(f"when {c} then {lit(r)}" for c, r, _ in checks) + " end"
    # only evaluated for flagged rows (CASE runs a branch on the rows that reach it): valid rows pay once
    message = (
        "case when reason is not null then case "
        + " ".join(f"when {c} then {msg}" for c, _, msg in checks)
        + " end end"
    )
    pass_cols = ", ".join(PASSTHROUGH + extra)
    shop = "coalesce(shop_id_override, shop_id)" if "shop_id" in m.fields else "shop_id"
    return f"""
with parsed as (
    select {pass_cols}, from_json(record, {lit(structure(m))}) as s from ({source_sql})
), texts as (
    select {pass_cols}, {", ".join(o_texts + s_texts + l_texts)} from parsed
), valued as (
    select *{_more(o_valued + l_valued)} from texts
), retexted as (
    select *{_more(o_retexts + l_retexts)} from valued
), typed as (
    select *, {", ".join(o_typed)}, {s_status} from retexted
), computed as (
    select *{_more(computed)} from typed
), completed as (
    select *{(" replace (" + ", ".join(fallback) + ")") if fallback else ""} from computed
), lined as (
    select *, {", ".join(l_typed)} from completed
), checked as (
    select *, {reason} as reason from lined
), explained as (
    select *, {message} as message from checked
)
select
    content_hash, {lit(m.name)} as mapping, {lit(m.channel)} as channel, {shop} as shop_id, source, received_at,
    channel_order_id, source_updated_at, created_at,
    cast(timezone('Asia/Shanghai', created_at) as date) as order_date,
    paid_at, shipped_at, completed_at, cancelled_at, status, total_fen, discount_fen, freight_fen, paid_fen,
    buyer_id, promotion_type, receiver_province, receiver_city,
    {", ".join(l_final)}, reason, message{_more(extra)}
from explained
"""
