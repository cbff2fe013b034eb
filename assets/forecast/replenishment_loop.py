"""forecast.replenishment_loop: OrderHub's purchasing policy and three textbook policies replayed on the shop's own
sales history, day by day, to show what each would have kept in stock and lost."""

from typing import Literal

import dagster as dg
import numpy as np
import pandas as pd
from pydantic import Field

from assets.forecast.demand_7d import ForecastConfig, matrix
from assets.tables import key, row_count
from forecasts import loop_bench
from forecasts.accuracy import regular_sellers
from forecasts.warehouse_io import replace_table
from resources.warehouse import WAREHOUSE_POOL, Warehouse


class LoopConfig(ForecastConfig):
    weeks: int = Field(default=8, description="weeks scored, at the end of the history (fewer if it is short)")
    warmup_weeks: int = Field(default=4, description="weeks replayed before scoring (stock and errors build up)")
    review_days: int = Field(default=7, description="days between purchasing reviews")
    service_level: float = Field(
        default=0.975, description="OrderHub's fill-rate target (or cycle service level); the baselines' z"
    )
    service_measure: Literal["fill_rate", "cycle"] = Field(default="fill_rate", description="see service_level")
    lead_times: list[int] = Field(default=[], description="fixed lead times to replay; empty = each SKU's own")
    min_sale_days: int = Field(default=20, description="SKUs replayed: at least this many days with a sale")
    late_share: float = Field(default=0.0, description="share of deliveries that arrive late")
    late_days_max: int = Field(default=0, description="a late delivery is 1..this many days late")
    backorders: bool = Field(default=False, description="unserved demand waits (default: it is lost)")
    refit_every: int = Field(default=4, description="refit the forecaster every k reviews")
    keep_runs_days: int = Field(default=90, description="older loop runs are deleted")


def _world(con, m, config: LoopConfig) -> loop_bench.World | None:
    skus = con.execute("select sku_id, lead_time_days, min_order_qty, pack_size from hub.skus").df()
    master = skus.set_index("sku_id").reindex(m.skus)
    keep = np.flatnonzero(regular_sellers(m, config.min_sale_days) & master["lead_time_days"].notna().to_numpy())
    if not len(keep):
        return None
    sel = master.iloc[keep]
    return loop_bench.World(
        "warehouse",
        m,
        keep,
        sel["lead_time_days"].to_numpy(np.int64),
        sel["min_order_qty"].fillna(1).to_numpy(np.int64),
        sel["pack_size"].fillna(1).to_numpy(np.int64),
        config.calendar_country,
    )


@dg.asset(
    key=key("forecast.replenishment_loop"),
    deps=[key("forecast.daily_demand"), key("hub.skus")],
    group_name="forecast",
    kinds={"duckdb", "lightgbm"},
    pool=WAREHOUSE_POOL,
)
def replenishment_loop(context: dg.AssetExecutionContext, config: LoopConfig, warehouse: Warehouse):
    """What our purchasing policy would have achieved: the last weeks of real sales replayed day by day, with a
    review every week at which the real forecaster and policy see only the data up to that day, orders arriving
    after the lead time, and each day's demand served from stock. Fill rate (share of demand served from stock)
    and days of inventory held, for OrderHub's policy and three textbook policies (reorder point and order-up-to
    on a 28-day average, order-up-to on last week), plus what each textbook policy needs to match our fill rate."""
    with warehouse.connect() as con:
        m = matrix(con)
        world = _world(con, m, config)
        weeks = min(config.weeks, (m.n_days - 1) // 7 - config.warmup_weeks)
        if world is None or weeks < 2:
            why = "no SKU sells regularly yet" if world is None else f"only {m.n_days} days of sales history"
            return dg.MaterializeResult(metadata={**row_count(con, "forecast.replenishment_loop"), "skipped": why})
    setup = loop_bench.Setup(
        world,
        weeks,
        config.warmup_weeks,
        config.review_days,
        config.service_level,
        config.late_share,
        config.late_days_max,
        config.backorders,
        config.service_measure,
    )
    leads = list(config.lead_times) or [None]
    longest = max(int(world.lead_days.max()) if lead is None else lead for lead in leads)
    params = config.params(longest + config.review_days + config.late_days_max)
    book = loop_bench.forecasts(setup, params, config.refit_every, log=context.log.info)
    run_at, rows, table = pd.Timestamp.now(tz="UTC"), [], []
    for lead in leads:
        res = loop_bench.compare(setup, book, lead)
        label = str(lead) if lead is not None else "catalogue"
        rows += loop_bench.result_rows(setup, res, label, run_at)
        table.append(f"lead time {label}:\n\n{loop_bench.format_table(res)}")
    with warehouse.connect() as con:
        replace_table(con, "forecast.replenishment_loop", pd.DataFrame(rows), "run_at = ?", [run_at])
        con.execute(
            "delete from forecast.replenishment_loop where run_at < ?",
            [run_at - pd.Timedelta(days=config.keep_runs_days)],
        )
        count = row_count(con, "forecast.replenishment_loop")
    mine = {r["lead_time_days"]: r for r in rows if r["policy"] == "orderhub"}
    return dg.MaterializeResult(
        metadata={
            **count,
            "skus_replayed": len(world.skus),
            "scored_days": f"{m.day(setup.eval_from)} .. {m.day(setup.end)}",
            **{f"orderhub_fill_rate_{k}": dg.MetadataValue.float(round(v["fill_rate"], 4)) for k, v in mine.items()},
            **{
                f"orderhub_inventory_days_{k}": dg.MetadataValue.float(round(v["inventory_days"], 2))
                for k, v in mine.items()
            },
            "results": dg.MetadataValue.md("\n\n".join(table)),
        }
    )
