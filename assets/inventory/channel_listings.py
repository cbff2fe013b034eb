"""inventory.channel_listings: the stock each marketplace shows buyers, read back per listing.
Side tables: ops.api_calls, ops.alerts."""

from datetime import UTC, datetime

import dagster as dg
from pydantic import Field

from assets.tables import key, row_count
from orderhub.calllog import CallLog
from orderhub.http import ApiError
from orderhub.inventory import channel_stock
from orderhub.inventory.alerting import sync_alerts
from orderhub.sources.authorization import sync_reauthorize_alerts
from resources.channels import ChannelApi, client_for, enabled_channels
from resources.warehouse import WAREHOUSE_POOL, Warehouse


class ListingsConfig(dg.Config):
    channels: list[str] | None = Field(
        default=None, description="Marketplaces to call; unset = every enabled one (JD once configured)"
    )


@dg.asset(
    key=key("inventory.channel_listings"),
    group_name="inventory",
    kinds={"duckdb", "python"},
    pool=WAREHOUSE_POOL,
    deps=[key("hub.sku_map")],
)
def channel_listings(
    context: dg.AssetExecutionContext,
    config: ListingsConfig,
    warehouse: Warehouse,
    taobao_api: ChannelApi,
    douyin_api: ChannelApi,
    pdd_api: ChannelApi,
    jd_api: ChannelApi,
) -> dg.MaterializeResult:
    """The stock each marketplace currently shows buyers per listing, read back from the channel. A channel
    that cannot be read keeps its previous rows and raises a 'stock_listing' alert until it can."""
    calls = CallLog(context.run_id)
    apis = {"taobao": taobao_api, "douyin": douyin_api, "pdd": pdd_api, "jd": jd_api}
    channels = config.channels if config.channels is not None else enabled_channels()
    counts, failed = {}, {}
    try:
        for channel in channels:
            try:
                items = client_for(channel, **apis).list_stock(calls)
            except ApiError as exc:
                failed[channel] = f"Cannot read listed stock from {channel}: {exc}"[:500]
                continue
            with warehouse.connect() as con:
                counts[channel] = channel_stock.land_listings(con, channel, items, datetime.now(UTC))
    finally:
        with warehouse.connect() as con:
            calls.flush(con)
            sync_alerts(
                con,
                prefix="stock_listing",
                kind="stock_listing_failed",
                severity="warning",
                asset="inventory.channel_listings",
                current=failed,
                cleared_message="listed stock readable",
            )
            sync_reauthorize_alerts(con, [apis[c] for c in channels if c in apis], asset="inventory.channel_listings")
            rows = row_count(con, "inventory.channel_listings")
    return dg.MaterializeResult(metadata={**rows, "rows_per_channel": counts, "failed_channels": sorted(failed)})
