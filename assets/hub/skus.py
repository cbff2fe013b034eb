"""hub.skus: the seller's product master, from the legacy ERP's item master."""

import dagster as dg

from assets.tables import key, row_count
from orderhub.standardize.skus import load_skus
from resources.erp import ErpBridge
from resources.warehouse import WAREHOUSE_POOL, Warehouse


@dg.asset(key=key("hub.skus"), group_name="hub", kinds={"duckdb", "python"}, pool=WAREHOUSE_POOL)
def hub_skus(warehouse: Warehouse, erp: ErpBridge) -> dg.MaterializeResult:
    """The seller's product master (from the ERP item master): title, category, price, pack size, MOQ,
    lead time and supplier per SKU."""
    with warehouse.connect() as con:
        n = load_skus(con, erp.read_items())
        rows = row_count(con, "hub.skus")
    return dg.MaterializeResult(metadata={**rows, "skus": n})
