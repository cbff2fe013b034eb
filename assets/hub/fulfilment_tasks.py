"""hub.fulfilment_tasks: one shipment task per paid order, from allocation to the WMS ship scan and the
channel write-back. Side tables: ops.api_calls (logistics, WMS and channel calls)."""

from datetime import UTC, datetime

import dagster as dg
from pydantic import Field

from assets.tables import key, row_count
from orderhub.calllog import CallLog
from orderhub.fulfilment import allocate, dispatch
from orderhub.sources.authorization import sync_reauthorize_alerts
from resources.channels import ChannelApi, client_for, enabled_channels
from resources.logistics import LogisticsApi
from resources.warehouse import WAREHOUSE_POOL, Warehouse
from resources.wms import WmsApi


def _now() -> datetime:
    return datetime.now(UTC)


class TasksConfig(dg.Config):
    write_back_channels: list[str] | None = Field(
        default=None, description="Marketplaces to call; unset = every enabled one (JD once configured)"
    )


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
    jd_api: ChannelApi,
) -> dg.MaterializeResult:
    """One shipment task per paid order, without hand work: pick the nearest warehouse with stock, get exactly
    one e-waybill, send the task to the WMS, close it on the WMS ship scan and tell the marketplace the
    tracking number. Orders nobody can ship wait as backorders and alert purchasing. created_at is when
    OrderHub first acted on the paid order (the "paid -> task created" KPI)."""
    calls = CallLog(context.run_id)
    apis = {"taobao": taobao_api, "douyin": douyin_api, "pdd": pdd_api, "jd": jd_api}
    channels = config.write_back_channels if config.write_back_channels is not None else enabled_channels()
    meta: dict = {}
    try:
        with warehouse.connect() as con:
            meta["allocation"] = allocate.allocate(con, _now())
            meta["waybills"] = dispatch.request_waybills(
                con, lambda **kw: logistics.create_waybill(calls=calls, **kw), _now
            )
            meta["wms"] = dispatch.send_to_wms(con, lambda payload: wms.create_shipment(payload, calls), _now)
            meta["newly_shipped"] = dispatch.mark_shipped(con, _now())
            for channel in channels:
                client = client_for(channel, **apis)
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
            sync_reauthorize_alerts(con, [apis[c] for c in channels if c in apis], asset="hub.fulfilment_tasks")
    return dg.MaterializeResult(metadata=meta)
