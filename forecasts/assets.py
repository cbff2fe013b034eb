"""Forecast and replenishment assets: thin Dagster wrappers around forecasts.* pure functions.

All forecast assets are unpartitioned on purpose: each run reads the whole sales history (lags up to 16
weeks, a year of training rows) and replaces its table; hub.orders' daily partitions feed them as deps.
"""

from datetime import date, timedelta

import dagster as dg
import pandas as pd

from forecasts import backtest as bt
from forecasts import delivery, replenishment, warehouse_io as io
from forecasts.configs import BacktestConfig, DailyDemandConfig, ForecastConfig, ReplenishmentConfig, SafetyStockConfig
from forecasts.features import DemandMatrix
from forecasts.model import forecast_7d
from forecasts.purchasing import PurchasingApi, purchasing_resource
from orderhub import settings
from orderhub.calllog import CallLog
from pipelines.partitions import WAREHOUSE_POOL
from resources.warehouse import Warehouse

GROUP = "forecast"
KINDS = {"duckdb", "scikitlearn"}
ORDERS, LINES, SKUS = dg.AssetKey(["hub", "orders"]), dg.AssetKey(["hub", "order_lines"]), dg.AssetKey(["hub", "skus"])
AVAILABILITY = dg.AssetKey(["inventory", "availability"])
DAILY, DEMAND_7D = dg.AssetKey(["forecast", "daily_demand"]), dg.AssetKey(["forecast", "demand_7d"])
BACKTEST, SAFETY = dg.AssetKey(["forecast", "backtest"]), dg.AssetKey(["forecast", "safety_stock"])
SUGGESTIONS, POS = dg.AssetKey(["forecast", "replenishment_suggestions"]), dg.AssetKey(["forecast", "purchase_orders"])


def _matrix(con) -> DemandMatrix:
    daily = io.read_daily(con)
    if daily.empty:
        raise dg.Failure("forecast.daily_demand is empty: materialize it after hub.orders/hub.order_lines have data")
    return DemandMatrix.from_frame(daily)


@dg.asset(key=DAILY, deps=[ORDERS, LINES], group_name=GROUP, kinds={"duckdb"}, pool=WAREHOUSE_POOL)
def daily_demand(context: dg.AssetExecutionContext, config: DailyDemandConfig, warehouse: Warehouse):
    """Units sold per SKU per business day, from paid orders only (cancelled and refunded orders and lines
    left out), with a row for every day since the SKU's first sale, zeros included. Promotion units are
    counted separately. The last complete day is the as-of day (today is still filling)."""
    with warehouse.connect() as con:
        as_of = date.fromisoformat(config.as_of_date) if config.as_of_date else io.default_as_of(con)
        if as_of is None:
            raise dg.Failure("hub.orders is empty: nothing to build demand from")
        stats = io.build_daily_demand(con, as_of)
    return dg.MaterializeResult(metadata={"as_of_date": str(as_of), **stats})


@dg.asset(key=DEMAND_7D, deps=[DAILY], group_name=GROUP, kinds=KINDS, pool=WAREHOUSE_POOL)
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
    week = fc.groupby("sku_id").first()
    return dg.MaterializeResult(metadata={
        "as_of_date": str(m.day(m.n_days - 1)), "skus": len(week),
        "skus_on_fallback": int((week["method"] == "new_sku_rate").sum()),
        "forecast_units_7d": dg.MetadataValue.float(float(week["total_7d"].sum())),
        "training_rows": fitted.n_rows, "fit_seconds": dg.MetadataValue.float(round(fitted.seconds, 2)),
        "top_skus": dg.MetadataValue.md(week.nlargest(10, "total_7d")[["total_7d", "total_7d_lower", "total_7d_upper"]]
                                        .round(1).to_markdown()),
    })


@dg.asset(key=BACKTEST, deps=[DAILY], group_name=GROUP, kinds=KINDS, pool=WAREHOUSE_POOL)
def backtest(context: dg.AssetExecutionContext, config: BacktestConfig, warehouse: Warehouse):
    """How good the forecast is: the last weeks replayed as if each were next week, comparing the model with
    "same as last week" (seasonal naive) and the 28-day average on weekly totals per SKU (WAPE, MASE;
    lower is better). If the model stops beating "same as last week", a warning check fires."""
    with warehouse.connect() as con:
        try:
            res = bt.run(_matrix(con), config.params(), config.n_origins)
        except bt.NotEnoughHistory as exc:  # a new shop: nothing to judge yet, which is not an error
            con.execute("delete from forecast.backtest")
            return dg.MaterializeResult(metadata={"summary": str(exc)})
        rows = res.per_origin.assign(run_at=pd.Timestamp.now(tz="UTC"))
        io.replace_table(con, "forecast.backtest", rows)
    s = res.summary.set_index("method")
    return dg.MaterializeResult(metadata={
        "summary": dg.MetadataValue.md(bt.format_table(res.summary)),
        **{f"{k}_wape": dg.MetadataValue.float(float(s.loc[k, "wape"])) for k in bt.METHODS},
        **{f"{k}_mase": dg.MetadataValue.float(float(s.loc[k, "mase"])) for k in bt.METHODS},
        "model_interval_coverage": dg.MetadataValue.float(float(s.loc["model", "coverage"])),
        "origins": [str(d) for d in res.per_origin["origin_date"].unique()],
    })


