"""Jobs of the ingest/hub domain. All write DuckDB, so all run in-process (no subprocess start-up per run)
and their assets sit in the single-writer WAREHOUSE_POOL."""

from __future__ import annotations

import dagster as dg

from pipelines.partitions import order_date_partitions

RAW_ORDERS = dg.AssetKey(["raw", "channel_orders"])
HUB_ORDERS = dg.AssetKey(["hub", "orders"])
HUB_LINES = dg.AssetKey(["hub", "order_lines"])
HUB_HISTORY = dg.AssetKey(["hub", "order_status_history"])
HUB_SKUS = dg.AssetKey(["hub", "skus"])
HUB_SKU_MAP = dg.AssetKey(["hub", "sku_map"])
HUB_ORDER_KEYS = (HUB_ORDERS, HUB_LINES, HUB_HISTORY)
RAW_OP_NAME = "raw__channel_orders"  # op name Dagster derives from the asset key (for run config)

ingest_live_job = dg.define_asset_job(
    "ingest_live_job", selection=dg.AssetSelection.assets(RAW_ORDERS), executor_def=dg.in_process_executor,
    description="Pull the channel APIs (from their cursors) and the ERP bridge into raw.channel_orders.",
)
ingest_files_job = dg.define_asset_job(
    "ingest_files_job", selection=dg.AssetSelection.assets(RAW_ORDERS), executor_def=dg.in_process_executor,
    description="Land dropped seller-center export files (run config lists them) into raw.channel_orders.",
)
hub_rebuild_job = dg.define_asset_job(
    "hub_rebuild_job", selection=dg.AssetSelection.assets(*HUB_ORDER_KEYS), partitions_def=order_date_partitions,
    executor_def=dg.in_process_executor,
    description="Rebuild the hub order model for a range of order dates from raw.channel_orders.",
)
hub_skus_job = dg.define_asset_job(
    "hub_skus_job", selection=dg.AssetSelection.assets(HUB_SKUS, HUB_SKU_MAP), executor_def=dg.in_process_executor,
    description="Refresh the product master and channel SKU map from the ERP.",
)


def files_run_config(files: list[str]) -> dict:
    return {"ops": {RAW_OP_NAME: {"config": {"sources": [], "files": files}}}}
