"""DuckDB warehouse access: open it with UTC session time; writers get the schema bootstrapped and upgraded.

Every table's DDL lives in `orderhub/ddl/<schema>/<table>.sql` (see orderhub.ddl); upgrades of warehouses
made by earlier versions are in orderhub.migrate.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orderhub.ddl import apply_ddl
from orderhub.migrate import upgrade
from orderhub.transaction import transaction

__all__ = ["connect", "transaction"]


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
