"""hub.orders, with hub.order_lines and hub.order_status_history: one multi-asset, since one deterministic
rebuild of an order-date window from raw.channel_orders writes all three in one transaction."""

from datetime import date

import dagster as dg

from assets.partitions import order_date_partitions, single_run
from assets.tables import key, row_count
from orderhub.standardize.hub import build_hub
from resources.pii import PiiSettings
from resources.warehouse import WAREHOUSE_POOL, Warehouse

_KINDS = {"duckdb", "sql"}
ORDERS, LINES, HISTORY = key("hub.orders"), key("hub.order_lines"), key("hub.order_status_history")


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ORDERS,
            deps=[key("raw.channel_orders"), key("hub.sku_map")],
            group_name="hub",
            kinds=_KINDS,
            description="Every order from every channel in one shape: status, money in fen, UTC times, "
            "hashed buyer, province/city only. One row per channel order, latest version.",
        ),
        dg.AssetSpec(
            LINES,
            deps=[key("raw.channel_orders"), key("hub.sku_map")],
            group_name="hub",
            kinds=_KINDS,
            description="The items of each order with the seller's own SKU (via hub.sku_map), "
            "quantity and money in fen.",
        ),
        dg.AssetSpec(
            HISTORY,
            deps=[key("raw.channel_orders")],
            group_name="hub",
            kinds=_KINDS,
            description="Every status change observed for each order, with when and from which source; "
            "impossible changes (e.g. completed -> paid) are kept and flagged, not applied.",
        ),
    ],
    partitions_def=order_date_partitions,
    backfill_policy=single_run,
    pool=WAREHOUSE_POOL,
)
def hub_orders(context: dg.AssetExecutionContext, warehouse: Warehouse, pii: PiiSettings):
    keys = context.partition_key_range
    start, end = date.fromisoformat(keys.start), date.fromisoformat(keys.end)
    window = "order_date between ? and ?"
    with warehouse.connect() as con:
        result = build_hub(con, start, end, pii.salt)
        counts = {
            t: row_count(con, f"hub.{t}", window, [start, end])
            for t in ("orders", "order_lines", "order_status_history")
        }
    context.log.info(f"hub rebuilt for {start}..{end}: {result}")
    meta = result.as_metadata()
    common = {"start_date": meta["start_date"], "end_date": meta["end_date"], "raw_versions": meta["raw_versions"]}
    yield dg.MaterializeResult(asset_key=ORDERS, metadata={**common, **counts["orders"], "orders": meta["orders"]})
    yield dg.MaterializeResult(
        asset_key=LINES,
        metadata={
            **common,
            **counts["order_lines"],
            "order_lines": meta["order_lines"],
            "unmapped_lines": meta["unmapped_lines"],
        },
    )
    yield dg.MaterializeResult(
        asset_key=HISTORY,
        metadata={
            **common,
            **counts["order_status_history"],
            "status_transitions": meta["status_transitions"],
            "illegal_transitions": meta["illegal_transitions"],
        },
    )
