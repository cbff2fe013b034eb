"""Records from staged reports, as the mapping's `file:` section says (all in SQL, never a loop per row):

- one row per order: each row is a record (`{header: text, ...}`, keys sorted: the canonical JSON the
  content hash is taken of). Rows of one file that share an order id but differ are not versions of one
  order (a report lists an order once): they are quarantined as `duplicate_order_in_file`, never taken as
  versions of each other (a row-per-line report read without `group_by` would silently lose lines);
- `group_by`: the rows sharing the order id are ONE record `{"rows": [row, ...]}` in file order: one order,
  one line per row;
- `lines_from`: each order-report row gets the item-report rows of its order id under `as` (`[]` if none);
  item rows whose order is not in the order report are a record of their own, quarantined `orphan_items`.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from orderhub.ingest.filecells import ExportReadError, Staged, clean_sql
from orderhub.standardize.mapping import Mapping
from orderhub.standardize.paths import segments
from orderhub.standardize.sqlvalues import lit

RECORDS, REJECTS = "_file_records", "_file_rejects"
GROUP_ROWS = 250_000  # report rows per grouping pass (see _grouped)


@dataclass
class FileRecords:
    records: str  # temp table: seq, record_text, n_rows (the report rows the record holds)
    rejects: str  # temp table: seq, reason, message (records quarantined whatever the mapping says)
    rows: int  # report rows read (both reports of a pair)


def json_row(staged: Staged, extra: dict[str, str] | None = None) -> str:
    """json_object of a staged row with its keys sorted (plus `extra` keys: name -> SQL of a JSON value)."""
    return _sorted_object({h: f"c{i}" for i, h in enumerate(staged.headers)} | (extra or {}))


def _missing(staged: Staged, wanted: tuple[str, ...], what: str) -> None:
    missing = [h for h in wanted if h not in staged.headers]
    if missing:
        raise ExportReadError("missing_headers", f"not {what}: missing columns {', '.join(missing)}", str(staged.path))


def _id_header(m: Mapping) -> str | None:
    f = m.fields["channel_order_id"]
    path = f.label or f.path
    segs = segments(path) if path else []
    return segs[0][0] if len(segs) == 1 and segs[0][1] is None else None


def build_records(
    con: duckdb.DuckDBPyConnection, m: Mapping, staged: Staged, items: Staged | None = None
) -> FileRecords:
    spec = m.file
    what = f"a {m.name} report" + (f" ({m.description})" if m.description else "")
    _missing(staged, spec.order_headers, what)
    con.execute(f"create or replace temp table {REJECTS} (seq bigint, reason varchar, message varchar)")
    rows = staged.rows
    if spec.group_by:
        _grouped(con, staged, staged.column(spec.group_by))
    elif spec.lines_from:
        if items is None:
            raise ExportReadError(
                "missing_pair", f"the item report ({spec.lines_from.match}) is missing", str(staged.path)
            )
        _missing(items, spec.line_headers, f"the item report of {m.name}")
        rows += items.rows
        _pair(con, staged, items, spec.lines_from.key, spec.lines_from.as_)
    else:
        con.execute(
            f"create or replace temp table {RECORDS} as "
            f"select seq, {json_row(staged)} as record_text, 1 as n_rows from {staged.table}"
        )
    header = _id_header(m)
    if not spec.group_by and header in staged.headers:
        _duplicates(con, staged, header, m.name)
    return FileRecords(RECORDS, REJECTS, rows)


def _grouped(con: duckdb.DuckDBPyConnection, staged: Staged, key: str) -> None:
    """One record per order id, built in passes of about GROUP_ROWS report rows (the orders whose id hashes to
    the pass): a pass holds its rows' JSON in list aggregates, which DuckDB cannot spill, so one pass over a
    1M-row report needs ~900 MB at once (and fails under a smaller memory limit); a pass of 250k rows ~220 MB."""
    order = "case when k = '' then '#' || seq else k end"  # a row without an order id is an order of its own
    passes = -(-staged.rows // GROUP_ROWS)

    def build(rows: str) -> str:
        return f"""select min(seq) as seq, '{{"rows":[' || {_in_order("j")} || ']}}' as record_text,
                count(*) as n_rows
            from (select seq, k, {json_row(staged)} as j from (select *, {clean_sql(key)} as k from ({rows})))
            group by {order}"""

    if passes <= 1:
        con.execute(f"create or replace temp table {RECORDS} as {build(f'from {staged.table}')}")
        return
    # each row's pass first (16 bytes a row); a pass then reads its rows' cells by seq
    con.execute(f"""create or replace temp table _file_pass as
        select seq, (hash({order}) % {passes})::usmallint as pass
        from (select seq, {clean_sql(key)} as k from {staged.table})""")
    con.execute(f"create or replace temp table {RECORDS} (seq bigint, record_text varchar, n_rows bigint)")
    for i in range(passes):
        rows = f"from {staged.table} semi join (select seq from _file_pass where pass = {i}) using (seq)"
        con.execute(f"insert into {RECORDS} {build(rows)}")
    con.execute("drop table _file_pass")


def _pair(con: duckdb.DuckDBPyConnection, orders: Staged, items: Staged, key: str, as_: str) -> None:
    o_key, i_key = orders.column(key), items.column(key)
    if as_ in orders.headers:
        raise ExportReadError(
            "bad_headers", f"the order report has a column {as_!r}, the mapping's lines key", str(orders.path)
        )
    top = con.execute(f"select coalesce(max(seq), -1) + 1 from {orders.table}").fetchone()[0]
    con.execute(
        f"""create or replace temp table _file_orders as select *, {clean_sql(o_key)} as _k from {orders.table}"""
    )
    con.execute(f"""create or replace temp table _file_items as
        select {clean_sql(i_key)} as k, min(seq) as seq, count(*) as n,
               '[' || {_in_order(json_row(items))} || ']' as lines
        from {items.table} group by 1""")
    order_json = json_row(orders, {as_: "coalesce(i.lines, '[]')::json"})
    con.execute(f"""create or replace temp table {RECORDS} as
        select o.seq, {order_json} as record_text, 1 + coalesce(i.n, 0) as n_rows
        from _file_orders o left join _file_items i on i.k = o._k
        union all
        select {top} + i.seq, {_sorted_object({key: "i.k", as_: "i.lines::json"})}, i.n
        from _file_items i anti join _file_orders o on i.k = o._k""")
    con.execute(f"""insert into {REJECTS}
        select {top} + i.seq, 'orphan_items', 'the item report lists ' || i.n || ' rows of order ' || i.k ||
               ', which is not in the order report'
        from _file_items i anti join _file_orders o on i.k = o._k""")
    con.execute("drop table _file_items; drop table _file_orders")


def _in_order(json_sql: str) -> str:
    """The group's JSON texts joined with ",", in file order: sorting a list per group costs a fifth of an
    aggregate ORDER BY."""
    return f"array_to_string(list_transform(list_sort(list(struct_pack(s := seq, j := {json_sql}))), x -> x.j), ',')"


def _sorted_object(values: dict[str, str]) -> str:
    return "json_object(" + ", ".join(f"{lit(k)}, {values[k]}" for k in sorted(values)) + ")"


def _duplicates(con: duckdb.DuckDBPyConnection, staged: Staged, header: str, name: str) -> None:
    col = staged.column(header)
    con.execute(f"""insert into {REJECTS}
        with keyed as (
            select r.seq, {clean_sql("s." + col)} as k, r.record_text from {RECORDS} r join {staged.table} s using (seq)
        ),
        clashing as (select k, count(*) as n from keyed where k <> '' group by k having count(distinct record_text) > 1)
        select seq, 'duplicate_order_in_file',
               'order ' || k || ' is on ' || n || ' different rows of this file: a report lists an order once, so '
               || 'these are its lines - declare file.group_by in {name} and drop the file again'
        from keyed join clashing using (k)""")
