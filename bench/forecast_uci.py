"""Forecast bench: rolling-origin backtest on real UCI Online Retail demand (and the hub, if present).

Run: `.venv/bin/python bench/forecast_uci.py [--harness-origins 8] [--compare-hgb] [--legacy] [--hub PATH]`.
First the replenishment issue's harness on UCI (forecasts/accuracy.py: last 8 weekly origins, SKUs with
>= 100 sale days, 7-day totals, data up to the origin only): WAPE and bias of the multi-horizon LightGBM
forecaster (forecasts/forecaster.py) against seasonal naive, MA28 and the median of the last 8 weekly
totals, the targets (|bias| <= 5%, WAPE >= 25% below seasonal naive and >= 5% below median8), and the
CPU/wall seconds of one fit + forecast of all SKUs per origin. --compare-hgb adds the same forecaster on
sklearn's HGB and the older 7-day model (forecasts/model.py). --legacy prints the older 4-origin tables
(WAPE/MASE on UCI, the simulator world and a warehouse).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# Idle OpenMP threads sleep instead of spinning: on a shared 2-core box spinning costs more than it saves.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from forecasts import backtest  # noqa: E402
from forecasts.features import DemandMatrix  # noqa: E402
from forecasts.model import ModelParams, forecast_7d  # noqa: E402
from forecasts.uci import UCI_PATH, load_daily  # noqa: E402


def report(name: str, m: DemandMatrix, params: ModelParams, origins: int) -> None:
    print(f"\n== {name}: {len(m.skus)} SKUs, {m.n_days} days ({m.start} .. {m.day(m.n_days - 1)})")
    t0, c0 = time.perf_counter(), time.process_time()
    fc, fitted = forecast_7d(m, params)
    full, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"one full train + 7-day forecast of all SKUs: {full:.1f} s wall, {cpu:.1f} s CPU over "
          f"{params.n_threads} threads, load average {os.getloadavg()[0]:.1f} ({fitted.n_rows:,} training rows, "
          f"fit {fitted.seconds:.1f} s; {int((fc['method'] == 'new_sku_rate').sum() / 7)} SKUs on the fallback)")
    res = backtest.run(m, params, origins)
    s = res.summary.set_index("method")
    print(f"rolling-origin backtest, {origins} weekly origins, 7-day totals per SKU "
          f"(seconds = mean train+forecast per origin):")
    print(backtest.format_table(res.summary))
    gain = 1 - s.loc["model", "wape"] / s.loc["seasonal_naive", "wape"]
    print(f"model WAPE vs seasonal naive: {gain:+.1%} lower (target >= 15%); "
          f"80% interval coverage of 7-day totals: {s.loc['model', 'coverage']:.1%}")
    print(res.per_origin.round(3).to_string(index=False))


def issue_harness(m: DemandMatrix, origins: int, threads: int, compare_hgb: bool) -> None:
    from forecasts import accuracy, forecaster
    from forecasts.model import forecast_7d as legacy_forecast

    def engine(name: str):
        p = forecaster.ForecastParams(engine=name, country="GB", horizon=14, n_threads=threads)
        return lambda hist, o: forecaster.forecast(hist, p, o)[0]

    def legacy(hist, o):
        fc, _ = legacy_forecast(hist, ModelParams(country="GB", n_threads=threads), o)
        return fc.pivot(index="sku_id", columns="horizon", values="units").reindex(hist.skus).fillna(0).to_numpy()

    models = {"lightgbm": engine("lightgbm")}
    if compare_hgb:
        models.update({"sklearn_hgb": engine("sklearn"), "legacy_7d_hgb": legacy})
    res = accuracy.evaluate(m, models, n_origins=origins)
    print(f"\n== issue harness: last {origins} weekly origins, {res['n_skus']} SKUs with >= 100 sale days, "
          f"7-day totals (seconds = one fit + forecast of all {len(m.skus)} SKUs, mean per origin; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(accuracy.format_summary(res["summary"]))
    for name in models:
        t = accuracy.targets(res["summary"], name)
        print(f"{name}: bias {t['bias']:+.1%} (target within +-5%), WAPE {t['gain_vs_seasonal_naive']:+.1%} vs "
              f"seasonal naive (target >= 25% lower), {t['gain_vs_median8']:+.1%} vs median8 (target >= 5% lower)")
    per = res["per_origin"]
    print(per[per["method"].isin(list(models))][["origin_date", "method", "wape", "bias", "cpu_seconds"]]
          .round(3).to_string(index=False))


def simulator_daily(seed: int, days: int, now: str) -> pd.DataFrame:
    """Daily paid demand per SKU straight from the simulator's seeded world (no HTTP/ingest), same rules as
    forecast.daily_demand: paid, not cancelled, not refunded as of now; business day in Asia/Shanghai."""
    from simulator.world import World

    w = World(seed=seed, days=days, now=datetime.fromisoformat(now).timestamp())
    o, lines = w.orders, w.lines
    now_ts = w.now()
    refunded = o["rf_ok"].to_numpy() & (o["rf_done"].to_numpy() <= now_ts)
    ok = (o["paid"].to_numpy() <= now_ts) & ~refunded & (o["created"].to_numpy() <= now_ts)
    day = pd.to_datetime(o["created"], unit="s", utc=True).dt.tz_convert("Asia/Shanghai").dt.date
    paid = pd.DataFrame({"order_key": o["key"][ok], "demand_date": day[ok],
                         "promo": o["promo"][ok].astype(str).str.len() > 0})
    df = lines.merge(paid, on="order_key")
    df["sku_id"] = w.catalog["sku_code"].to_numpy()[df["sku"].to_numpy()]
    df["promo_units"] = df["qty"].where(df["promo"], 0)
    out = df.groupby(["sku_id", "demand_date"], as_index=False).agg(units=("qty", "sum"),
                                                                     promo_units=("promo_units", "sum"))
    last = max(out["demand_date"])  # today is still filling: cut it, as the asset does
    return out[out["demand_date"] < last]


def hub_matrix(path: str) -> DemandMatrix | None:
    import duckdb

    if not Path(path).exists():
        return None
    con = duckdb.connect(path, read_only=True)
    try:
        daily = con.execute("select sku_id, demand_date, units, promo_units from forecast.daily_demand").df()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return DemandMatrix.from_frame(daily) if len(daily) else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--origins", type=int, default=4)
    ap.add_argument("--hub", default=None, help="warehouse.duckdb with forecast.daily_demand built")
    ap.add_argument("--sim-days", type=int, default=365, help="days of simulator history (0 = skip)")
    ap.add_argument("--sim-now", default="2026-11-20T12:00:00+00:00", help="simulator virtual now")
    ap.add_argument("--skip-uci", action="store_true")
    ap.add_argument("--threads", type=int, default=2, help="OpenMP threads for the model")
    ap.add_argument("--harness-origins", type=int, default=8)
    ap.add_argument("--compare-hgb", action="store_true", help="also sklearn HGB engines (slow: ~1 min/origin)")
    ap.add_argument("--legacy", action="store_true", help="also the older 4-origin WAPE/MASE tables")
    args = ap.parse_args()
    if args.skip_uci:
        pass
    elif UCI_PATH.exists():
        t0 = time.perf_counter()
        daily = load_daily()
        m = DemandMatrix.from_frame(daily)
        print(f"UCI daily demand built in {time.perf_counter() - t0:.1f} s: {len(daily):,} SKU-days with sales")
        issue_harness(m, args.harness_origins, args.threads, args.compare_hgb)
        if args.legacy:
            report("UCI Online Retail (UK, calendar GB)", m, ModelParams(country="GB", n_threads=args.threads),
                   args.origins)
    else:
        print(f"UCI data not found at {UCI_PATH}: skipped")
    if args.sim_days and args.legacy:
        t0 = time.perf_counter()
        sim = simulator_daily(7, args.sim_days, args.sim_now)
        print(f"\nsimulator world (seed 7, {args.sim_days} days to {args.sim_now}) demand built in "
              f"{time.perf_counter() - t0:.1f} s")
        params = ModelParams(country="CN", n_threads=args.threads)
        report("Simulator-generated demand (calendar CN)", DemandMatrix.from_frame(sim), params, args.origins)
    from orderhub import settings

    hub = args.hub or str(settings.paths().warehouse)
    m = hub_matrix(hub) if args.legacy else None
    if m is None and args.legacy:
        print(f"\nno forecast.daily_demand in {hub}: materialize forecast/daily_demand first, then rerun "
              "(or pass --hub PATH)")
    elif m is not None:
        report(f"OrderHub warehouse {hub} (calendar CN)", m, ModelParams(country="CN", n_threads=args.threads),
               args.origins)


if __name__ == "__main__":
    main()
