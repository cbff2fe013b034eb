"""forecast.backtest: the last weeks replayed as if each were next week, model against simple baselines.
Side table: forecast.daily_forecasts (its 'backtest' rows: every replayed origin's daily forecast, from which
the safety stock learns the forecast's errors over each SKU's lead time + review period)."""

import dagster as dg
import pandas as pd
from pydantic import Field

from assets.forecast.demand_7d import ForecastConfig, auto_horizon, matrix
from assets.tables import key, row_count
from forecasts import backtest as bt
from forecasts import history_io
from forecasts import warehouse_io as io
from orderhub.locks import claim
from orderhub.transaction import transaction
from resources.warehouse import WAREHOUSE_POOL, Warehouse


class BacktestConfig(ForecastConfig):
    n_origins: int = Field(default=4, description="weekly origins scored, ending 7 days before the data")
    error_origins: int = Field(
        default=10, description="earlier weekly origins forecast too: their errors size the safety stock"
    )
    refit_every: int = Field(default=2, description="refit the model every k origins (in between: reuse it)")


@dg.asset(
    key=key("forecast.backtest"),
    deps=[key("forecast.daily_demand"), key("hub.skus")],
    group_name="forecast",
    kinds={"duckdb", "lightgbm"},
    pool=WAREHOUSE_POOL,
)
def backtest(context: dg.AssetExecutionContext, config: BacktestConfig, warehouse: Warehouse):
    """How good the forecast is: the last weeks replayed as if each were next week, comparing the model with
    "same as last week" (seasonal naive), the 28-day average and the median of the last 8 weeks on weekly
    totals per SKU (WAPE, MASE: lower is better; bias: below zero = the forecast under-sells). If the model
    stops beating "same as last week", a warning check fires. Earlier weeks are re-forecast too: what each
    forecast missed by over a SKU's lead time + review period sizes its safety stock."""
    with warehouse.connect() as con:
        m = matrix(con)
        try:
            res = bt.run(
                m,
                config.params(auto_horizon(con)),
                config.n_origins,
                config.error_origins,
                config.refit_every,
                config.interval,
                config.calibrate,
                config.calibration_weeks,
            )
        except bt.NotEnoughHistory as exc:  # a new shop: nothing to judge yet, which is not an error
            with transaction(con):
                claim(con, "forecast.backtest")  # concurrent replacements on a lake conflict (orderhub/locks.py)
                con.execute("delete from forecast.backtest")
            return dg.MaterializeResult(metadata={**row_count(con, "forecast.backtest"), "summary": str(exc)})
        now = pd.Timestamp.now(tz="UTC")
        io.replace_table(con, "forecast.backtest", res.per_origin.assign(run_at=now))
        replayed = history_io.store_backtest(con, res.daily, now)
        count = row_count(con, "forecast.backtest")
    s = res.summary.set_index("method")
    return dg.MaterializeResult(
        metadata={
            **count,
            "summary": dg.MetadataValue.md(bt.format_table(res.summary)),
            **{f"{k}_wape": dg.MetadataValue.float(float(s.loc[k, "wape"])) for k in bt.METHODS},
            **{f"{k}_bias": dg.MetadataValue.float(float(s.loc[k, "bias"])) for k in bt.METHODS},
            "model_interval_coverage": dg.MetadataValue.float(float(s.loc["model", "coverage"])),
            "origins": [str(d) for d in res.per_origin["origin_date"].unique()],
            "replayed_forecast_rows": replayed,
        }
    )
