"""Operations downstream of the hub: inventory and fulfilment, after-sales, dual-run reconciliation, and the
full refresh the demo runs after a hub rebuild."""

import dagster as dg

from orderhub import settings

# Everything downstream of the hub order model that is not date-partitioned: inventory, fulfilment,
# after-sales, reconciliation, KPI marts + dashboard, forecast + replenishment. Dagster orders them by deps.
OPERATIONS_GROUPS = ("inventory", "fulfilment", "after_sales", "reconciliation", "kpi_staging", "kpi", "forecast")

operations_refresh_job = dg.define_asset_job(
    "operations_refresh_job",
    selection=dg.AssetSelection.groups(*OPERATIONS_GROUPS),
    description="Refresh inventory, fulfilment, after-sales, KPIs, dashboard and forecast from the hub.",
)
# Stock and shipments move together: WMS pull -> tasks -> reservations -> availability -> channel push.
inventory_fulfilment_job = dg.define_asset_job(
    "inventory_fulfilment_job",
    selection=dg.AssetSelection.groups("inventory", "fulfilment"),
    description="Sync WMS stock and events, create/advance shipment tasks, recompute availability, push stock.",
)
inventory_fulfilment_schedule = dg.ScheduleDefinition(
    job=inventory_fulfilment_job, cron_schedule="*/15 * * * *", execution_timezone=settings.BUSINESS_TZ
)
after_sales_job = dg.define_asset_job(
    "after_sales_job",
    selection=dg.AssetSelection.groups("after_sales"),
    description="Pull channel after-sales and CS form tickets into hub.after_sales_tickets.",
)
after_sales_schedule = dg.ScheduleDefinition(
    job=after_sales_job, cron_schedule="5 * * * *", execution_timezone=settings.BUSINESS_TZ
)
reconciliation_job = dg.define_asset_job(
    "reconciliation_job",
    selection=dg.AssetSelection.groups("reconciliation"),
    description="Dual run: compare the hub with the ERP tables and the seller-center exports.",
)
reconciliation_schedule = dg.ScheduleDefinition(
    job=reconciliation_job,
    cron_schedule="40 * * * *",
    execution_timezone=settings.BUSINESS_TZ,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

defs = dg.Definitions(
    jobs=[operations_refresh_job, inventory_fulfilment_job, after_sales_job, reconciliation_job],
    schedules=[inventory_fulfilment_schedule, after_sales_schedule, reconciliation_schedule],
)
