"""The one Dagster entry point: merges each domain's `defs` with the shared resources."""

from __future__ import annotations

import dagster as dg

from assets import after_sales, fulfilment, hub, ingest, inventory, kpi, reconciliation
from forecasts import assets as forecast_assets
from quality import checks
from quality.freshness import with_freshness
from pipelines.operations_jobs import operations_refresh_job
from resources.warehouse import warehouse_resource

# Freshness policies come from one table (quality/freshness.py) so every domain is held to the same clock.
defs = with_freshness(dg.Definitions.merge(
    dg.Definitions(resources={"warehouse": warehouse_resource}, jobs=[operations_refresh_job]),
    ingest.defs,
    hub.defs,
    inventory.defs,
    fulfilment.defs,
    after_sales.defs,
    kpi.defs,
    reconciliation.defs,
    forecast_assets.defs,
    checks.defs,
))
