"""Cross-domain jobs: the operational refresh that follows every hub rebuild."""

from __future__ import annotations

import dagster as dg

# Everything downstream of the hub order model that is not date-partitioned: inventory, fulfilment,
# after-sales, dual-run reconciliation, KPI marts + dashboard, forecast + replenishment. Dagster orders them by their deps.
OPERATIONS_GROUPS = ("inventory", "fulfilment", "after_sales", "reconciliation", "kpi_staging", "kpi", "forecast")

operations_refresh_job = dg.define_asset_job(
    "operations_refresh_job",
    selection=dg.AssetSelection.groups(*OPERATIONS_GROUPS),
    executor_def=dg.in_process_executor,
    description="Refresh inventory, fulfilment, after-sales, KPIs, dashboard and forecast from the hub.",
)
