"""Live pulling: every few minutes the channel APIs and the ERP bridge are pulled from their cursors."""

from __future__ import annotations

import dagster as dg

from pipelines.ingest_jobs import hub_skus_job, ingest_live_job

ingest_live_schedule = dg.ScheduleDefinition(
    name="ingest_live_schedule", job=ingest_live_job, cron_schedule="*/5 * * * *",
    execution_timezone="Asia/Shanghai", default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Pull new and changed orders from every channel API and the ERP every 5 minutes.",
)
hub_skus_schedule = dg.ScheduleDefinition(
    name="hub_skus_schedule", job=hub_skus_job, cron_schedule="15 * * * *", execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Refresh the product master and channel SKU map from the ERP hourly.",
)
