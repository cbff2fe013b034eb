"""Ingest: pulling the channel APIs and the ERP on a schedule, landing dropped files, and peak-day mode.

- `ingest_live_schedule`: every 5 minutes, every enabled channel API from its cursor plus the ERP bridge.
- `landing_files_sensor`: files dropped in ORDERHUB_HOME/landing/<channel>/ start one ingest_files_job run.
- `ingest_peak_sensor` (off by default): promotion days, a pull every ~15 s with a 5 s lag.
"""

import json

import dagster as dg

from assets.tables import key
from orderhub import settings
from orderhub.ingest.folder import grown, ready_files

RAW_ORDERS = key("raw.channel_orders")
RAW_OP_NAME = "raw__channel_orders"  # the op name Dagster derives from the asset key (for run config)
SETTLE_SECONDS = 5  # and unchanged since the previous tick: a file still being copied is left for later
PEAK_LAG_SECONDS = 5
BUSY = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]

ingest_live_job = dg.define_asset_job(
    "ingest_live_job",
    selection=dg.AssetSelection.assets(RAW_ORDERS),
    description="Pull the channel APIs (from their cursors) and the ERP bridge into raw.channel_orders.",
)
ingest_files_job = dg.define_asset_job(
    "ingest_files_job",
    selection=dg.AssetSelection.assets(RAW_ORDERS),
    description="Land dropped seller-center export files (run config lists them) into raw.channel_orders.",
)
quarantine_replay_job = dg.define_asset_job(
    "quarantine_replay_job",
    selection=dg.AssetSelection.assets(RAW_ORDERS),
    description="Re-standardize quarantined records with the current mappings and SKU aliases "
    "(`orderhub quarantine replay`); hub_rebuild_sensor then rebuilds the days it touched.",
)
ingest_live_schedule = dg.ScheduleDefinition(
    name="ingest_live_schedule",
    job=ingest_live_job,
    cron_schedule="*/5 * * * *",
    execution_timezone=settings.BUSINESS_TZ,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Pull new and changed orders from every channel API and the ERP every 5 minutes.",
)


def replay_run_config(mapping: str | None = None, reason: str | None = None) -> dict:
    config = {"sources": [], "replay": True, "replay_mapping": mapping, "replay_reason": reason}
    return {"ops": {RAW_OP_NAME: {"config": config}}}


def files_run_config(files: list[str], regrown: list[str] = ()) -> dict:
    return {"ops": {RAW_OP_NAME: {"config": {"sources": [], "files": files, "regrown": list(regrown)}}}}


@dg.sensor(job=ingest_files_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def landing_files_sensor(context: dg.SensorEvaluationContext):
    """Reports dropped into the landing folder are loaded (or rejected) and archived once complete: not a
    temporary name, no process writing them, size and time unchanged since the previous look (orderhub/ingest/
    folder.py). Archived files that grew after they were landed are read again."""
    paths = settings.paths()
    previous = json.loads(context.cursor) if context.cursor else {}
    files, seen = ready_files(paths.landing, previous, SETTLE_SECONDS)
    regrown = grown(paths.archive)
    context.update_cursor(json.dumps(seen))
    if not files and not regrown:
        waiting = len(seen) - len(files)
        return dg.SkipReason(f"{waiting} file(s) not complete yet" if waiting else "no files in the landing folder")
    looks = {**seen, **{str(p): [p.stat().st_size, p.stat().st_mtime_ns] for p in regrown}}
    run_key = ",".join(f"{p}:{looks[str(p)][1]}:{looks[str(p)][0]}" for p in [*files, *regrown])
    return dg.RunRequest(
        run_key=run_key, run_config=files_run_config([str(p) for p in files], [str(p) for p in regrown])
    )


def peak_run_config(lag_seconds: int = PEAK_LAG_SECONDS) -> dict:
    return {"ops": {RAW_OP_NAME: {"config": {"lag_seconds": lag_seconds}}}}


@dg.sensor(job=ingest_live_job, minimum_interval_seconds=15, default_status=dg.DefaultSensorStatus.STOPPED)
def ingest_peak_sensor(context: dg.SensorEvaluationContext):
    """Promotion-day mode (618, Double 11): pull every ~15 s with a 5 s lag instead of every 5 minutes,
    so order-to-hub latency stays well under a minute (bench/peak_day.py). Turn it on for the peak and off
    after; it never queues a pull while another one is still waiting or running."""
    busy = context.instance.get_run_records(dg.RunsFilter(job_name=ingest_live_job.name, statuses=BUSY), limit=1)
    if busy:
        return dg.SkipReason("an ingest_live_job run is still queued or running")
    return dg.RunRequest(run_config=peak_run_config(), tags={"orderhub/mode": "peak"})


defs = dg.Definitions(
    jobs=[ingest_live_job, ingest_files_job, quarantine_replay_job],
    schedules=[ingest_live_schedule],
    sensors=[landing_files_sensor, ingest_peak_sensor],
)
