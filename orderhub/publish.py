"""Publish a read-only copy of the warehouse for analysts, atomically (DuckDB file backend).

On a DuckLake there is nothing to copy: analysts attach the lake read-only and read live data with snapshot
isolation (orderhub/analysts.py); "publishing" then only reports the snapshot they see.

DuckDB lets one process write a database file, or many processes read it, never both at once. Analysts
therefore query `$ORDERHUB_HOME/warehouse_ro.duckdb`, a copy replaced after each successful run:

1. open the live warehouse as its writer: DuckDB's file lock guarantees no other process is writing;
2. `CHECKPOINT`: everything committed is now in the main file and the WAL is empty, and no one can change
   it while we hold the connection, so the file on disk is a complete, consistent database;
3. copy it to a temporary file in the same folder, fsync, open the copy read-only to prove it is valid;
4. `os.replace` it over the published copy: an atomic rename, so a reader opens either the old or the new
   complete file, and a reader that already has the old one open keeps reading it undisturbed.

Usage: `python -m orderhub.publish` (the Dagster publish job does the same after every successful run).
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orderhub import lake, settings, warehouse


@dataclass(frozen=True)
class Published:
    path: Path | str  # the copy; on a lake the lake itself
    size_bytes: int
    tables: int
    seconds: float
    snapshot: int | None = None  # lake: the snapshot analysts now read


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_readonly(con: duckdb.DuckDBPyConnection, source: str | Path, target: str | Path | None = None) -> Published:
    """Copy the checkpointed warehouse `source` (open as writer in `con`) to `target`, atomically.

    `con` must be this process's writer connection to `source` and stay open for the whole call: holding
    it is what keeps other processes from writing while the bytes are copied. Call outside a transaction.
    """
    started = time.perf_counter()
    if lake.is_lake(str(source)):
        (snapshot,) = con.execute(f"select id from {lake.ALIAS}.current_snapshot()").fetchone()
        tables = con.execute("select count(*) from information_schema.tables where table_catalog = ?", [lake.ALIAS])
        return Published(
            lake.parse(str(source)).display, 0, tables.fetchone()[0], time.perf_counter() - started, snapshot
        )
    source = Path(warehouse.file_path(source))
    target = Path(target) if target else settings.paths().warehouse_readonly
    target.parent.mkdir(parents=True, exist_ok=True)
    con.execute("checkpoint")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(source, tmp)
        _fsync(tmp)
        check = duckdb.connect(str(tmp), read_only=True)
        try:
            tables = check.execute("select count(*) from information_schema.tables").fetchone()[0]
        finally:
            check.close()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync(target.parent)
    return Published(target, target.stat().st_size, int(tables), time.perf_counter() - started)


def publish_now(source: str | Path | None = None, target: str | Path | None = None) -> Published:
    """Open the warehouse as writer (waiting its turn if another process is writing) and publish it."""
    source = str(source) if source else settings.warehouse_target()
    con = warehouse.connect(source)
    try:
        return publish_readonly(con, source, target)
    finally:
        con.close()


def connect_readonly(path: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """What analysts (and the docs' examples) use: the published copy, read-only, UTC session time."""
    con = duckdb.connect(str(path or settings.paths().warehouse_readonly), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    return con


if __name__ == "__main__":
    result = publish_now()
    print(
        f"published {result.path} ({result.size_bytes / 1e6:.1f} MB, {result.tables} tables) in {result.seconds:.2f}s"
    )
