"""Compile a declarative mapping into one vectorized DuckDB query over raw JSON records.

Each record is parsed once (`from_json` with a structure built from every path the mapping uses), so the
cost is one JSON parse per record whatever the number of fields. Money is parsed from its text with a
regex check and a decimal cast (exact: "19.90" -> 1990, never through a float); timestamps with
`try_strptime` (an ordered list of formats, the first that reads wins)/epoch conversion to UTC; texts are
trimmed only where that can matter (`trim_sql`, `parses_untrimmed` in sqlvalues.py): the query runs once per
landed record. Every field that is present but unreadable, or required but missing, yields a machine reason
(`bad_amount`, `bad_timestamp`, `bad_integer`, `missing_field`, `unknown_status`, ...) and a human message, as
do the plausibility checks of context.py: the landing quarantines those records.
"""

from __future__ import annotations

import hashlib
import threading
from functools import cache

import duckdb

from orderhub.standardize.context import Check, Context, context, sanity_checks
from orderhub.standardize.jsonpaths import access, structure
from orderhub.standardize.linesql import lines_sql
from orderhub.standardize.mapping import ORDER_FIELDS, PLACEHOLDER, FieldSpec, Mapping, MappingError

# lit is re-exported: landing, facts and hub build their literals with it
from orderhub.standardize.sqlvalues import BAD, lit, parse_sql, parses_untrimmed, text_sql

PASSTHROUGH = ("content_hash", "shop_id", "received_at", "source")
MESSAGE_CHARS = 500  # a quarantine message quotes the bad value: never more than this
_SQL_TYPE = {"money": "bigint", "time": "timestamptz", "int": "bigint", "str": "varchar"}


def _sql_type(name: str, f: FieldSpec | None) -> str:
    kind = f.kind if f else ("money" if name.endswith("_fen") else "time" if name.endswith("_at") else "str")
    return _SQL_TYPE[kind]


def _with_placeholders(sql: str, m: Mapping, texts: list[str]) -> str:
    """{path} in an order-level compute -> a text column of that path (added to `texts` once)."""

    def column(match) -> str:
        name = "ph_" + hashlib.md5(match.group(1).encode()).hexdigest()[:10]  # stable: the SQL versions the facts
        sel = f"{text_sql(access('s', match.group(1)), FieldSpec('p'))} as {name}"
        if sel not in texts:
            texts.append(sel)
        return name

    return PLACEHOLDER.sub(column, sql)


def _order_field_sql(m: Mapping, c: Context) -> tuple[list[str], list[str], list[str], list[str], list[Check]]:
    """(text columns, untrimmed parses, trimmed texts, typed columns, checks) for the order-level fields."""
    texts, valued, retexts, typed, checks = [], [], [], [], []
    for field_name in ORDER_FIELDS:
        f = m.fields.get(field_name)
        name = "shop_id_override" if field_name == "shop_id" else field_name
        sql_type = _sql_type(name, f)
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
        if f.agg != "first":
            _aggregated(m, f, name, c, texts, typed, checks)
            continue
        t = f"t_{name}"
        zero = f.kind == "time" and f.time.format == "epoch_s" and f.time.zero_is_null  # epoch 0 = "not yet"
        parse = lambda x, f=f: parse_sql(x, f, c.digits, c.scale, c.zone)  # noqa: E731
        if parses_untrimmed(f):
            r, p = f"r_{name}", f"p_{name}"
            text = f"nullif({text_sql(r, f)}, '0')" if zero else text_sql(r, f)
            texts.append(f"{access('s', f.path)} as {r}")
            valued.append(f"{parse(f'nullif({r}, {lit(0)})' if zero else r)} as {p}")
            # written once, inside the case: DuckDB hoists a repeated expression out of case/coalesce (all rows)
            retexts.append(f"case when {p} is null then {text} else {r} end as {t}")
            value = f"coalesce({p}, {parse(t)})"
        else:
            text = text_sql(access("s", f.path), f)
            texts.append(f"{f'nullif({text}, {lit(0)})' if zero else text} as {t}")
            value = parse(t)
        if f.default is not None:
            value = f"coalesce({value}, cast({lit(f.default)} as {sql_type}))"
        typed.append(f"{value} as {name}")
        if f.kind in BAD:
            reason, what = BAD[f.kind]
            parsed = f"({value})" if f.compute else name  # `name` gets the fallback: check the parse itself
            checks.append(
                (f"{t} is not null and {parsed} is null", reason, f"'field {f.shown} = ''' || {t} || ''' {what}'")
            )
        if f.required:
            checks.append((f"{t} is null", "missing_field", lit(f"required field {f.shown} is missing or empty")))
    return texts, valued, retexts, typed, checks


def _aggregated(m: Mapping, f: FieldSpec, name: str, c: Context, texts, typed, checks) -> None:
    """A group_by order field read from every row of the order and summed (amounts) or min/max (times)."""
    tl, pl = f"ta_{name}", f"pa_{name}"
    texts.append(f"list_transform({access('s', m.lines.path)}, lambda x: {text_sql(access('x', f.path), f)}) as {tl}")
    parsed = f"list_transform({tl}, lambda v: {parse_sql('v', f, c.digits, c.scale, c.zone)})"
    typed.append(f"{parsed} as {pl}, list_{f.agg}({pl}) as {name}")
    reason, what = BAD[f.kind]
    bad = f"coalesce(list_filter(list_zip({tl}, {pl}), lambda p: p[1] is not null and p[2] is null)[1][1], '?')"
    checks.append((f"list_count({tl}) <> list_count({pl})", reason, f"'a row''s {f.shown} ' || {bad} || ' {what}'"))
    if f.required:
        checks.append((f"list_count({tl}) < len({tl})", "missing_field", lit(f"a row has no {f.shown}")))


