"""forecast.replenishment_suggestions, with forecast.purchase_orders: one multi-asset, since the suggestions
the ERP accepts are recorded as OrderHub's own purchase orders in the same step.
Side tables: ops.alerts (the purchasing notice), ops.api_calls (the ERP post)."""

from datetime import UTC, datetime, timedelta

import dagster as dg
import pandas as pd
from pydantic import Field

from assets.forecast.demand_7d import matrix
from assets.tables import key, row_count
from forecasts import delivery, history_io, policy, suggestions, supplier_feed, supply
from forecasts import warehouse_io as io
from orderhub import settings
from orderhub.calllog import CallLog
from resources.purchasing import PurchasingApi
from resources.warehouse import WAREHOUSE_POOL, Warehouse

SUGGESTIONS, POS = key("forecast.replenishment_suggestions"), key("forecast.purchase_orders")


class ReplenishmentConfig(dg.Config):
    surge_factor: float = Field(
        default=policy.SURGE_FACTOR, description="flag a surge when the next 7 days > factor x safety stock"
    )
    pilot_categories: list[str] = Field(default=[], description="only these categories; empty = all")
    post_to_erp: bool = Field(default=True, description="post the suggestions to the purchasing endpoint")
    on_order_from_erp: bool = Field(
        default=True,
        description="on order = the ERP's open purchase orders net of goods receipts; off = OrderHub's accepted "
        "suggestions until their lead time has passed (for an ERP without a purchase-order feed)",
    )


def _supply(con, config: ReplenishmentConfig, day) -> pd.DataFrame:
    if config.on_order_from_erp:
        orders, receipts = supplier_feed.frames(con)
        if orders.empty:
            return pd.DataFrame(columns=supply.SUPPLY_COLUMNS)
        return supply.supply_by_sku(orders, receipts, datetime.now(UTC))
    return io.on_order_by_sku(con, day).assign(overdue_units=0)


def _stock(con) -> pd.DataFrame:
    """Sellable units (on hand - locked) and units promised to paid orders, per SKU over all warehouses."""
    return con.execute(
        "select sku_id, sum(on_hand - locked)::bigint as on_hand, sum(reserved)::bigint as reserved"
        " from inventory.availability group by sku_id"
    ).df()


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            SUGGESTIONS,
            deps=[
                key("forecast.daily_forecasts"),
                key("forecast.demand_7d"),
                key("forecast.safety_stock"),
                key("forecast.supplier_orders"),
                key("inventory.availability"),
                key("hub.skus"),
            ],
            group_name="forecast",
            kinds={"duckdb", "excel"},
            description=(
                "Today's purchase suggestions: every SKU whose stock + what is on order - what is promised - the "
                "forecast over lead time + review period falls below its safety stock, ordered up to forecast + "
                "safety stock, rounded to MOQ and pack size; most urgent first, with days of cover, the expected "
                "stock-out date without the order, a surge flag and the reason in words. Sent to purchasing as "
                "XLSX/CSV, posted to the ERP and announced through the notifier."
            ),
        ),
        dg.AssetSpec(
            POS,
            group_name="forecast",
            kinds={"duckdb"},
            description="Suggestions the ERP accepted: OrderHub's record of the purchase orders it raised.",
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def replenishment_suggestions(
    context: dg.AssetExecutionContext, config: ReplenishmentConfig, warehouse: Warehouse, purchasing_api: PurchasingApi
):
    rules = suggestions.SuggestionRules(
        surge_factor=config.surge_factor, pilot_categories=list(config.pilot_categories)
    )
    calls = CallLog(context.run_id)
    with warehouse.connect() as con:
        newest = history_io.latest_origin(con)
        if newest is None:
            raise dg.Failure("forecast.daily_forecasts has no production forecast: materialize forecast/demand_7d")
        if con.execute("select count(*) from inventory.availability").fetchone()[0] == 0:
            raise dg.Failure("inventory.availability is empty: suggesting without stock figures would over-order")
        m = matrix(con)
        book = history_io.read_book(con, m, [newest])[m.index_of(newest)]
        live = ~pd.isna(book[:, 0])
        daily = pd.DataFrame(book[live], index=m.skus[live], columns=range(1, book.shape[1] + 1))
        # suggestions are for the business day after the last complete day of data (today, in the morning run)
        day = newest + timedelta(days=1)
        safety = con.execute("select * from forecast.safety_stock").df()
        skus = con.execute("select * from hub.skus").df()
        week = con.execute("select sku_id, total_7d_lower, total_7d_upper from forecast.demand_7d").df()
        rows = suggestions.build(day, daily, safety, skus, _stock(con), _supply(con, config, day), rules, week)
        poster = (lambda d, lines: purchasing_api.post_suggestions(d, lines, calls)) if config.post_to_erp else None
        out = delivery.deliver(con, day, rows, settings.paths().exports, poster, calls)
        counts = {t: row_count(con, t) for t in ("forecast.replenishment_suggestions", "forecast.purchase_orders")}
    if out.get("post_ok") is False:
        context.log.warning(f"ERP post failed, will retry next run: {out.get('post_error')}")
    meta = {k: v for k, v in out.items() if v is not None}
    meta["suggested_units"] = int(rows["suggested_qty"].sum()) if len(rows) else 0
    meta["skus_below_safety_stock"] = len(rows)
    meta["surge_flags"] = int(rows["surge"].sum()) if len(rows) else 0
    meta["preview"] = dg.MetadataValue.md(
        rows.head(20)[["sku_id", "category", "suggested_qty", "days_of_cover", "stockout_date", "reason"]].to_markdown()
        if len(rows)
        else "no SKU falls below its safety stock today"
    )
    yield dg.MaterializeResult(asset_key=SUGGESTIONS, metadata={**counts["forecast.replenishment_suggestions"], **meta})
    yield dg.MaterializeResult(
        asset_key=POS, metadata={**counts["forecast.purchase_orders"], "posted_batch": str(out.get("batch_id"))}
    )
