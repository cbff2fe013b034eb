"""inventory.stock_push_log: every stock update sent to the marketplaces, one row per SKU and attempt.
Side table: ops.api_calls."""

from datetime import UTC, datetime

import dagster as dg
from pydantic import Field

from assets.tables import key, row_count
from orderhub.calllog import CallLog
from orderhub.inventory import push
from orderhub.sources.authorization import sync_reauthorize_alerts
from resources.channels import ChannelApi, client_for, enabled_channels
from resources.warehouse import WAREHOUSE_POOL, Warehouse


class PushConfig(dg.Config):
    dry_run: bool = Field(default=False, description="Log what would be pushed without calling any channel.")
    extra_buffer: int = Field(
        default=0,
        ge=0,
        description="Units per SKU withheld from channels on top of the "
        "per-warehouse safety buffer (e.g. during a flash sale).",
    )
    channels: list[str] | None = Field(
        default=None, description="Marketplaces to call; unset = every enabled one (JD once configured)"
    )


@dg.asset(
    key=key("inventory.stock_push_log"),
    group_name="inventory",
    kinds={"duckdb", "python"},
    pool=WAREHOUSE_POOL,
    deps=[
        key("inventory.availability"),
        key("inventory.channel_listings"),
        key("inventory.stock_conflicts"),
        key("hub.sku_map"),
    ],
)
def stock_push_log(
    context: dg.AssetExecutionContext,
    config: PushConfig,
    warehouse: Warehouse,
    taobao_api: ChannelApi,
    douyin_api: ChannelApi,
    pdd_api: ChannelApi,
    jd_api: ChannelApi,
) -> dg.MaterializeResult:
    """Every stock update sent to the marketplaces so listings match what we can ship: one row per SKU and
    attempt. SKUs whose listing differs, or whose last push failed, are pushed (signed, retried, logged);
    failures raise an alert and are retried on the next run. Dry-run mode logs the plan only."""
    calls = CallLog(context.run_id)
    apis = {"taobao": taobao_api, "douyin": douyin_api, "pdd": pdd_api, "jd": jd_api}
    channels = config.channels if config.channels is not None else enabled_channels()
    results = {}
    try:
        for channel in channels:
            client = client_for(channel, **apis)
            with warehouse.connect() as con:
                results[channel] = push.push_channel(
                    con,
                    channel,
                    lambda items, c=client: c.push_stock(items, calls),
                    dry_run=config.dry_run,
                    now=datetime.now(UTC),
                    run_id=context.run_id,
                    extra_buffer=config.extra_buffer,
                )
    finally:
        with warehouse.connect() as con:
            calls.flush(con)
            sync_reauthorize_alerts(con, [apis[c] for c in channels if c in apis], asset="inventory.stock_push_log")
            rows = row_count(con, "inventory.stock_push_log")
    failed = {ch: r["failed"] for ch, r in results.items() if r["failed"]}
    if failed:
        context.log.warning(f"stock push failures (retried next run): {failed}")
    return dg.MaterializeResult(metadata={**rows, "per_channel": results, "failed": sum(failed.values())})
