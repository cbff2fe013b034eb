"""forecast.demand_7d, with forecast.daily_forecasts: one multi-asset, since one fit of the forecaster makes
both the week purchasing reads (with a range) and the daily forecast up to lead time + review period that
the purchasing policy plans with (kept per origin, so the safety stock can learn from its errors later).
Runs after forecast.backtest, whose re-forecasts of the last weeks calibrate it when the daily run's own
forecasts of those weeks are missing."""

from datetime import date, timedelta

import dagster as dg
import numpy as np
import pandas as pd
from pydantic import Field

from assets.tables import key, row_count
from forecasts import calibration, forecaster, history_io, outlook
from forecasts import warehouse_io as io
from forecasts.features import DemandMatrix
from resources.warehouse import WAREHOUSE_POOL, Warehouse

WEEK, DAILY = key("forecast.demand_7d"), key("forecast.daily_forecasts")


class ForecastConfig(dg.Config):
    """Hyper-parameters of the one gradient-boosted model shared by all SKUs (forecasts/forecaster.py)."""

    engine: str = Field(default="lightgbm", description="'lightgbm' (Tweedie loss) or 'sklearn' (HGB, Poisson)")
    learning_rate: float = 0.08
    n_estimators: int = 200
    num_leaves: int = 31
    min_child_samples: int = 100
    tweedie_power: float = Field(default=1.3, description="1 = Poisson, 2 = gamma; lumpy demand sits between")
    train_window_days: int = Field(default=364, description="target days used for training")
    train_share: float = Field(default=0.35, description="random share of training rows kept (speed)")
    min_history_days: int = Field(default=28, description="below this many days since first sale: fallback rate")
    horizon_days: int = Field(default=0, description="days forecast; 0 = longest lead time in hub.skus + 14")
    interval: float = Field(default=0.8, description="central coverage of the 7-day lower/upper bounds")
    calendar_country: str = Field(default="CN", description="holiday/festival profile: CN, or any ISO code")
    planned_promo_dates: list[str] = Field(default=[], description="the shop's own campaign days, YYYY-MM-DD")
    seed: int = 7
    n_threads: int = Field(default=1, description="OpenMP threads (1 leaves cores to other runs)")
    calibrate: bool = Field(default=True, description="scale by actual / forecast units of the last weeks")
    calibration_weeks: int = Field(default=8, description="weeks whose forecasts calibrate the next")
    seasonal: str = Field(default="on", description="month/day-of-month features: on, off, auto (>= 2 years of data)")
    bags: int = Field(default=3, description="models averaged, each on its own draw of training rows (CPU x bags)")

    def params(self, horizon: int) -> forecaster.ForecastParams:
        return forecaster.ForecastParams(
            engine=self.engine,
            horizon=self.horizon_days or horizon,
            learning_rate=self.learning_rate,
            n_estimators=self.n_estimators,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            tweedie_power=self.tweedie_power,
            train_window_days=self.train_window_days,
            train_share=self.train_share,
            min_history_days=self.min_history_days,
            country=self.calendar_country,
            planned_promo_dates=[date.fromisoformat(d) for d in self.planned_promo_dates],
            seed=self.seed,
            n_threads=self.n_threads,
            seasonal=self.seasonal,
            bags=self.bags,
        )


class DemandConfig(ForecastConfig):
    keep_days: int = Field(
        default=200, description="days of production forecasts kept for the safety stock (26 weekly origins + cover)"
    )


def matrix(con) -> DemandMatrix:
    daily = io.read_daily(con)
    if daily.empty:
        raise dg.Failure("forecast.daily_demand is empty: materialize it after hub.orders/hub.order_lines have data")
    return DemandMatrix.from_frame(daily)