@dg.asset_check(asset=BACKTEST, blocking=False, description="The model's pooled WAPE on 7-day totals is below "
                "the seasonal naive's (same weekday last week); warns when it is not.")
def model_beats_seasonal_naive(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        got = con.execute("select method, sum(abs_error) / nullif(sum(actual_units), 0) from forecast.backtest"
                          " group by method").fetchall()
    wape = {k: v for k, v in got}
    model, naive = wape.get("model"), wape.get("seasonal_naive")
    if model is None or naive is None:
        return dg.AssetCheckResult(passed=True, severity=dg.AssetCheckSeverity.WARN,
                                   description="no backtest yet (history too short): nothing to compare")
    passed = model < naive
    return dg.AssetCheckResult(passed=bool(passed), severity=dg.AssetCheckSeverity.WARN, metadata={
        "model_wape": float(model), "seasonal_naive_wape": float(naive),
        "improvement": float(1 - model / naive) if naive else 0.0})


@dg.asset(key=SAFETY, deps=[DAILY, SKUS], group_name=GROUP, kinds={"duckdb"}, pool=WAREHOUSE_POOL)
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
    missing = sorted(set(daily["sku_id"]) - set(skus["sku_id"]))
    if missing:
        context.log.warning(f"{len(missing)} SKUs sell but are not in hub.skus (no safety stock): {missing[:10]}")
    total = dg.MetadataValue.float(float(ss["safety_stock"].sum()))
    return dg.MaterializeResult(metadata={"skus": len(ss), "skus_missing_from_master": len(missing),
                                          "total_safety_stock": total})


@dg.multi_asset(
    specs=[
        dg.AssetSpec(SUGGESTIONS, deps=[DEMAND_7D, SAFETY, AVAILABILITY, SKUS], group_name=GROUP,
                     kinds={"duckdb", "excel"}, description=(
                         "Today's purchase suggestions: SKUs whose next-7-day forecast exceeds 1.5 x safety stock, "
                         "with a quantity covering lead time + review period, net of stock and open purchase "
                         "orders, rounded to MOQ and pack size, each with its reason in words. Sent to purchasing "
                         "as XLSX/CSV, posted to the ERP and announced through the notifier.")),
        dg.AssetSpec(POS, group_name=GROUP, kinds={"duckdb"}, description=(
            "Suggestions the ERP accepted, i.e. stock already on order: counted against new suggestions until "
            "their lead time has passed.")),
    ],
    pool=WAREHOUSE_POOL,
)
def replenishment_suggestions(context: dg.AssetExecutionContext, config: ReplenishmentConfig,
                              warehouse: Warehouse, purchasing_api: PurchasingApi):
    rules = replenishment.ReplenishmentRules(trigger_factor=config.trigger_factor,
                                             pilot_categories=list(config.pilot_categories))
    calls = CallLog(context.run_id)
    with warehouse.connect() as con:
        fc = con.execute("select sku_id, any_value(as_of_date) as as_of_date, any_value(total_7d) as total_7d,"
                         " any_value(total_7d_lower) as total_7d_lower, any_value(total_7d_upper) as total_7d_upper"
                         " from forecast.demand_7d group by sku_id").df()
        if fc.empty:
            raise dg.Failure("forecast.demand_7d is empty: materialize the forecast first")
        if con.execute("select count(*) from inventory.availability").fetchone()[0] == 0:
            raise dg.Failure("inventory.availability is empty: suggesting without stock figures would over-order")
        # suggestions are for the business day after the last complete day of data (today, in the morning run)
        day = pd.Timestamp(fc["as_of_date"].max()).date() + timedelta(days=1)
        ss = con.execute("select * from forecast.safety_stock").df()
        skus = con.execute("select * from hub.skus").df()
        rows = replenishment.suggest(fc, ss, skus,
                                     io.available_by_sku(con), io.on_order_by_sku(con, day), rules)
        poster = (lambda d, lines: purchasing_api.post_suggestions(d, lines, calls)) if config.post_to_erp else None
        out = delivery.deliver(con, day, rows, settings.paths().exports, poster, calls)
    if out.get("post_ok") is False:
        context.log.warning(f"ERP post failed, will retry next run: {out.get('post_error')}")
    meta = {k: v for k, v in out.items() if v is not None}
    meta["suggested_units"] = int(rows["suggested_qty"].sum()) if len(rows) else 0
    meta["preview"] = dg.MetadataValue.md(rows.head(20)[["sku_id", "category", "suggested_qty", "reason"]].to_markdown()
                                          if len(rows) else "no suggestions today")
    yield dg.MaterializeResult(asset_key=SUGGESTIONS, metadata=meta)
    yield dg.MaterializeResult(asset_key=POS, metadata={"posted_batch": str(out.get("batch_id"))})


forecast_job = dg.define_asset_job("forecast_daily", selection=dg.AssetSelection.groups(GROUP))
# Before the purchasing team starts work; stopped by default so a fresh install posts nothing on its own.
forecast_schedule = dg.ScheduleDefinition(job=forecast_job, cron_schedule="30 6 * * *",
                                          execution_timezone="Asia/Shanghai",
                                          default_status=dg.DefaultScheduleStatus.STOPPED)


defs = dg.Definitions(
    assets=[daily_demand, demand_7d, backtest, safety_stock, replenishment_suggestions],
    asset_checks=[model_beats_seasonal_naive],
    resources={"purchasing_api": purchasing_resource()},
    jobs=[forecast_job],
    schedules=[forecast_schedule],
)
