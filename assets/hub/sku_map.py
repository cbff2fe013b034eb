"""hub.sku_map: which of the seller's SKUs each channel listing code stands for (from the ERP)."""

import dagster as dg

from assets.tables import key, row_count
from orderhub.standardize.skus import load_sku_map
from resources.erp import ErpBridge
from resources.warehouse import WAREHOUSE_POOL, Warehouse


@dg.asset(
    key=key("hub.sku_map"), deps=[key("hub.skus")], group_name="hub", kinds={"duckdb", "python"}, pool=WAREHOUSE_POOL
)
def hub_sku_map(warehouse: Warehouse, erp: ErpBridge) -> dg.MaterializeResult:
    """Which of the seller's SKUs each channel listing code stands for (so a Douyin "DY00012" and a
    Taobao "SKU-00012" count as the same product)."""
    with warehouse.connect() as con:
        n = load_sku_map(con, erp.read_channel_skus())
        rows = row_count(con, "hub.sku_map")
    return dg.MaterializeResult(metadata={**rows, "mappings": n})
