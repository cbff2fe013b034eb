"""hub.fulfilment_tasks: one shipment task per paid order, from allocation to the WMS ship scan and the
channel write-back. Side tables: ops.api_calls (logistics, WMS and channel calls)."""

from datetime import UTC, datetime

import dagster as dg
from pydantic import Field

from assets.tables import key, row_count
from orderhub.calllog import CallLog
from orderhub.fulfilment import allocate, dispatch
from orderhub.sources.authorization import sync_reauthorize_alerts
from resources.channels import ChannelApi, client_for
from resources.logistics import LogisticsApi
from resources.warehouse import WAREHOUSE_POOL, Warehouse
from resources.wms import WmsApi

WRITE_BACK_CHANNELS = ["taobao", "douyin", "pdd"]


def _now() -> datetime:
    return datetime.now(UTC)


class TasksConfig(dg.Config):
    write_back_channels: list[str] = Field(default_factory=lambda: list(WRITE_BACK_CHANNELS))


@dg.asset(
    key=key("hub.fulfilment_tasks"),
    group_name="fulfilment",
    kinds={"duckdb", "python"},
    pool=WAREHOUSE_POOL,
    deps=[key("hub.orders"), key("hub.order_lines"), key("inventory.stock_snapshot"), key("ops.wms_events")],
)
def fulfilment_tasks(
    context: dg.AssetExecutionContext,
    config: TasksConfig,
    warehouse: Warehouse,
    wms: WmsApi,
    logistics: LogisticsApi,
    taobao_api: ChannelApi,
    douyin_api: ChannelApi,
    pdd_api: ChannelApi,
) -> dg.MaterializeResult:
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
                con, lambda **kw: logistics.create_waybill(calls=calls, **kw), _now
            )
            meta["wms"] = dispatch.send_to_wms(con, lambda payload: wms.create_shipment(payload, calls), _now)
            meta["newly_shipped"] = dispatch.mark_shipped(con, _now())
            for channel in config.write_back_channels:
                client = client_for(channel, taobao=taobao_api, douyin=douyin_api, pdd=pdd_api)
                meta[f"write_back_{channel}"] = dispatch.write_back(
                    con, channel, lambda oid, no, carrier, c=client: c.confirm_shipment(oid, no, carrier, calls), _now
                )
            meta["status_counts"] = dict(
                con.execute(
                    "select status, count(*) from hub.fulfilment_tasks group by status order by status"
                ).fetchall()
            )
            meta.update(row_count(con, "hub.fulfilment_tasks"))
    finally:
        with warehouse.connect() as con:
            calls.flush(con)
            sync_reauthorize_alerts(con, [taobao_api, douyin_api, pdd_api], asset="hub.fulfilment_tasks")
    return dg.MaterializeResult(metadata=meta)
