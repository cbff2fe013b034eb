"""Upserts with MERGE INTO, the same statement on a DuckDB file and on a DuckLake (which has no PRIMARY KEY, UNIQUE,
ON CONFLICT or INSERT OR REPLACE).

`select_sql` is what used to follow `insert into t [(columns)]`: its columns are positional and named by `columns`
(default: all of the table's columns in order). Rows sharing a key inside one source are collapsed to one first:
MERGE would otherwise pick one silently (and a DuckDB file and a lake pick differently). Parameters (`?` or
`$name`) pass through unchanged.

Each upsert claims its table's write lock (orderhub/locks.py) in its transaction (its own, or the caller's when one
is open), so two writers inserting the same new key concurrently on a lake conflict instead of both inserting.
"""

from __future__ import annotations

import duckdb

from orderhub.locks import claim
from orderhub.transaction import transaction


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    schema, name = table.split(".")
    rows = con.execute(
        "select column_name from information_schema.columns where table_catalog = current_database() "
        "and table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    if not rows:
        raise LookupError(f"no table {table} in the warehouse")
    return [r[0] for r in rows]


def _merge(
    table: str, keys: list[str], select_sql: str, cols: list[str], update: list[str] | None, order_by: str | None
) -> str:
    pick = f"order by {order_by}" if order_by else ""
    source = (
        f"(select * from ({select_sql}) _src({', '.join(cols)}) "
        f"qualify row_number() over (partition by {', '.join(keys)} {pick}) = 1) s"
    )
    on = " and ".join(f"t.{k} = s.{k}" for k in keys)
    matched = f"when matched then update set {', '.join(f'{c} = s.{c}' for c in update)} " if update else ""
    return (
        f"merge into {table} t using {source} on {on} {matched}"
        f"when not matched then insert ({', '.join(cols)}) values ({', '.join('s.' + c for c in cols)})"
    )


def insert_or_ignore(
    con: duckdb.DuckDBPyConnection,
    table: str,
    keys: list[str],
    select_sql: str,
    params=None,
    *,
    columns: list[str] | None = None,
    order_by: str | None = None,
) -> int:
    """`INSERT … ON CONFLICT DO NOTHING`: rows whose key is already in `table` are left alone."""
    sql = _merge(table, keys, select_sql, columns or table_columns(con, table), None, order_by)
    return _run(con, table, sql, params)


def insert_or_replace(
    con: duckdb.DuckDBPyConnection,
    table: str,
    keys: list[str],
    select_sql: str,
    params=None,
    *,
    columns: list[str] | None = None,
    update: list[str] | None = None,
    order_by: str | None = None,
) -> int:
    """`INSERT OR REPLACE` (update=None: every non-key column) or `ON CONFLICT (keys) DO UPDATE SET <update>`."""
    cols = columns or table_columns(con, table)
    upd = update if update is not None else [c for c in cols if c not in keys]
    sql = _merge(table, keys, select_sql, cols, upd, order_by)
    return _run(con, table, sql, params)


def _run(con: duckdb.DuckDBPyConnection, table: str, sql: str, params) -> int:
    """Rows inserted or updated."""
    with transaction(con):
        claim(con, table)
        return int((con.execute(sql, params) if params is not None else con.execute(sql)).fetchone()[0])
