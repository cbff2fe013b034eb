"""hub.after_sales_tickets: every complaint and refund request, from the marketplaces' after-sales APIs and
the customer-service form. Side tables: hub.quarantine (tickets for unknown orders), ops.cursors
(`after_sales:<feed>`), ops.api_calls."""

from datetime import UTC, datetime, timedelta

import dagster as dg
from pydantic import Field

from assets.tables import key, row_count
from orderhub.after_sales import tickets
from orderhub.calllog import CallLog
from orderhub.http import ApiError
from orderhub.sources.authorization import sync_reauthorize_alerts
from resources.channels import ChannelApi, client_for, enabled_channels
from resources.cs import CsApi
from resources.warehouse import WAREHOUSE_POOL, Warehouse


class TicketsConfig(dg.Config):
    channels: list[str] | None = Field(
        default=None, description="Marketplaces to call; unset = every enabled one (JD once configured)"
    )
    initial_days: int = Field(default=7, ge=1, description="History read on the very first run.")
    relink_hours: int = Field(
        default=24,
        ge=0,
        description="Each run re-reads this much before its cursor, so a "
        "ticket that arrived before its order is linked once the order lands.",
    )
    until: str | None = Field(default=None, description="Read up to this instant (ISO, UTC); default now - lag.")
    lag_seconds: int = Field(default=60, ge=0, description="Stay this far behind now: platforms index late writes.")


@dg.asset(
    key=key("hub.after_sales_tickets"),
    group_name="after_sales",
    kinds={"duckdb", "python"},
    pool=WAREHOUSE_POOL,
    deps=[key("hub.orders")],
)
def after_sales_tickets(
    context: dg.AssetExecutionContext,
    config: TicketsConfig,
    warehouse: Warehouse,
    cs: CsApi,
    taobao_api: ChannelApi,
    douyin_api: ChannelApi,
    pdd_api: ChannelApi,
    jd_api: ChannelApi,
) -> dg.MaterializeResult:
    """Every complaint and refund request, wherever the buyer raised it (marketplace after-sales, WeChat or
    e-mail to customer service), with one ticket code, a type (wrong item, wrong address, damaged, return,
    refund only), status and the original order. Tickets for unknown orders go to quarantine. A ticket is
    only closed once its refund or reshipment is recorded."""
    calls = CallLog(context.run_id)
    apis = {"taobao": taobao_api, "douyin": douyin_api, "pdd": pdd_api, "jd": jd_api}
    channels = config.channels if config.channels is not None else enabled_channels()
    now = datetime.now(UTC)
    until = (
        datetime.fromisoformat(config.until.replace("Z", "+00:00"))
        if config.until
        else now - timedelta(seconds=config.lag_seconds)
    )
    feeds: dict[str, list[dict]] = {}
    failed: dict[str, str] = {}
    try:
        with warehouse.connect() as con:
            cursors = dict(
                con.execute(
                    "select cursor_name, value from ops.cursors where starts_with(cursor_name, 'after_sales:')"
                ).fetchall()
            )

        def start(feed: str) -> datetime:
            value = cursors.get(f"after_sales:{feed}")
            base = datetime.fromisoformat(value) if value else until - timedelta(days=config.initial_days)
            return base - timedelta(hours=config.relink_hours)

        for channel in channels:
            try:
                client = client_for(channel, **apis)
                feeds[channel] = client.fetch_after_sales(start(channel), until, calls)
            except ApiError as exc:
                failed[channel] = str(exc)[:300]
        try:
            feeds["cs"] = cs.fetch_tickets(start("cs").isoformat(), calls)
        except ApiError as exc:
            failed["cs"] = str(exc)[:300]
        with warehouse.connect() as con:
            counts = tickets.land_tickets(
                con,
                feeds,
                now,
                batch_id=context.run_id,
                cursors={f"after_sales:{feed}": until.isoformat() for feed in feeds},
            )
            rows = row_count(con, "hub.after_sales_tickets")
    finally:
        with warehouse.connect() as con:
            calls.flush(con)
            sync_reauthorize_alerts(con, [apis[c] for c in channels if c in apis], asset="hub.after_sales_tickets")
    if failed:
        raise dg.Failure(
            f"after-sales feeds failed (others landed, cursors kept): {failed}", metadata={"landed": str(counts)}
        )
    return dg.MaterializeResult(metadata={**rows, **counts})
