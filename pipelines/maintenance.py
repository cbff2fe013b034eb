"""Warehouse maintenance on a schedule (orderhub/maintenance.py): a lake's small files merged, old snapshots
expired, unreferenced files removed; a DuckDB file checkpointed; archived landing files past their retention
deleted. Hourly, so the 5-minute ingest cycle never lets the file count grow without bound."""

import dagster as dg

from orderhub.maintenance import maintain
from resources.warehouse import WAREHOUSE_POOL, Warehouse


@dg.op(pool=WAREHOUSE_POOL)
def warehouse_maintenance(context: dg.OpExecutionContext, warehouse: Warehouse) -> None:
    """Merge, expire and clean up the lake (or checkpoint the file); apply the archive retention."""
    with warehouse.connect() as con:
        result = maintain(con, context.log)
    meta = {"backend": result.backend, "archive_files_deleted": result.archive_files_deleted}
    if result.after is not None:
        meta |= {
            "live_data_files": result.after.live_files,
            "live_data_files_before": result.before.live_files,
            "snapshots": result.after.snapshots,
        }
    context.log.info(f"maintenance: {meta}")


@dg.job(description="Merge small files, expire old snapshots, remove unreferenced files; archive retention.")
def warehouse_maintenance_job() -> None:
    warehouse_maintenance()


warehouse_maintenance_schedule = dg.ScheduleDefinition(
    job=warehouse_maintenance_job, cron_schedule="17 * * * *", default_status=dg.DefaultScheduleStatus.RUNNING
)

defs = dg.Definitions(jobs=[warehouse_maintenance_job], schedules=[warehouse_maintenance_schedule])
