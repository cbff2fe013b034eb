"""Inventory assets: WMS stock, reservations, availability, channel listings, conflicts and stock push-back.

Thin wrappers around orderhub.inventory.*. Lineage: stock_snapshot -> hub.fulfilment_tasks -> reservations
-> availability -> (channel_listings) -> stock_conflicts -> stock_push_log.
"""

from datetime import datetime, timezone

import dagster as dg
from pydantic import Field

from orderhub.calllog import CallLog
from orderhub.http import ApiError
from orderhub.inventory import availability, channel_stock, push, reservations, snapshot
from orderhub.inventory.alerting import sync_alerts
from pipelines.partitions import WAREHOUSE_POOL
from resources.channels import ChannelApi
from resources.warehouse import Warehouse
from resources.wms import WmsApi, wms_resource

GROUP = "inventory"
PUSH_CHANNELS = ["taobao", "douyin", "pdd"]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def channel_client(channel: str, taobao: ChannelApi, douyin: ChannelApi, pdd: ChannelApi) -> ChannelApi:
    """The marketplace client for a channel named in run config (shared by the inventory, fulfilment and
    after-sales assets)."""
    clients = {"taobao": taobao, "douyin": douyin, "pdd": pdd}
    if channel not in clients:
        raise dg.Failure(f"no API client for channel {channel!r}; known: {sorted(clients)}")
    return clients[channel]


@dg.asset(key=["inventory", "stock_snapshot"], group_name=GROUP, kinds={"duckdb", "python"}, pool=WAREHOUSE_POOL)
def stock_snapshot(context: dg.AssetExecutionContext, warehouse: Warehouse, wms: WmsApi) -> dg.MaterializeResult:
    """What each of our warehouses physically holds per SKU right now (on hand, and units the WMS locked for
    damage/QA), pulled from the WMS. The starting point of every "can we sell / ship it?" answer."""
    calls = CallLog(context.run_id)
    try:
        items = wms.list_stock(calls)
        with warehouse.connect() as con:
            rows = snapshot.land_snapshot(con, items, _now())
    finally:
        with warehouse.connect() as con:
            calls.flush(con)
    return dg.MaterializeResult(metadata={"rows": rows, "wms_rows_received": len(items)})


@dg.asset(key=["inventory", "reservations"], group_name=GROUP, kinds={"duckdb", "sql"}, pool=WAREHOUSE_POOL,
          deps=[dg.AssetKey(["hub", "orders"]), dg.AssetKey(["hub", "order_lines"]),
                dg.AssetKey(["hub", "fulfilment_tasks"])])
def inventory_reservations(warehouse: Warehouse) -> dg.MaterializeResult:
    """Stock promised to buyers who paid but whose goods have not left the warehouse. A line's reservation is
    released when it ships (partial shipments release only the shipped lines), or the order is cancelled or
    refunded after payment."""
    with warehouse.connect() as con:
        return dg.MaterializeResult(metadata=reservations.build_reservations(con, _now()))


class AvailabilityConfig(dg.Config):
    safety_buffer: int = Field(default=2, ge=0, description="Units per SKU and warehouse never offered for sale.")


@dg.asset(key=["inventory", "availability"], group_name=GROUP, kinds={"duckdb", "sql"}, pool=WAREHOUSE_POOL,
          deps=[stock_snapshot, inventory_reservations])
def inventory_availability(config: AvailabilityConfig, warehouse: Warehouse) -> dg.MaterializeResult:
    """How many units of each SKU each warehouse can still sell: on hand - locked - reserved - safety buffer.
    Negative means oversold (more promised than held) and is kept so it stays visible; oversells and
    stock-outs open an alert (once per SKU) and the alert is resolved when the SKU recovers."""
    with warehouse.connect() as con:
        return dg.MaterializeResult(metadata=availability.build_availability(con, config.safety_buffer, _now()))


class ListingsConfig(dg.Config):
    channels: list[str] = Field(default_factory=lambda: list(PUSH_CHANNELS))


@dg.asset(key=["inventory", "channel_listings"], group_name=GROUP, kinds={"duckdb", "python"}, pool=WAREHOUSE_POOL,
          deps=[dg.AssetKey(["hub", "sku_map"])])
