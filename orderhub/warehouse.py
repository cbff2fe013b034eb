"""DuckDB warehouse access: open it with UTC session time; writers get the schema bootstrapped and upgraded.

Every table's DDL lives in `orderhub/ddl/<schema>/<table>.sql` (see orderhub.ddl); upgrades of warehouses
made by earlier versions are in orderhub.migrate.

A DuckDB file has one writing process (or many readers). A process that finds the file locked by another
one waits its turn, bounded and logged (`ORDERHUB_WAREHOUSE_WAIT_SECONDS`, default 600), instead of failing:
two runs started together (CLI, schedules, a UI backfill) then take turns. Targets without a file lock
(`:memory:`, `md:…`, an attached lake) never wait.
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

import duckdb

from orderhub.ddl import apply_ddl
from orderhub.migrate import upgrade
from orderhub.transaction import transaction

__all__ = ["WarehouseBusy", "connect", "transaction"]

LOG = logging.getLogger("orderhub.warehouse")
WAIT_ENV = "ORDERHUB_WAREHOUSE_WAIT_SECONDS"
DEFAULT_WAIT_SECONDS = 600.0
_HOLDER = re.compile(r"Conflicting lock is held in (.+?) \(PID (\d+)\)")


class WarehouseBusy(duckdb.IOException):
    """Another process kept the warehouse file locked for longer than the wait allows."""


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
    return float(os.environ.get(WAIT_ENV) or DEFAULT_WAIT_SECONDS)


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


def connect(
    path: str | Path, read_only: bool = False, *, wait_seconds: float | None = None, log=None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse with UTC session time; writers also get the schema bootstrapped and upgraded.

    A file locked by another process is waited for (up to `wait_seconds`, default from the environment),
    logging to `log` (a logger or Dagster's context.log) when it has to wait; then WarehouseBusy."""
    target = str(path)
    if _is_file(target) and not read_only:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    con = _open(target, read_only, wait_seconds, log)
    con.execute("set TimeZone = 'UTC'")
    if not read_only:
        apply_ddl(con)
        upgrade(con)
    return con
