"""Per-table write locks for a DuckLake: rows of ops.write_locks bumped inside the unit of work.

A DuckLake (PostgreSQL catalog) lets writers run at once and refuses, at commit, the second of two transactions
that changed the same data file or deleted what the other inserted into. It cannot see a conflict between two
transactions that each deleted nothing and inserted the same rows: two first loads of an empty window, two
landings of the same new records, two MERGEs inserting the same new key. All would commit, and the table would
hold duplicates. `claim(con, table)` updates the table's lock row in the caller's transaction, so any two units of
work that claim the same table conflict at commit, and orderhub.transaction.retrying runs the loser again on the
state the winner left. A SQLite catalog serializes commits anyway and a DuckDB file has one writer: the rows are
still bumped on a lake (one code path), and skipped on a file.
"""

from __future__ import annotations

import weakref

import duckdb

from orderhub.ddl import tables
from orderhub.lake import on_lake
from orderhub.transaction import in_transaction

_ON_LAKE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _lake(con: duckdb.DuckDBPyConnection) -> bool:
    if con not in _ON_LAKE:
        _ON_LAKE[con] = on_lake(con)
    return _ON_LAKE[con]


def seed(con: duckdb.DuckDBPyConnection) -> None:
    """One lock row per warehouse table (bootstrap, in the schema transaction: never raced by writers)."""
    if not _lake(con):
        return
    con.execute(
        "insert into ops.write_locks select t, 0, null from unnest(?::varchar[]) u(t) "
        "where t not in (select table_name from ops.write_locks)",
        [tables()],
    )


def claim(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Bump the lock rows of `names` ('schema.table') in the current transaction (required: a claim outside one
    would commit on its own and protect nothing)."""
    if not _lake(con):
        return
    if not in_transaction(con):
        raise RuntimeError(f"claim({', '.join(names)}) outside a transaction protects nothing")
    con.execute(
        "update ops.write_locks set version = version + 1, updated_at = now() where list_contains(?, table_name)",
        [list(names)],
    )