def channel_listings(context: dg.AssetExecutionContext, config: ListingsConfig, warehouse: Warehouse,
                     taobao_api: ChannelApi, douyin_api: ChannelApi, pdd_api: ChannelApi) -> dg.MaterializeResult:
    """The stock each marketplace currently shows buyers per listing, read back from the channel. A channel
    that cannot be read keeps its previous rows and raises a 'stock_listing' alert until it can."""
    calls = CallLog(context.run_id)
    counts, failed = {}, {}
    try:
        for channel in config.channels:
            try:
                items = channel_client(channel, taobao_api, douyin_api, pdd_api).list_stock(calls)
            except ApiError as exc:
                failed[channel] = f"Cannot read listed stock from {channel}: {exc}"[:500]
                continue
            with warehouse.connect() as con:
                counts[channel] = channel_stock.land_listings(con, channel, items, _now())
    finally:
        with warehouse.connect() as con:
            calls.flush(con)
            sync_alerts(con, prefix="stock_listing", kind="stock_listing_failed", severity="warning",
                        asset="inventory.channel_listings", current=failed, cleared_message="listed stock readable")
    return dg.MaterializeResult(metadata={"rows_per_channel": counts, "failed_channels": sorted(failed)})


class ConflictsConfig(dg.Config):
    tolerance: int = Field(default=5, ge=0, description="Units a listing may differ before it counts as a conflict.")
    tolerance_pct: float = Field(default=10.0, ge=0, description="...or this % of available, whichever is larger.")


@dg.asset(key=["inventory", "stock_conflicts"], group_name=GROUP, kinds={"duckdb", "sql"}, pool=WAREHOUSE_POOL,
          deps=[inventory_availability, channel_listings])
def stock_conflicts(config: ConflictsConfig, warehouse: Warehouse) -> dg.MaterializeResult:
    """Listings that tell buyers something different from our stock: in stock on the channel but sold out
    here (oversell risk), sold out there but available here (lost sales), or off by more than the tolerance;
    plus listings we cannot map to a SKU. Measured before the push corrects them."""
    with warehouse.connect() as con:
        return dg.MaterializeResult(metadata=channel_stock.build_conflicts(con, config.tolerance, _now(),
                                                                          config.tolerance_pct))


class PushConfig(dg.Config):
    dry_run: bool = Field(default=False, description="Log what would be pushed without calling any channel.")
    extra_buffer: int = Field(default=0, ge=0, description="Units per SKU withheld from channels on top of the "
                              "per-warehouse safety buffer (e.g. during a flash sale).")
    channels: list[str] = Field(default_factory=lambda: list(PUSH_CHANNELS))


@dg.asset(key=["inventory", "stock_push_log"], group_name=GROUP, kinds={"duckdb", "python"}, pool=WAREHOUSE_POOL,
          deps=[inventory_availability, channel_listings, stock_conflicts, dg.AssetKey(["hub", "sku_map"])])
def stock_push_log(context: dg.AssetExecutionContext, config: PushConfig, warehouse: Warehouse,
                   taobao_api: ChannelApi, douyin_api: ChannelApi, pdd_api: ChannelApi) -> dg.MaterializeResult:
    """Every stock update sent to the marketplaces so listings match what we can ship: one row per SKU and
    attempt. SKUs whose listing differs, or whose last push failed, are pushed (signed, retried, logged);
    failures raise an alert and are retried on the next run. Dry-run mode logs the plan only."""
    calls = CallLog(context.run_id)
    results = {}
    try:
        for channel in config.channels:
            client = channel_client(channel, taobao_api, douyin_api, pdd_api)
            with warehouse.connect() as con:
                results[channel] = push.push_channel(
                    con, channel, lambda items, c=client: c.push_stock(items, calls), dry_run=config.dry_run,
                    now=_now(), run_id=context.run_id, extra_buffer=config.extra_buffer)
    finally:
        with warehouse.connect() as con:
            calls.flush(con)
    failed = {ch: r["failed"] for ch, r in results.items() if r["failed"]}
    if failed:
        context.log.warning(f"stock push failures (retried next run): {failed}")
    return dg.MaterializeResult(metadata={"per_channel": results, "failed": sum(failed.values())})


@dg.asset_check(asset=inventory_availability, blocking=False, description="No SKU is promised beyond what we hold.")
def no_oversell(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        skus = [r[0] for r in con.execute(
            "select sku_id from inventory.availability group by sku_id having sum(reserved) > sum(on_hand - locked)"
            " order by sku_id").fetchall()]
    return dg.AssetCheckResult(passed=not skus, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"oversold_skus": len(skus), "sample": ", ".join(skus[:20])})


defs = dg.Definitions(
    assets=[stock_snapshot, inventory_reservations, inventory_availability, channel_listings, stock_conflicts,
            stock_push_log],
    asset_checks=[no_oversell],
    resources={"wms": wms_resource()},
)
