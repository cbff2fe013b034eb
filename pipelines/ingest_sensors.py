"""Sensors of the ingest/hub domain.

- `landing_files_sensor`: files dropped in ORDERHUB_HOME/landing/<channel>/ start one ingest_files_job run.
- `hub_rebuild_sensor`: every raw.channel_orders materialization lists the order dates its new records
  touched (metadata touched_start/touched_end); the sensor requests ONE hub_rebuild_job run over the
  union of those dates, as a partition range (a single run: one DuckDB writer, one transaction).
"""

from __future__ import annotations

import time
from pathlib import Path

import dagster as dg

from orderhub import settings
from pipelines.ingest_jobs import (
    RAW_OP_NAME, RAW_ORDERS, files_run_config, hub_rebuild_job, ingest_files_job, ingest_live_job,
)
from pipelines.partitions import order_date_partitions

# Dagster's run tags for a partition-range run (what a single-run backfill sets).
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
EXPORT_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".txt")
SETTLE_SECONDS = 5  # a file still being copied is left for the next tick


def dropped_files(landing: Path, now: float | None = None) -> list[Path]:
    now = time.time() if now is None else now
    files = [p for p in sorted(landing.glob("*/*")) if p.is_file() and not p.name.startswith(".")]
    return [p for p in files if now - p.stat().st_mtime >= SETTLE_SECONDS]


@dg.sensor(job=ingest_files_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def landing_files_sensor(context: dg.SensorEvaluationContext):
    """Seller-center exports dropped into the landing folder are loaded (or rejected) and archived."""
    files = dropped_files(settings.paths().landing)
    if not files:
        return dg.SkipReason("no files in the landing folder")
    key = ",".join(f"{p}:{p.stat().st_mtime_ns}:{p.stat().st_size}" for p in files)
    return dg.RunRequest(run_key=key, run_config=files_run_config([str(p) for p in files]))


def touched_range(records) -> tuple[str, str] | None:
    starts, ends = [], []
    for rec in records:
        md = rec.asset_materialization.metadata if rec.asset_materialization else {}
        start, end = md.get("touched_start"), md.get("touched_end")
        if start is not None and end is not None and start.value and end.value:
            starts.append(start.value)
            ends.append(end.value)
    return (min(starts), max(ends)) if starts else None


def clamp_to_partitions(start: str, end: str, keys: list[str]) -> tuple[str, str] | None:
    if not keys or end < keys[0] or start > keys[-1]:
        return None
    return max(start, keys[0]), min(end, keys[-1])


@dg.sensor(job=hub_rebuild_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def hub_rebuild_sensor(context: dg.SensorEvaluationContext):
    """Rebuild every hub order-date partition that newly landed raw records touched."""
    after = int(context.cursor) if context.cursor else None
    result = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=RAW_ORDERS, after_storage_id=after), limit=1000, ascending=True)
    if not result.records:
        return dg.SkipReason("no new raw.channel_orders materializations")
    cursor = str(max(r.storage_id for r in result.records))
    span = touched_range(result.records)
    clamped = clamp_to_partitions(*span, order_date_partitions.get_partition_keys()) if span else None
    context.update_cursor(cursor)
    if clamped is None:
        return dg.SkipReason("new raw records touched no order-date partition")
    start, end = clamped
    return dg.RunRequest(run_key=f"hub-rebuild-{cursor}", tags={RANGE_START_TAG: start, RANGE_END_TAG: end})


PEAK_LAG_SECONDS = 5
BUSY = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
        dg.DagsterRunStatus.STARTED]


def peak_run_config(lag_seconds: int = PEAK_LAG_SECONDS) -> dict:
    return {"ops": {RAW_OP_NAME: {"config": {"lag_seconds": lag_seconds}}}}


@dg.sensor(job=ingest_live_job, minimum_interval_seconds=15, default_status=dg.DefaultSensorStatus.STOPPED)
def ingest_peak_sensor(context: dg.SensorEvaluationContext):
    """Promotion-day mode (618, Double 11): pull every ~15 s with a 5 s lag instead of every 5 minutes,
    so order-to-hub latency stays well under a minute (bench/peak_day.py). Turn it on for the peak and off
    after; it never queues a pull while another one is still waiting or running."""
    busy = context.instance.get_run_records(
        dg.RunsFilter(job_name=ingest_live_job.name, statuses=BUSY), limit=1)
    if busy:
        return dg.SkipReason("an ingest_live_job run is still queued or running")
    return dg.RunRequest(run_config=peak_run_config(), tags={"orderhub/mode": "peak"})