def calibration_factors(con, m: DemandMatrix, weeks: int, horizon: int) -> np.ndarray:
    """One factor per day ahead: for each week of the horizon, actual / forecast units over that week of the last
    `weeks` weekly origins whose week it is has ended (forecasts.calibration), from the forecasts kept in
    forecast.daily_forecasts (the daily run's own, or the backtest's re-forecasts)."""
    t = m.n_days - 1
    blocks = -(-horizon // calibration.WEEK)  # week w needs origins w weeks further back
    newest = m.day(t) - timedelta(days=calibration.WEEK)
    past = history_io.spaced_origins(history_io.origin_dates(con), newest, 7, weeks + blocks - 1)
    return calibration.daily_factors(m.Y, history_io.read_book(con, m, past, raw=True), t, horizon, weeks)


def auto_horizon(con) -> int:
    """The longest lead time in the product master + a review week + a week's slack for late deliveries."""
    longest = con.execute("select coalesce(max(lead_time_days), 7) from hub.skus").fetchone()[0]
    return outlook.horizon_for(int(longest), 7, 7)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            WEEK,
            deps=[key("forecast.daily_demand"), key("forecast.backtest"), key("hub.skus")],
            group_name="forecast",
            kinds={"duckdb", "lightgbm"},
            description=(
                "Expected units per SKU for each of the next 7 days, with a low and high estimate (80% range by "
                "default) and the 7-day total: what purchasing should expect to sell next week. One "
                "gradient-boosting model learns weekly rhythm, holidays, 618/Double 11/Double 12 and promotions "
                "across all SKUs; SKUs with under four weeks of sales use their average daily rate."
            ),
        ),
        dg.AssetSpec(
            DAILY,
            deps=[key("forecast.daily_demand"), key("forecast.backtest"), key("hub.skus")],
            group_name="forecast",
            kinds={"duckdb"},
            description=(
                "Every daily forecast kept: per origin day, SKU and day ahead up to the longest lead time + "
                "review period. The newest production forecast is what purchasing plans with; older ones (and "
                "the backtest's re-forecasts of past days) are compared with what sold to size safety stock."
            ),
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def demand_7d(context: dg.AssetExecutionContext, config: DemandConfig, warehouse: Warehouse):
    with warehouse.connect() as con:
        m = matrix(con)
        params = config.params(auto_horizon(con))
        factors = calibration_factors(con, m, config.calibration_weeks, params.horizon) if config.calibrate else 1.0
        out = outlook.forecast(m, params, calibration=factors)
        now = pd.Timestamp.now(tz="UTC")
        week = outlook.week(out, m, config.interval)
        week.insert(0, "as_of_date", m.day(out.origin))
        week["created_at"] = now
        io.replace_table(con, "forecast.demand_7d", week)
        stored = history_io.store_production(con, outlook.daily_rows(out, m, "production"), now, config.keep_days)
        counts = {t: row_count(con, t) for t in ("forecast.demand_7d", "forecast.daily_forecasts")}
    totals = week.groupby("sku_id").first()
    yield dg.MaterializeResult(
        asset_key=WEEK,
        metadata={
            **counts["forecast.demand_7d"],
            "as_of_date": str(m.day(out.origin)),
            "skus": len(totals),
            "skus_on_fallback": int((totals["method"] == "new_sku_rate").sum()),
            "forecast_units_7d": dg.MetadataValue.float(float(totals["total_7d"].sum())),
            "training_rows": out.fitted.n_rows,
            "calibration": dg.MetadataValue.float(round(float(out.factors()[0]), 4)),
            "calibration_by_week": ", ".join(f"{k:.3f}" for k in out.factors()[:: calibration.WEEK]),
            "fit_cpu_seconds": dg.MetadataValue.float(round(out.fitted.cpu_seconds, 2)),
            "top_skus": dg.MetadataValue.md(
                totals.nlargest(10, "total_7d")[["total_7d", "total_7d_lower", "total_7d_upper"]].round(1).to_markdown()
            ),
        },
    )
    yield dg.MaterializeResult(
        asset_key=DAILY,
        metadata={**counts["forecast.daily_forecasts"], "horizon_days": params.horizon, "rows_written": stored},
    )
