"""forecast.daily_demand: units sold per SKU and business day, the history every forecast learns from."""

from datetime import date

import dagster as dg
from pydantic import Field

from assets.tables import key, row_count
from forecasts import warehouse_io as io
from resources.warehouse import WAREHOUSE_POOL, Warehouse


class DailyDemandConfig(dg.Config):
    as_of_date: str | None = Field(default=None, description="YYYY-MM-DD; default the last complete order day")


@dg.asset(
    key=key("forecast.daily_demand"),
    deps=[key("hub.orders"), key("hub.order_lines")],
    group_name="forecast",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
)
def daily_demand(context: dg.AssetExecutionContext, config: DailyDemandConfig, warehouse: Warehouse):
    """Units sold per SKU per business day, from paid orders only (cancelled and refunded orders and lines
    left out), with a row for every day since the SKU's first sale, zeros included. Promotion units are
    counted separately. The last complete day is the as-of day (today is still filling)."""
    with warehouse.connect() as con:
        as_of = date.fromisoformat(config.as_of_date) if config.as_of_date else io.default_as_of(con)
        if as_of is None:
            raise dg.Failure("hub.orders is empty: nothing to build demand from")
        stats = io.build_daily_demand(con, as_of)
        rows = row_count(con, "forecast.daily_demand")
    return dg.MaterializeResult(metadata={**rows, "as_of_date": str(as_of), **stats})
