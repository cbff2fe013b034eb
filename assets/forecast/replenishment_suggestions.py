"""forecast.replenishment_suggestions, with forecast.purchase_orders: one multi-asset, since the suggestions
the ERP accepts become the stock on order that the next suggestions count against.
Side tables: ops.alerts (the purchasing notice), ops.api_calls (the ERP post)."""

from datetime import timedelta

import dagster as dg
import pandas as pd
from pydantic import Field

from assets.tables import key, row_count
from forecasts import delivery, replenishment
from forecasts import warehouse_io as io
from orderhub import settings
from orderhub.calllog import CallLog
from resources.purchasing import PurchasingApi
from resources.warehouse import WAREHOUSE_POOL, Warehouse

SUGGESTIONS, POS = key("forecast.replenishment_suggestions"), key("forecast.purchase_orders")


class ReplenishmentConfig(dg.Config):
    trigger_factor: float = Field(default=1.5, description="suggest when 7-day forecast > factor x safety stock")
    pilot_categories: list[str] = Field(default=[], description="only these categories; empty = all")
    post_to_erp: bool = Field(default=True, description="post the suggestions to the purchasing endpoint")


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            SUGGESTIONS,
            deps=[
                key("forecast.demand_7d"),
                key("forecast.safety_stock"),
                key("inventory.availability"),
                key("hub.skus"),
            ],
            group_name="forecast",
            kinds={"duckdb", "excel"},
            description=(
                "Today's purchase suggestions: SKUs whose next-7-day forecast exceeds 1.5 x safety stock, "
                "with a quantity covering lead time + review period, net of stock and open purchase "
                "orders, rounded to MOQ and pack size, each with its reason in words. Sent to purchasing "
                "as XLSX/CSV, posted to the ERP and announced through the notifier."
            ),
        ),
        dg.AssetSpec(
            POS,
            group_name="forecast",
            kinds={"duckdb"},
            description=(
                "Suggestions the ERP accepted, i.e. stock already on order: counted against new suggestions until "
                "their lead time has passed."
            ),
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def replenishment_suggestions(
    context: dg.AssetExecutionContext, config: ReplenishmentConfig, warehouse: Warehouse, purchasing_api: PurchasingApi
):
    rules = replenishment.ReplenishmentRules(
        trigger_factor=config.trigger_factor, pilot_categories=list(config.pilot_categories)
    )
    calls = CallLog(context.run_id)
    with warehouse.connect() as con:
        fc = con.execute(
            "select sku_id, any_value(as_of_date) as as_of_date, any_value(total_7d) as total_7d,"
            " any_value(total_7d_lower) as total_7d_lower, any_value(total_7d_upper) as total_7d_upper"
            " from forecast.demand_7d group by sku_id"
        ).df()
        if fc.empty:
            raise dg.Failure("forecast.demand_7d is empty: materialize the forecast first")
        if con.execute("select count(*) from inventory.availability").fetchone()[0] == 0:
            raise dg.Failure("inventory.availability is empty: suggesting without stock figures would over-order")
        # suggestions are for the business day after the last complete day of data (today, in the morning run)
        day = pd.Timestamp(fc["as_of_date"].max()).date() + timedelta(days=1)
        ss = con.execute("select * from forecast.safety_stock").df()
        skus = con.execute("select * from hub.skus").df()
        rows = replenishment.suggest(fc, ss, skus, io.available_by_sku(con), io.on_order_by_sku(con, day), rules)
        poster = (lambda d, lines: purchasing_api.post_suggestions(d, lines, calls)) if config.post_to_erp else None
        out = delivery.deliver(con, day, rows, settings.paths().exports, poster, calls)
        counts = {t: row_count(con, t) for t in ("forecast.replenishment_suggestions", "forecast.purchase_orders")}
    if out.get("post_ok") is False:
        context.log.warning(f"ERP post failed, will retry next run: {out.get('post_error')}")
    meta = {k: v for k, v in out.items() if v is not None}
    meta["suggested_units"] = int(rows["suggested_qty"].sum()) if len(rows) else 0
    meta["preview"] = dg.MetadataValue.md(
        rows.head(20)[["sku_id", "category", "suggested_qty", "reason"]].to_markdown()
        if len(rows)
        else "no suggestions today"
    )
    yield dg.MaterializeResult(asset_key=SUGGESTIONS, metadata={**counts["forecast.replenishment_suggestions"], **meta})
    yield dg.MaterializeResult(
        asset_key=POS, metadata={**counts["forecast.purchase_orders"], "posted_batch": str(out.get("batch_id"))}
    )
