"""ops.wms_events: every pick, pack and ship scan from the WMS, read incrementally by event id.
Side table: ops.api_calls."""

from datetime import UTC, datetime

import dagster as dg
from pydantic import Field

from assets.tables import key, row_count
from orderhub.calllog import CallLog
from orderhub.fulfilment import events
from resources.warehouse import WAREHOUSE_POOL, Warehouse
from resources.wms import WmsApi


class WmsEventsConfig(dg.Config):
    page_limit: int = Field(default=1000, ge=1)
    max_pages: int = Field(default=500, ge=1, description="Bounds one run; the rest is read next run.")


@dg.asset(key=key("ops.wms_events"), group_name="fulfilment", kinds={"duckdb", "python"}, pool=WAREHOUSE_POOL)
def wms_events(
    context: dg.AssetExecutionContext, config: WmsEventsConfig, warehouse: Warehouse, wms: WmsApi
) -> dg.MaterializeResult:
    """Every pick, pack and ship scan in our warehouses with the operator who did it: proof that a parcel
    left (it closes the shipment task) and the basis of the operator productivity KPI."""
    calls = CallLog(context.run_id)
    landed = pages = 0
    try:
        with warehouse.connect() as con:
            after = events.last_event_id(con)
            for pages in range(1, config.max_pages + 1):  # noqa: B007 - the pages read are reported
                batch, next_after = wms.fetch_events(after, config.page_limit, calls)
                landed += events.land_events(con, batch, datetime.now(UTC))
                if not batch or next_after <= after:
                    break
                after = next_after
            rows = row_count(con, "ops.wms_events")
    finally:
        with warehouse.connect() as con:
            calls.flush(con)
    return dg.MaterializeResult(metadata={**rows, "landed": landed, "pages": pages, "last_event_id": after})
