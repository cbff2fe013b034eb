"""forecast.safety_stock: stock to keep in reserve per SKU against demand swings during the lead time."""

import dagster as dg
import pandas as pd
from pydantic import Field

from assets.tables import key, row_count
from forecasts import replenishment
from forecasts import warehouse_io as io
from forecasts.replenishment import ReplenishmentRules
from resources.warehouse import WAREHOUSE_POOL, Warehouse


class SafetyStockConfig(dg.Config):
    default_service_level: float = 0.95
    service_level_by_category: dict[str, float] = Field(default={}, description="category -> e.g. 0.98")
    supplier_lead_time_days: dict[str, int] = Field(default={}, description="supplier_id -> days (overrides SKU)")
    sku_lead_time_days: dict[str, int] = Field(default={}, description="sku_id -> days (overrides supplier)")
    review_days: int = Field(default=7, description="how often purchasing reviews suggestions")
    variability_days: int = Field(default=56, description="days of history for the demand std")

    def rules(self) -> ReplenishmentRules:
        return ReplenishmentRules(
            default_service_level=self.default_service_level,
            service_level_by_category=dict(self.service_level_by_category),
            supplier_lead_time_days=dict(self.supplier_lead_time_days),
            sku_lead_time_days=dict(self.sku_lead_time_days),
            review_days=self.review_days,
            variability_days=self.variability_days,
        )


@dg.asset(
    key=key("forecast.safety_stock"),
    deps=[key("forecast.daily_demand"), key("hub.skus")],
    group_name="forecast",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
)
def safety_stock(context: dg.AssetExecutionContext, config: SafetyStockConfig, warehouse: Warehouse):
    """Stock to keep in reserve per SKU against demand swings during the supplier's lead time: higher for
    erratic sellers, long lead times and categories with a higher service level."""
    with warehouse.connect() as con:
        daily = con.execute("select sku_id, demand_date, units::double as units from forecast.daily_demand").df()
        skus = con.execute("select * from hub.skus").df()
        as_of = con.execute("select max(demand_date) from forecast.daily_demand").fetchone()[0]
        if as_of is None:
            raise dg.Failure("forecast.daily_demand is empty")
        ss = replenishment.safety_stock(daily, skus, config.rules(), as_of)
        ss["as_of_date"], ss["computed_at"] = as_of, pd.Timestamp.now(tz="UTC")
        io.replace_table(con, "forecast.safety_stock", ss)
        rows = row_count(con, "forecast.safety_stock")
    missing = sorted(set(daily["sku_id"]) - set(skus["sku_id"]))
    if missing:
        context.log.warning(f"{len(missing)} SKUs sell but are not in hub.skus (no safety stock): {missing[:10]}")
    total = dg.MetadataValue.float(float(ss["safety_stock"].sum()))
    return dg.MaterializeResult(
        metadata={**rows, "skus": len(ss), "skus_missing_from_master": len(missing), "total_safety_stock": total}
    )
