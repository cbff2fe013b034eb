"""DuckDB warehouse access: schema bootstrap and all-or-nothing transactions.

Every table's DDL lives in `orderhub/ddl/<schema>.<table>.sql` (one file per table) so that each domain
owns its tables; `connect()` applies them all idempotently.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from orderhub.migrate import upgrade

DDL_DIR = Path(__file__).parent / "ddl"
SCHEMAS = ("raw", "hub", "ops", "inventory", "kpi", "forecast", "stg")


def apply_ddl(con: duckdb.DuckDBPyConnection) -> None:
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
    for ddl in sorted(DDL_DIR.glob("*.sql")):
        con.execute(ddl.read_text(encoding="utf-8"))


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse with UTC session time; writers also get the schema bootstrapped and upgraded."""
    target = str(path)
    is_file = target != ":memory:" and ":" not in target.split("/")[0]  # not md:..., s3://..., :memory:
    if is_file and not read_only:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(target, read_only=read_only)
    con.execute("set TimeZone = 'UTC'")
    if not read_only:
        apply_ddl(con)
        upgrade(con)
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All-or-nothing: a crash or exception inside leaves the previous state."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    else:
        con.execute("commit")
