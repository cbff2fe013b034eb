"""forecast.backtest: the last weeks replayed as if each were next week, model against simple baselines."""

import dagster as dg
import pandas as pd
from pydantic import Field

from assets.forecast.demand_7d import ForecastConfig, _matrix
from assets.tables import key, row_count
from forecasts import backtest as bt
from forecasts import warehouse_io as io
from orderhub.locks import claim
from orderhub.transaction import transaction
from resources.warehouse import WAREHOUSE_POOL, Warehouse


class BacktestConfig(ForecastConfig):
    n_origins: int = Field(default=4, description="weekly forecast origins, ending 7 days before the data")


@dg.asset(
    key=key("forecast.backtest"),
    deps=[key("forecast.daily_demand")],
    group_name="forecast",
    kinds={"duckdb", "scikitlearn"},
    pool=WAREHOUSE_POOL,
)
def backtest(context: dg.AssetExecutionContext, config: BacktestConfig, warehouse: Warehouse):
    """How good the forecast is: the last weeks replayed as if each were next week, comparing the model with
    "same as last week" (seasonal naive) and the 28-day average on weekly totals per SKU (WAPE, MASE;
    lower is better). If the model stops beating "same as last week", a warning check fires."""
    with warehouse.connect() as con:
        try:
            res = bt.run(_matrix(con), config.params(), config.n_origins)
        except bt.NotEnoughHistory as exc:  # a new shop: nothing to judge yet, which is not an error
            with transaction(con):
                claim(con, "forecast.backtest")  # concurrent replacements on a lake conflict (orderhub/locks.py)
                con.execute("delete from forecast.backtest")
            return dg.MaterializeResult(metadata={**row_count(con, "forecast.backtest"), "summary": str(exc)})
        rows = res.per_origin.assign(run_at=pd.Timestamp.now(tz="UTC"))
        io.replace_table(con, "forecast.backtest", rows)
        count = row_count(con, "forecast.backtest")
    s = res.summary.set_index("method")
    return dg.MaterializeResult(
        metadata={
            **count,
            "summary": dg.MetadataValue.md(bt.format_table(res.summary)),
            **{f"{k}_wape": dg.MetadataValue.float(float(s.loc[k, "wape"])) for k in bt.METHODS},
            **{f"{k}_mase": dg.MetadataValue.float(float(s.loc[k, "mase"])) for k in bt.METHODS},
            "model_interval_coverage": dg.MetadataValue.float(float(s.loc["model", "coverage"])),
            "origins": [str(d) for d in res.per_origin["origin_date"].unique()],
        }
    )
