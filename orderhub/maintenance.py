"""Warehouse maintenance: keep a lake's file count bounded, and keep archived exports only as long as configured.

A DuckLake writes a Parquet file per insert above the inlining limit, one per partition a replacement touches,
and never deletes in place: under the 5-minute ingest cycle files and snapshots pile up. `CHECKPOINT lake` does
all of DuckLake's housekeeping in one statement: flush inlined rows, expire snapshots older than the snapshot
retention, merge adjacent small files, rewrite files with many deletes, and remove files no snapshot needs any
more once they are older than the file grace period (a reader still on an older snapshot keeps its files).

    ORDERHUB_LAKE_SNAPSHOT_RETENTION  how far back time travel reaches (default '7 days')
    ORDERHUB_LAKE_FILE_GRACE          how long unreferenced files stay for running readers (default '1 hour')
    ORDERHUB_ARCHIVE_RETENTION_DAYS   archived landing files older than this are deleted (default 30): seller
                                      exports carry buyers' phones and addresses and must not be kept for ever

On a DuckDB file the same job checkpoints the file (folds the WAL in) and applies the archive retention.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from orderhub import settings
from orderhub.lake import ALIAS, on_lake
from orderhub.transaction import is_retryable, max_attempts, rollback_quietly

_INTERVAL = re.compile(r"^\d+ (second|minute|hour|day|week|month)s?$")
_META = f"__ducklake_metadata_{ALIAS}"


@dataclass(frozen=True)
class FileStats:
    live_files: int  # data files the current snapshot reads
    delete_files: int  # delete files the current snapshot applies
    tracked_files: int  # data files the catalog still knows (older snapshots keep some alive)
    snapshots: int
    scheduled_for_deletion: int


@dataclass(frozen=True)
class MaintenanceResult:
    backend: str
    before: FileStats | None
    after: FileStats | None
    archive_files_deleted: int
    seconds: float


def interval_setting(name: str, default: str) -> str:
    value = (os.environ.get(name) or default).strip().lower()
    if not _INTERVAL.match(value):
        raise ValueError(f"{name}={value!r}: expected e.g. '7 days', '12 hours', '30 minutes'")
    return value


def archive_retention_days() -> int:
    days = int(os.environ.get("ORDERHUB_ARCHIVE_RETENTION_DAYS") or 30)
    if days < 1:
        raise ValueError("ORDERHUB_ARCHIVE_RETENTION_DAYS must be at least 1")
    return days


def file_stats(con: duckdb.DuckDBPyConnection) -> FileStats:
    row = con.execute(f"""select
        (select count(*) from {_META}.ducklake_data_file where end_snapshot is null),
        (select count(*) from {_META}.ducklake_delete_file where end_snapshot is null),
        (select count(*) from {_META}.ducklake_data_file),
        (select count(*) from {_META}.ducklake_snapshot),
        (select count(*) from {_META}.ducklake_files_scheduled_for_deletion)""").fetchone()
    return FileStats(*(int(v) for v in row))


def purge_archive(now: datetime | None = None, days: int | None = None, root: Path | None = None) -> int:
    """Delete files under the archive (loaded exports in archive/<channel>/, rejected ones in archive/rejected/)
    that were archived more than `days` ago; returns how many. Archived = the file's inode change time, which
    the move into the archive sets (its modification time is the seller's download time)."""
    days = archive_retention_days() if days is None else days
    cutoff = ((now or datetime.now(UTC)) - timedelta(days=days)).timestamp()
    base = root or settings.paths().archive
    removed = 0
    if base.exists():
        for path in base.rglob("*"):
            if path.is_file() and path.stat().st_ctime < cutoff:
                path.unlink()
                removed += 1
    return removed


def _checkpoint(con: duckdb.DuckDBPyConnection, log) -> None:
    """CHECKPOINT commits like any writer: when another writer committed first, run it again (bounded)."""
    attempts = max_attempts()
    for attempt in range(1, attempts + 1):
        try:
            con.execute(f"checkpoint {ALIAS}")
            return
        except duckdb.Error as exc:
            rollback_quietly(con)
            if not is_retryable(exc) or attempt == attempts:
                raise
            log.warning(f"maintenance: another writer committed first (attempt {attempt} of {attempts}); again")
            time.sleep(0.2 * attempt)


def maintain(con: duckdb.DuckDBPyConnection, log, now: datetime | None = None) -> MaintenanceResult:
    started = time.perf_counter()
    if on_lake(con):
        retention = interval_setting("ORDERHUB_LAKE_SNAPSHOT_RETENTION", "7 days")
        grace = interval_setting("ORDERHUB_LAKE_FILE_GRACE", "1 hour")
        before = file_stats(con)
        con.execute(f"call {ALIAS}.set_option('expire_older_than', '{retention}')")
        con.execute(f"call {ALIAS}.set_option('delete_older_than', '{grace}')")
        _checkpoint(con, log)
        after = file_stats(con)
        log.info(
            f"lake maintenance: live data files {before.live_files} -> {after.live_files}, delete files "
            f"{before.delete_files} -> {after.delete_files}, snapshots {before.snapshots} -> {after.snapshots} "
            f"(retention {retention}), files awaiting removal {after.scheduled_for_deletion} (grace {grace})"
        )
        backend = "ducklake"
    else:
        con.execute("checkpoint")
        before = after = None
        backend = "duckdb"
    purged = purge_archive(now)
    if purged:
        log.info(f"archive retention: deleted {purged} archived file(s) older than {archive_retention_days()} days")
    return MaintenanceResult(backend, before, after, purged, time.perf_counter() - started)
