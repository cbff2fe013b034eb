"""Forecast bench: rolling-origin backtest on real UCI Online Retail demand (and the hub, if present).

Run: `.venv/bin/python bench/forecast_uci.py [--origins 4] [--hub PATH]`. Prints WAPE/MASE on 7-day totals
for the model, seasonal naive and 28-day moving average, plus the wall time of one full training +
forecast of all SKUs. Target: model WAPE >= 15% below seasonal naive, train+forecast < 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forecasts import backtest  # noqa: E402
from forecasts.features import DemandMatrix  # noqa: E402
from forecasts.model import ModelParams, forecast_7d  # noqa: E402
from forecasts.uci import UCI_PATH, load_daily  # noqa: E402


def report(name: str, m: DemandMatrix, params: ModelParams, origins: int) -> None:
    print(f"\n== {name}: {len(m.skus)} SKUs, {m.n_days} days ({m.start} .. {m.day(m.n_days - 1)})")
    t0 = time.perf_counter()
    fc, fitted = forecast_7d(m, params)
    full = time.perf_counter() - t0
    print(f"one full train + 7-day forecast of all SKUs: {full:.1f} s ({fitted.n_rows:,} training rows, "
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
    args = ap.parse_args()
    if UCI_PATH.exists():
        t0 = time.perf_counter()
        daily = load_daily()
        m = DemandMatrix.from_frame(daily)
        print(f"UCI daily demand built in {time.perf_counter() - t0:.1f} s: {len(daily):,} SKU-days with sales")
        report("UCI Online Retail (UK, calendar GB)", m, ModelParams(country="GB"), args.origins)
    else:
        print(f"UCI data not found at {UCI_PATH}: skipped")
    from orderhub import settings

    hub = args.hub or str(settings.paths().warehouse)
    m = hub_matrix(hub)
    if m is None:
        print(f"\nno forecast.daily_demand in {hub}: materialize forecast/daily_demand first, then rerun "
              "(or pass --hub PATH)")
    else:
        report(f"OrderHub warehouse {hub} (calendar CN)", m, ModelParams(country="CN"), args.origins)


if __name__ == "__main__":
    main()
