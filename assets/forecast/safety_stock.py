"""forecast.safety_stock: stock to keep in reserve per SKU against what the forecast may miss over the lead time
and review period."""

from datetime import UTC, datetime, timedelta
from typing import Literal

import dagster as dg
import pandas as pd
from pydantic import Field

from assets.forecast.demand_7d import matrix
from assets.tables import key, row_count
from forecasts import history_io, planning, supplier_feed, supply
from forecasts import warehouse_io as io
from resources.warehouse import WAREHOUSE_POOL, Warehouse


class SafetyStockConfig(dg.Config):
    default_service_level: float = Field(
        default=0.975,
        description="fill_rate: share of demanded units to serve from stock; cycle: share of review cycles "
        "without a stock-out",
    )
    service_level_by_category: dict[str, float] = Field(default={}, description="category -> e.g. 0.98")
    service_measure: Literal["fill_rate", "cycle"] = Field(
        default="fill_rate", description="what the service levels mean (see default_service_level)"
    )
    supplier_lead_time_days: dict[str, int] = Field(default={}, description="supplier_id -> days (overrides SKU)")
    sku_lead_time_days: dict[str, int] = Field(default={}, description="sku_id -> days (overrides supplier)")
    review_days: int = Field(default=7, description="how often purchasing reviews suggestions")
    error_reviews: int = Field(default=26, description="past forecasts (one per review period) whose errors count")

    def rules(self) -> planning.PlanningRules:
        return planning.PlanningRules(
            default_service_level=self.default_service_level,
            service_level_by_category=dict(self.service_level_by_category),
            supplier_lead_time_days=dict(self.supplier_lead_time_days),
            sku_lead_time_days=dict(self.sku_lead_time_days),
            review_days=self.review_days,
            error_reviews=self.error_reviews,
            service_measure=self.service_measure,
        )


@dg.asset(
    key=key("forecast.safety_stock"),
    deps=[
        key("forecast.daily_demand"),
        key("forecast.daily_forecasts"),
        key("forecast.backtest"),
        key("forecast.goods_receipts"),
        key("hub.skus"),
    ],
    group_name="forecast",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
)
def safety_stock(context: dg.AssetExecutionContext, config: SafetyStockConfig, warehouse: Warehouse):
    """Stock to keep in reserve per SKU: what the forecast has missed by, over the SKU's lead time + review
    period, on past days (its own errors, at the category's service level), scaled to how erratic the SKU
    sells, plus the supplier's delivery spread. Higher for erratic sellers, long or unreliable lead times and
    categories with a higher service level. Until enough past forecasts can be checked: the normal rule."""
    rules = config.rules()
    with warehouse.connect() as con:
        m = matrix(con)
        skus = con.execute("select * from hub.skus").df()
        newest = history_io.latest_origin(con)
        if newest is None:
            raise dg.Failure("forecast.daily_forecasts has no production forecast: materialize forecast/demand_7d")
        today = history_io.read_book(con, m, [newest]).get(m.index_of(newest))
        covers = planning.lead_times(skus, rules) + rules.review_days
        shortest = int(covers.min()) if len(covers) else rules.review_days
        count = rules.error_reviews + -(-planning.longest_cover(skus, rules) // rules.review_days) + 1
        past = history_io.spaced_origins(
            history_io.origin_dates(con), newest - timedelta(days=shortest), rules.review_days, count
        )
        book = history_io.read_book(con, m, past)
        orders, receipts = supplier_feed.frames(con)
        lead_stats = supply.supplier_lead_times(orders, receipts, datetime.now(UTC)) if len(orders) else None
        rows = planning.safety_rows(m, today, book, skus, rules, lead_stats)
        rows["as_of_date"], rows["computed_at"] = m.day(m.n_days - 1), pd.Timestamp.now(tz="UTC")
        io.replace_table(con, "forecast.safety_stock", rows)
        count_meta = row_count(con, "forecast.safety_stock")
    if newest != m.day(m.n_days - 1):
        context.log.warning(f"the newest forecast is from {newest}, the sales history runs to {m.day(m.n_days - 1)}")
    missing = sorted(set(m.skus) - set(skus["sku_id"]))
    if missing:
        context.log.warning(f"{len(missing)} SKUs sell but are not in hub.skus (no safety stock): {missing[:10]}")
    methods = rows["method"].value_counts().to_dict()
    return dg.MaterializeResult(
        metadata={
            **count_meta,
            "skus": len(rows),
            "skus_missing_from_master": len(missing),
            "skus_by_method": dg.MetadataValue.json(methods),
            "past_forecasts_used": [str(o) for o in past],
            "error_pairs": int(rows["error_pairs"].max()) if len(rows) else 0,
            "total_safety_stock": dg.MetadataValue.float(float(rows["safety_stock"].sum())),
        }
    )
