"""forecast.demand_7d: expected units per SKU for each of the next 7 days, with a range."""

from datetime import date

import dagster as dg
import pandas as pd
from pydantic import Field

from assets.tables import key, row_count
from forecasts import warehouse_io as io
from forecasts.features import DemandMatrix
from forecasts.model import ModelParams, forecast_7d
from resources.warehouse import WAREHOUSE_POOL, Warehouse


class ForecastConfig(dg.Config):
    """Hyper-parameters of the one HistGradientBoostingRegressor shared by all SKUs."""

    loss: str = Field(default="poisson", description="'poisson' (default), 'absolute_error' or 'squared_error'")
    learning_rate: float = 0.06
    max_iter: int = 250
    max_leaf_nodes: int = 31
    min_samples_leaf: int = 100
    l2_regularization: float = 1.0
    min_history_days: int = Field(default=28, description="below this many days since first sale: fallback rate")
    train_window_days: int = Field(default=364, description="target days used for training")
    interval: float = Field(default=0.8, description="central coverage of the lower/upper bounds")
    target_clip: float = Field(default=10.0, description=">0 caps demand/level in training (bulk one-offs)")
    calendar_country: str = Field(default="CN", description="holiday/festival profile: CN, or any ISO code")
    planned_promo_dates: list[str] = Field(default=[], description="the shop's own campaign days, YYYY-MM-DD")
    seed: int = 7
    n_threads: int = Field(default=1, description="OpenMP threads (1 leaves cores to other runs)")

    def params(self) -> ModelParams:
        return ModelParams(
            loss=self.loss,
            learning_rate=self.learning_rate,
            max_iter=self.max_iter,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            min_history_days=self.min_history_days,
            train_window_days=self.train_window_days,
            interval=self.interval,
            country=self.calendar_country,
            planned_promo_dates=[date.fromisoformat(d) for d in self.planned_promo_dates],
            seed=self.seed,
            target_clip=self.target_clip,
            n_threads=self.n_threads,
        )


def _matrix(con) -> DemandMatrix:
    daily = io.read_daily(con)
    if daily.empty:
        raise dg.Failure("forecast.daily_demand is empty: materialize it after hub.orders/hub.order_lines have data")
    return DemandMatrix.from_frame(daily)


@dg.asset(
    key=key("forecast.demand_7d"),
    deps=[key("forecast.daily_demand")],
    group_name="forecast",
    kinds={"duckdb", "scikitlearn"},
    pool=WAREHOUSE_POOL,
)
def demand_7d(context: dg.AssetExecutionContext, config: ForecastConfig, warehouse: Warehouse):
    """Expected units per SKU for each of the next 7 days, with a low and high estimate (80% range by default)
    and the 7-day total: what purchasing should expect to sell next week. One gradient-boosting model learns
    weekly rhythm, holidays, 618/Double 11/Double 12 and promotions across all SKUs; SKUs with under four
    weeks of sales use their average daily rate."""
    with warehouse.connect() as con:
        m = _matrix(con)
        fc, fitted = forecast_7d(m, config.params())
        fc.insert(0, "as_of_date", m.day(m.n_days - 1))
        fc["created_at"] = pd.Timestamp.now(tz="UTC")
        io.replace_table(con, "forecast.demand_7d", fc)
        rows = row_count(con, "forecast.demand_7d")
    week = fc.groupby("sku_id").first()
    return dg.MaterializeResult(
        metadata={
            **rows,
            "as_of_date": str(m.day(m.n_days - 1)),
            "skus": len(week),
            "skus_on_fallback": int((week["method"] == "new_sku_rate").sum()),
            "forecast_units_7d": dg.MetadataValue.float(float(week["total_7d"].sum())),
            "training_rows": fitted.n_rows,
            "fit_seconds": dg.MetadataValue.float(round(fitted.seconds, 2)),
            "top_skus": dg.MetadataValue.md(
                week.nlargest(10, "total_7d")[["total_7d", "total_7d_lower", "total_7d_upper"]].round(1).to_markdown()
            ),
        }
    )
