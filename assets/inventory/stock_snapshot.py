"""inventory.stock_snapshot: what each warehouse physically holds per SKU, from the WMS.
Side table: ops.api_calls."""

from datetime import UTC, datetime

import dagster as dg

from assets.tables import key, row_count
from orderhub.calllog import CallLog
from orderhub.inventory import snapshot
from resources.warehouse import WAREHOUSE_POOL, Warehouse
from resources.wms import WmsApi


@dg.asset(key=key("inventory.stock_snapshot"), group_name="inventory", kinds={"duckdb", "python"}, pool=WAREHOUSE_POOL)
def stock_snapshot(context: dg.AssetExecutionContext, warehouse: Warehouse, wms: WmsApi) -> dg.MaterializeResult:
    """What each of our warehouses physically holds per SKU right now (on hand, and units the WMS locked for
    damage/QA), pulled from the WMS. The starting point of every "can we sell / ship it?" answer."""
    calls = CallLog(context.run_id)
    try:
        items = wms.list_stock(calls)
        with warehouse.connect() as con:
            rows = snapshot.land_snapshot(con, items, datetime.now(UTC))
            count = row_count(con, "inventory.stock_snapshot")
    finally:
        with warehouse.connect() as con:
            calls.flush(con)
    return dg.MaterializeResult(metadata={**count, "rows": rows, "wms_rows_received": len(items)})