def _status_sql(m: Mapping) -> tuple[list[str], str, list[Check]]:
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
    shown = st.path.removeprefix("rows[0].")
    checks = [
        ("t_status is null", "missing_field", lit(f"required field {shown} is missing or empty")),
        ("status is null", "unknown_status", "'status ''' || t_status || ''' is not in the mapping'"),
    ]
    return texts, f"{expr} as status", checks


def _more(columns: list[str] | tuple[str, ...]) -> str:
    return "".join(", " + c for c in columns)


def _business_day(c: Context) -> str:
    return f"cast(timezone({c.business_zone}, created_at) as date)"


@cache
def standardize_sql(m: Mapping, source_sql: str, extra: tuple[str, ...] = (), explain: bool = False) -> str:
    """SELECT of the standardized columns (facts.FACT_COLUMNS but order_id and mapping_version, + reason, message,
    + `extra` columns passed through) for every row of `source_sql`
    (columns: record + PASSTHROUGH + extra). `explain` also returns every intermediate column (mapping check)."""
    c = context(m)
    o_texts, o_valued, o_retexts, o_typed, o_checks = _order_field_sql(m, c)
    s_texts, s_status, s_checks = _status_sql(m)
    ln = lines_sql(m, c)
    placeholder_texts: list[str] = []
    computed = [
        f"{_with_placeholders(f.compute, m, placeholder_texts)} as {n}"
        for n, f in m.fields.items()
        if f.compute is not None and f.path is None
    ]
    # path + compute: the value at the path when the record has it, else the computed fallback
    fallback = [
        f"coalesce({n}, {_with_placeholders(f.compute, m, placeholder_texts)}) as {n}"
        for n, f in m.fields.items()
        if f.compute and f.path
    ]
    checks = o_checks + s_checks + ln.checks + sanity_checks(m, c)
    reason = "case " + " ".join(f"when {cond} then {lit(r)}" for cond, r, _ in checks) + " end"
    # only evaluated for flagged rows (CASE runs a branch on the rows that reach it): valid rows pay once
    message = (
        "case when reason is not null then left(case "
        + " ".join(f"when {cond} then {msg}" for cond, _, msg in checks)
        + f" end, {MESSAGE_CHARS}) end"
    )
    pass_cols = ", ".join(PASSTHROUGH + extra)
    shop = "coalesce(shop_id_override, shop_id)" if "shop_id" in m.fields else "shop_id"
    final = f"{_business_day(c)} as order_date, {', '.join(ln.final)}, {c.currency} as currency"
    tail = (
        f"*, {final}"
        if explain
        else f"""content_hash, {lit(m.name)} as mapping, {lit(m.channel)} as channel,
    {shop} as shop_id, source, received_at, channel_order_id, source_updated_at, created_at,
    {_business_day(c)} as order_date, paid_at, shipped_at, completed_at, cancelled_at, status, total_fen,
    discount_fen, freight_fen, paid_fen, buyer_id, promotion_type, receiver_province, receiver_city,
    {", ".join(ln.final)}, {c.currency} as currency, reason, message{_more(extra)}"""
    )
    return f"""
with parsed as (
    select {pass_cols}, from_json(record, {lit(structure(m))}) as s from ({source_sql})
), texts as (
    select {pass_cols}, {", ".join(c.texts + o_texts + s_texts + ln.texts + placeholder_texts)} from parsed
), contexted as (
    select *{_more(c.columns)} from texts
), valued as (
    select *{_more(o_valued + ln.valued)} from contexted
), retexted as (
    select *{_more(o_retexts + ln.retexts)} from valued
), typed as (
    select *, {", ".join(o_typed)}, {s_status} from retexted
), computed as (
    select *{_more(computed)} from typed
), completed as (
    select *{(" replace (" + ", ".join(fallback) + ")") if fallback else ""} from computed
), lined as (
    select *, {", ".join(ln.typed)} from completed
), checked as (
    select *, {reason} as reason from lined
), explained as (
    select *, {message} as message from checked
)
select {tail}
from explained
"""


EMPTY_SOURCE = (
    "select null::uuid as content_hash, null::varchar as shop_id, null::timestamptz as received_at,"
    " null::varchar as source, null::varchar as record where false"
)


_BINDER: list[duckdb.DuckDBPyConnection] = []  # one in-memory database binds every mapping (a connect costs 20 ms)
_BINDER_LOCK = threading.Lock()


def check_binds(m: Mapping) -> None:
    """Bind the compiled query once against no rows: a `compute` naming a column that does not exist, or SQL
    that does not parse, fails here with the mapping named, not at the first landing."""
    with _BINDER_LOCK:
        if not _BINDER:
            _BINDER.append(duckdb.connect())
            _BINDER[0].execute("set TimeZone = 'UTC'")
        try:
            _BINDER[0].execute(f"select * from ({standardize_sql(m, EMPTY_SOURCE)}) limit 0").fetchall()
        except duckdb.Error as exc:
            computes = {n: f.compute for n, f in {**m.fields, **m.lines.fields}.items() if f.compute}
            hint = f" (computes: {computes}; they may use hub field names and {{path}} texts)" if computes else ""
            raise MappingError(f"{m.name}: the mapping does not compile: {str(exc).splitlines()[0]}{hint}") from None
