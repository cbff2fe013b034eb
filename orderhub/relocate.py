"""Move a DuckDB-file warehouse into a DuckLake (`orderhub warehouse move-to URL`): the step up from one file to a
lake, without re-landing anything.

The lake is created by the ordinary writer bootstrap (the same DDL and migrations every backend gets), then every
table of the file is copied into it in one transaction (a reader of the new lake sees all of it or none), by
column name, so a file from an older release whose tables lack a newer column still copies. The file's protected
store follows into the lake's (a database of its own: its own transaction, first, so no token in the lake lacks
its value). The file is only read: it stays as it was, and ORDERHUB_WAREHOUSE decides which one OrderHub uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from orderhub import lake
from orderhub.privacy import store
from orderhub.transaction import transaction

SKIP = {"ops.schema_migrations", "ops.write_locks"}  # the lake's own: written by its bootstrap


class MoveError(RuntimeError):
    pass


@dataclass(frozen=True)
class Moved:
    tables: int
    rows: int
    personal_values: int


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    return [
        f"{s}.{t}"
        for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = ? order by all", [catalog]
        ).fetchall()
    ]


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> list[str]:
    schema, name = table.split(".")
    return [
        r[0]
        for r in con.execute(
            "select column_name from duckdb_columns() where database_name = ? and schema_name = ? and table_name = ?"
            " order by column_index",
            [catalog, schema, name],
        ).fetchall()
    ]


def _views(con: duckdb.DuckDBPyConnection) -> list[str]:
    schemas = [r[0] for r in con.execute("select distinct schema_name from duckdb_views() where database_name = 'old'"
                                         " and not internal").fetchall()]  # fmt: skip
    for schema in schemas:
        con.execute(f"create schema if not exists lake.{schema}")
    return [
        r[0]
        for r in con.execute(
            "select sql from duckdb_views() where database_name = 'old' and not internal"
            " order by schema_name, view_name"
        ).fetchall()
    ]


def move(source: Path, target: str, log=print) -> Moved:
    from orderhub import warehouse

    if not lake.is_lake(target):
        raise MoveError(f"{target}: the target must be a lake URL (ducklake:sqlite:///… or ducklake:postgres://…)")
    if not source.exists():
        raise MoveError(f"{source}: no such warehouse file")
    con = warehouse.connect(target)
    try:
        con.execute(f"attach '{source}' as old (read_only)")
        lake_tables = set(_tables(con, lake.ALIAS))
        busy = [t for t in sorted(lake_tables - SKIP) if con.execute(f"select count(*) from lake.{t}").fetchone()[0]]
        if busy:
            raise MoveError(
                f"{lake.parse(target).display} already holds data ({', '.join(busy[:5])}): move into a new lake"
            )
        values = _move_personal(con, source)
        copied = rows = 0
        with transaction(con):
            for table in _tables(con, "old"):
                if table in SKIP:
                    continue
                if table not in lake_tables:  # a SQL model's table (kpi.*, …): copied as it is
                    con.execute(f"create schema if not exists lake.{table.split('.')[0]}")
                    (n,) = con.execute(f"create table lake.{table} as select * from old.{table}").fetchone()
                    copied, rows = copied + 1, rows + n
                    log(f"  {table}: {n:,} rows (SQL model)")
                    continue
                cols = ", ".join(f'"{c}"' for c in _columns(con, "old", table) if c in _columns(con, lake.ALIAS, table))
                (n,) = con.execute(f"insert into lake.{table} ({cols}) select {cols} from old.{table}").fetchone()
                copied, rows = copied + 1, rows + n
                log(f"  {table}: {n:,} rows")
            for sql in _views(con):  # the SQL models' views (stg.*), created in the lake (the connection's default)
                con.execute(sql)
        return Moved(copied, rows, values)
    finally:
        con.close()


def _move_personal(con: duckdb.DuckDBPyConnection, source: Path) -> int:
    old_store = source.resolve().parent / "protected" / "personal.duckdb"
    if not old_store.exists():
        return 0
    store.attach(con)
    con.execute(f"attach '{old_store}' as old_personal (read_only)")
    try:
        with transaction(con):
            (n,) = con.execute(
                f"insert into {store.TABLE} select * from old_personal.pii.personal_values"
                f" where token not in (select token from {store.TABLE})"
            ).fetchone()
        return n
    finally:
        con.execute("detach old_personal")
