"""Fulfilment assets: WMS events, shipment tasks (allocation, e-waybill, WMS, channel write-back), order tags.

Thin wrappers around orderhub.fulfilment.*.
"""

from datetime import datetime, timezone

import dagster as dg
from pydantic import Field

from orderhub.calllog import CallLog
from orderhub.fulfilment import allocate, dispatch, events, tags
from pipelines.partitions import WAREHOUSE_POOL
from assets.inventory import channel_client
from resources.channels import ChannelApi
from resources.logistics import LogisticsApi, logistics_resource
from resources.warehouse import Warehouse
from resources.wms import WmsApi

GROUP = "fulfilment"
WRITE_BACK_CHANNELS = ["taobao", "douyin", "pdd"]


def _now() -> datetime:
    return datetime.now(timezone.utc)


class WmsEventsConfig(dg.Config):
    page_limit: int = Field(default=1000, ge=1)
    max_pages: int = Field(default=500, ge=1, description="Bounds one run; the rest is read next run.")


@dg.asset(key=["ops", "wms_events"], group_name=GROUP, kinds={"duckdb", "python"}, pool=WAREHOUSE_POOL)
def wms_events(context: dg.AssetExecutionContext, config: WmsEventsConfig, warehouse: Warehouse,
               wms: WmsApi) -> dg.MaterializeResult:
    """Every pick, pack and ship scan in our warehouses with the operator who did it: proof that a parcel
    left (it closes the shipment task) and the basis of the operator productivity KPI."""
    calls = CallLog(context.run_id)
    landed = pages = 0
    try:
        with warehouse.connect() as con:
            after = events.last_event_id(con)
            for pages in range(1, config.max_pages + 1):
                batch, next_after = wms.fetch_events(after, config.page_limit, calls)
                landed += events.land_events(con, batch, _now())
                if not batch or next_after <= after:
                    break
                after = next_after
    finally:
        with warehouse.connect() as con:
            calls.flush(con)
    return dg.MaterializeResult(metadata={"landed": landed, "pages": pages, "last_event_id": after})


class TasksConfig(dg.Config):
    write_back_channels: list[str] = Field(default_factory=lambda: list(WRITE_BACK_CHANNELS))


@dg.asset(key=["hub", "fulfilment_tasks"], group_name=GROUP, kinds={"duckdb", "python"}, pool=WAREHOUSE_POOL,
          deps=[dg.AssetKey(["hub", "orders"]), dg.AssetKey(["hub", "order_lines"]),
                dg.AssetKey(["inventory", "stock_snapshot"]), wms_events])
def fulfilment_tasks(context: dg.AssetExecutionContext, config: TasksConfig, warehouse: Warehouse, wms: WmsApi,
                     logistics: LogisticsApi, taobao_api: ChannelApi, douyin_api: ChannelApi,
                     pdd_api: ChannelApi) -> dg.MaterializeResult:
    """One shipment task per paid order, without hand work: pick the nearest warehouse with stock, get exactly
    one e-waybill, send the task to the WMS, close it on the WMS ship scan and tell the marketplace the
    tracking number. Orders nobody can ship wait as backorders and alert purchasing. created_at is when
    OrderHub first acted on the paid order (the "paid -> task created" KPI)."""
    calls = CallLog(context.run_id)
    meta: dict = {}
    try:
        with warehouse.connect() as con:
            meta["allocation"] = allocate.allocate(con, _now())
            meta["waybills"] = dispatch.request_waybills(
                con, lambda **kw: logistics.create_waybill(calls=calls, **kw), _now)
            meta["wms"] = dispatch.send_to_wms(con, lambda payload: wms.create_shipment(payload, calls), _now)
            meta["newly_shipped"] = dispatch.mark_shipped(con, _now())
            for channel in config.write_back_channels:
                client = channel_client(channel, taobao_api, douyin_api, pdd_api)
                meta[f"write_back_{channel}"] = dispatch.write_back(
                    con, channel, lambda oid, no, carrier, c=client: c.confirm_shipment(oid, no, carrier, calls), _now)
            meta["status_counts"] = dict(con.execute(
                "select status, count(*) from hub.fulfilment_tasks group by status order by status").fetchall())
    finally:
        with warehouse.connect() as con:
            calls.flush(con)
    return dg.MaterializeResult(metadata=meta)


class TagsConfig(dg.Config):
    high_value_fen: int = Field(default=100_000, gt=0, description="Paid amount (fen) from which an order gets "
                                "dedicated follow-up; default ¥1,000.")


@dg.asset(key=["hub", "order_tags"], group_name=GROUP, kinds={"duckdb", "sql"}, pool=WAREHOUSE_POOL,
          deps=[dg.AssetKey(["hub", "orders"])])
def order_tags(config: TagsConfig, warehouse: Warehouse) -> dg.MaterializeResult:
    """Orders that deserve special care: high-value orders for dedicated follow-up, orders from repeat buyers
    (recognised through the hashed buyer key, never the buyer's identity), and remote-region orders
    (Xinjiang, Tibet, Qinghai, Inner Mongolia, Ningxia, Gansu) with the delivery time to promise."""
    with warehouse.connect() as con:
        return dg.MaterializeResult(metadata=tags.build_order_tags(con, config.high_value_fen, _now()))


@dg.asset_check(asset=fulfilment_tasks, blocking=True, description="Never two tasks share one e-waybill.")
def one_waybill_per_order(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        dupes = con.execute("select count(*) from (select waybill_no from hub.fulfilment_tasks where waybill_no"
                            " is not null group by waybill_no having count(*) > 1)").fetchone()[0]
    return dg.AssetCheckResult(passed=dupes == 0, metadata={"shared_waybills": dupes})


# Stock and shipments move together: WMS pull -> tasks -> reservations -> availability -> channel push.
operations_job = dg.define_asset_job(
    "inventory_fulfilment_job", selection=dg.AssetSelection.groups("inventory", "fulfilment"),
    executor_def=dg.in_process_executor,
    description="Sync WMS stock and events, create/advance shipment tasks, recompute availability, push stock.",
)
operations_schedule = dg.ScheduleDefinition(
    job=operations_job, cron_schedule="*/15 * * * *", execution_timezone="Asia/Shanghai")

defs = dg.Definitions(
    assets=[wms_events, fulfilment_tasks, order_tags],
    asset_checks=[one_waybill_per_order],
    jobs=[operations_job],
    schedules=[operations_schedule],
    resources={"logistics": logistics_resource()},
)
