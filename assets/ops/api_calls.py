"""ops.api_calls: the call log. No asset builds it: the shared HTTP client (orderhub/http.py) appends every
attempt inside the runs of the assets that call out (ingest, inventory, fulfilment, after-sales, forecast
delivery). Declared here so the KPI lineage and the UI show what it holds."""

import dagster as dg

from assets.tables import key

api_calls = dg.AssetSpec(
    key=key("ops.api_calls"),
    description="Every HTTP attempt to a channel, the WMS, logistics or a webhook (retries included), written "
    "by the shared HTTP client during ingestion, inventory sync and fulfilment runs. Feeds the API success KPI.",
    kinds={"duckdb"},
    group_name="ops",
)
