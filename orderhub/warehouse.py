"""Warehouse access: one setting, `ORDERHUB_WAREHOUSE`, two kinds of backend, the same SQL on both.

    duckdb:///PATH                                   one DuckDB file (also a bare path; the default is
                                                     $ORDERHUB_HOME/warehouse.duckdb)
    ducklake:sqlite:///CATALOG?data=DIR              DuckLake: catalog in SQLite, Parquet in a local folder
    ducklake:postgres://USER@HOST:PORT/DB?data=s3://BUCKET/PREFIX
                                                     DuckLake: catalog in PostgreSQL, Parquet on S3 (or a folder)

Every connection has UTC session time; a writer also gets the schema bootstrapped and upgraded. Every table's
DDL lives in `orderhub/ddl/<schema>/<table>.sql` (see orderhub.ddl); upgrades of warehouses made by earlier
versions are in orderhub.migrate. A lake is attached as `lake` and in use (orderhub/lake.py), so `hub.orders`
means the same on both.

A DuckDB file has one writing process (or many readers). A process that finds the file locked by another
one waits its turn, bounded and logged (`ORDERHUB_WAREHOUSE_WAIT_SECONDS`, default 600), instead of failing:
two runs started together (CLI, schedules, a UI backfill) then take turns. Targets without a file lock
(`:memory:`, `md:…`, a lake) never wait: on a lake writers run side by side and a commit that loses against
another writer is run again (orderhub.transaction.retrying).

`ORDERHUB_DUCKDB_MEMORY_LIMIT` (e.g. `768MB`, `4GB`) bounds DuckDB's memory in every connection opened
here (default: DuckDB's own, 80 % of the machine's RAM); beyond it DuckDB spills to disk. The process's peak RSS
is that limit plus the Python process and allocator slack (bench/landing_csv.py prints it).
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

import duckdb

from orderhub import lake, locks, settings
from orderhub.ddl import apply_ddl
from orderhub.migrate import upgrade
from orderhub.settings import SettingError
from orderhub.transaction import retrying, transaction

__all__ = ["WarehouseBusy", "connect", "file_path", "is_lake", "transaction"]

LOG = logging.getLogger("orderhub.warehouse")
WAIT_ENV = "ORDERHUB_WAREHOUSE_WAIT_SECONDS"
MEMORY_ENV = "ORDERHUB_DUCKDB_MEMORY_LIMIT"
DEFAULT_WAIT_SECONDS = 600.0
_HOLDER = re.compile(r"Conflicting lock is held in (.+?) \(PID (\d+)\)")


class WarehouseBusy(duckdb.IOException):
    """Another process kept the warehouse file locked for longer than the wait allows."""


class WarehouseTooNew(duckdb.IOException):
    """The file was written by a newer DuckDB than the one OrderHub runs on (e.g. by OrderHub's 2.0.1 release)."""


def is_lake(target: str | Path) -> bool:
    return lake.is_lake(str(target))


def file_path(target: str | Path) -> str:
    """The DuckDB database string of a non-lake target: `duckdb:///x.duckdb` -> `/x.duckdb`; a path stays."""
    text = str(target)
    return text[len("duckdb://") :] if text.startswith("duckdb://") else text


def _is_file(target: str) -> bool:
    return target != ":memory:" and ":" not in target.split("/")[0]  # not md:..., s3://..., :memory:


def _holder(exc: Exception) -> str | None:
    """'PID 4242 (/usr/bin/python3)' when `exc` is DuckDB's file-lock conflict, else None."""
    text = str(exc)
    if "Could not set lock on file" not in text:
        return None
    m = _HOLDER.search(text)
    return f"PID {m.group(2)} ({m.group(1)})" if m else "another process"


def wait_limit() -> float:
    text = os.environ.get(WAIT_ENV) or ""
    try:
        return float(text) if text.strip() else DEFAULT_WAIT_SECONDS
    except ValueError:
        raise SettingError(f"{WAIT_ENV}={text!r} is not a number of seconds") from None


def _open(target: str, read_only: bool, wait_seconds: float | None, log) -> duckdb.DuckDBPyConnection:
    limit = wait_limit() if wait_seconds is None else wait_seconds
    log = log or LOG
    started = time.monotonic()
    pause, next_note = 0.05, 0.0
    while True:
        try:
            con = duckdb.connect(target, read_only=read_only)
        except duckdb.IOException as exc:
            holder = _holder(exc)
            waited = time.monotonic() - started
            if holder is None or not _is_file(target):
                raise
            if waited >= limit:
                raise WarehouseBusy(
                    f"the warehouse {target} stayed locked by {holder} for {waited:.0f} s (limit {limit:.0f} s, "
                    f"{WAIT_ENV}); is an analyst holding the live file open? Analysts read warehouse_ro.duckdb"
                ) from exc
            if waited >= next_note:  # at the start, then every 30 s: a waiting step is never silent
                log.info(f"warehouse busy (locked by {holder}); waiting for it ({waited:.0f} s of {limit:.0f} s)")
                next_note = waited + 30
            time.sleep(min(pause, max(limit - waited, 0.01)))
            pause = min(pause * 2, 1.0)
            continue
        waited = time.monotonic() - started
        if waited >= 0.5:
            log.info(f"warehouse free after {waited:.1f} s of waiting")
        return con


def _too_new(exc: Exception, target: str) -> WarehouseTooNew | None:
    if "version number" not in str(exc) or "newer version of DuckDB" not in str(exc):
        return None
    return WarehouseTooNew(
        f"{target} was written by a newer DuckDB ({str(exc).split('version number')[1].split(',')[0].strip()}; "
        f"OrderHub's previous release ran DuckDB 2.0.1) and DuckDB {duckdb.__version__} cannot read it. Convert it "
        f"once, in place (the original is kept as a .duckdb201 backup): orderhub warehouse convert {target}"
    )


def connect(
    path: str | Path | None = None, read_only: bool = False, *, wait_seconds: float | None = None, log=None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (`path`: a target as in the module docstring; None = ORDERHUB_WAREHOUSE) with UTC
    session time; writers also get the schema bootstrapped and upgraded.

    A file locked by another process is waited for (up to `wait_seconds`, default from the environment),
    logging to `log` (a logger or Dagster's context.log) when it has to wait; then WarehouseBusy."""
    target = str(path) if path is not None else settings.warehouse_target()
    if is_lake(target):
        con = lake.connect(target, read_only=read_only)
    else:
        target = file_path(target)
        if _is_file(target) and not read_only:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        try:
            con = _open(target, read_only, wait_seconds, log)
        except duckdb.IOException as exc:
            too_new = _too_new(exc, target)
            if too_new is None:
                raise
            raise too_new from exc
    try:
        bound_memory(con)
        con.execute("set TimeZone = 'UTC'")
        if not read_only:
            # on a lake, writers starting together may race to create the same tables: run it again
            retrying(con, _bootstrap, what="warehouse schema bootstrap", log=log)
    except BaseException:
        con.close()
        raise
    return con


def bound_memory(con: duckdb.DuckDBPyConnection) -> None:
    """DuckDB's memory limit from ORDERHUB_DUCKDB_MEMORY_LIMIT, when set; a value DuckDB cannot read is an error
    naming the setting (never silently the default)."""
    limit = os.environ.get(MEMORY_ENV, "").strip()
    if not limit:
        return
    try:
        con.execute("set memory_limit = '" + limit.replace("'", "''") + "'")
    except duckdb.Error as exc:
        raise SettingError(f"{MEMORY_ENV}={limit!r} is not a memory size (e.g. 768MB, 4GB): {exc}") from None


def _bootstrap(con: duckdb.DuckDBPyConnection) -> None:
    apply_ddl(con)
    upgrade(con)
    locks.seed(con)
