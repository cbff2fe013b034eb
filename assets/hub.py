"""Hub domain: one order model over every channel, rebuilt per order date from raw.channel_orders."""


from datetime import date

import dagster as dg

from assets.ingest import PiiSettings
from orderhub.standardize.hub import build_hub
from orderhub.standardize.skus import load_sku_map, load_skus
from pipelines.ingest_jobs import HUB_HISTORY, HUB_LINES, HUB_ORDERS, HUB_SKU_MAP, HUB_SKUS, RAW_ORDERS
from pipelines.partitions import WAREHOUSE_POOL, order_date_partitions, single_run
from resources.erp import ErpBridge
from resources.warehouse import Warehouse

_KINDS = {"duckdb", "sql"}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(HUB_ORDERS, deps=[RAW_ORDERS, HUB_SKU_MAP], group_name="hub", kinds=_KINDS,
                     description="Every order from every channel in one shape: status, money in fen, UTC times, "
                                 "hashed buyer, province/city only. One row per channel order, latest version."),
        dg.AssetSpec(HUB_LINES, deps=[RAW_ORDERS, HUB_SKU_MAP], group_name="hub", kinds=_KINDS,
                     description="The items of each order with the seller's own SKU (via hub.sku_map), "
                                 "quantity and money in fen."),
        dg.AssetSpec(HUB_HISTORY, deps=[RAW_ORDERS], group_name="hub", kinds=_KINDS,
                     description="Every status change observed for each order, with when and from which source; "
                                 "impossible changes (e.g. completed -> paid) are kept and flagged, not applied."),
    ],
    partitions_def=order_date_partitions, backfill_policy=single_run, pool=WAREHOUSE_POOL,
)
def hub_orders(context: dg.AssetExecutionContext, warehouse: Warehouse, pii: PiiSettings):
    keys = context.partition_key_range
    start, end = date.fromisoformat(keys.start), date.fromisoformat(keys.end)
    with warehouse.connect() as con:
        result = build_hub(con, start, end, pii.salt)
    context.log.info(f"hub rebuilt for {start}..{end}: {result}")
    meta = result.as_metadata()
    common = {"start_date": meta["start_date"], "end_date": meta["end_date"], "raw_versions": meta["raw_versions"]}
    yield dg.MaterializeResult(asset_key=HUB_ORDERS, metadata={**common, "orders": meta["orders"]})
    yield dg.MaterializeResult(asset_key=HUB_LINES, metadata={
        **common, "order_lines": meta["order_lines"], "unmapped_lines": meta["unmapped_lines"]})
    yield dg.MaterializeResult(asset_key=HUB_HISTORY, metadata={
        **common, "status_transitions": meta["status_transitions"],
        "illegal_transitions": meta["illegal_transitions"]})


@dg.asset(key=HUB_SKUS, group_name="hub", kinds={"duckdb", "python"}, pool=WAREHOUSE_POOL)
def hub_skus(warehouse: Warehouse, erp: ErpBridge) -> dg.MaterializeResult:
    """The seller's product master (from the ERP item master): title, category, price, pack size, MOQ,
    lead time and supplier per SKU."""
    with warehouse.connect() as con:
        n = load_skus(con, erp.read_items())
    return dg.MaterializeResult(metadata={"skus": n})


@dg.asset(key=HUB_SKU_MAP, deps=[HUB_SKUS], group_name="hub", kinds={"duckdb", "python"}, pool=WAREHOUSE_POOL)
def hub_sku_map(warehouse: Warehouse, erp: ErpBridge) -> dg.MaterializeResult:
    """Which of the seller's SKUs each channel listing code stands for (so a Douyin "DY00012" and a
    Taobao "SKU-00012" count as the same product)."""
    with warehouse.connect() as con:
        n = load_sku_map(con, erp.read_channel_skus())
    return dg.MaterializeResult(metadata={"mappings": n})


defs = dg.Definitions(assets=[hub_orders, hub_skus, hub_sku_map])
