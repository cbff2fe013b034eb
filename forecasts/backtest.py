"""Rolling-origin backtest on 7-day totals per SKU: the forecaster against three baselines.

For each origin o (weekly, the last one 7 days before the end) the forecaster is refitted on days <= o
(every `refit_every` origins; in between the last model, trained on earlier days, is reused), forecasts every
SKU launched by o over its whole horizon and is calibrated on its own forecasts of the weeks before o, as in
production (forecasts.calibration). Scored (the last `n_origins` origins) on 7-day totals:
- model: forecasts.forecaster through forecasts.outlook (new SKUs on the fallback rate, as in production);
- seasonal_naive: same weekday last week, i.e. the 7-day total = the last 7 days' total;
- ma28: 7 x the mean daily demand of the last 28 days;
- median8: the median of the last 8 weekly totals.
Metrics, pooled over SKUs and origins:
- WAPE = sum |actual - forecast| / sum actual; bias = sum forecast / sum actual - 1 (negative = under-sells);
- MASE = mean over (SKU, origin) of |actual - forecast| / scale, where scale is the SKU's in-sample
  mean |S7(t) - S7(t-7)| (S7 = rolling 7-day total, up to 364 days before o) i.e. the error of the
  seasonal naive on 7-day totals in the past. SKUs with scale 0 (never varied) are left out of MASE.
`extra_origins` earlier origins are forecast too (not scored here): their daily rows, like every origin's,
are returned for forecast.daily_forecasts, where the safety stock finds the forecast's errors over each
SKU's lead time + review period.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasts import calibration, forecaster, outlook
from forecasts.features import HORIZON, DemandMatrix

METHODS = ("model", "seasonal_naive", "ma28", "median8")


class NotEnoughHistory(ValueError):
    pass


def _cum(m: DemandMatrix) -> np.ndarray:
    return np.concatenate([np.zeros((len(m.skus), 1)), np.cumsum(np.nan_to_num(m.Y), axis=1)], axis=1)


def median_weeks(m: DemandMatrix, origin: int, weeks: int = 8) -> np.ndarray:
    """Median of the last `weeks` weekly totals ending at the origin (weeks before launch count as 0)."""
    c = _cum(m)
    ends = origin + 1 - 7 * np.arange(weeks)
    return np.median(c[:, ends] - c[:, np.maximum(ends - 7, 0)], axis=1)


def baseline_totals(m: DemandMatrix, origin: int) -> dict[str, np.ndarray]:
    c = _cum(m)
    first = m.first_idx
    last7 = c[:, origin + 1] - c[:, max(origin - 6, 0)]
    lo28 = np.maximum(origin - 27, first)
    n28 = np.maximum(origin + 1 - lo28, 1)
    rows = np.arange(len(m.skus))
    ma28 = 7 * (c[:, origin + 1] - c[rows, np.minimum(lo28, origin + 1)]) / n28
    return {"seasonal_naive": last7, "ma28": ma28, "median8": median_weeks(m, origin)}


def mase_scale(m: DemandMatrix, origin: int, lookback: int = 364) -> np.ndarray:
    c = _cum(m)
    t = np.arange(max(origin - lookback, 13), origin + 1)
    if t.size == 0:
        return np.zeros(len(m.skus))
    s7 = c[:, t + 1] - c[:, t - 6]
    prev = c[:, t - 6] - c[:, t - 13]
    valid = (t - 13)[None, :] >= m.first_idx[:, None]
    err = np.where(valid, np.abs(s7 - prev), np.nan)
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(np.nanmean(np.where(valid.any(1, keepdims=True), err, 0.0), axis=1))


@dataclass
class BacktestResult:
    per_origin: pd.DataFrame  # origin_date, method, wape, mase, bias, actual/forecast units, abs_error, n_skus
    summary: pd.DataFrame  # method, wape, mase, bias, seconds, cpu_seconds (means per origin), coverage (model)
    detail: pd.DataFrame  # origin_date, sku_id, actual, and one column per method
    daily: pd.DataFrame  # forecast.daily_forecasts rows (source 'backtest') of every origin forecast


def origins_for(m: DemandMatrix, n_origins: int) -> list[int]:
    last = m.n_days - 1 - HORIZON
    return [last - 7 * k for k in range(n_origins - 1, -1, -1) if last - 7 * k > 28]


def _score(m: DemandMatrix, o: int, model: np.ndarray, inside: np.ndarray, secs: tuple[float, float]) -> list[dict]:
    hist = m.truncated(o)
    live = hist.first_idx <= o
    actual = np.nan_to_num(m.Y[:, o + 1 : o + 1 + HORIZON]).sum(axis=1)
    preds = {"model": model, **baseline_totals(hist, o)}
    scale = mase_scale(hist, o)
    rows = []
    for name, f in preds.items():
        err, sc = np.abs(actual - f)[live], scale[live]
        rows.append(
            {
                "origin_date": m.day(o),
                "method": name,
                "abs_error": err.sum(),
                "actual_units": actual[live].sum(),
                "forecast_units": f[live].sum(),
                "mase_sum": (err[sc > 0] / sc[sc > 0]).sum(),
                "mase_n": int((sc > 0).sum()),
                "n_skus": int(live.sum()),
                "seconds": secs[0] if name == "model" else 0.0,
                "cpu_seconds": secs[1] if name == "model" else 0.0,
                "covered": int(inside[live].sum()) if name == "model" else 0,
                "_detail": (m.skus[live], actual[live], {k: v[live] for k, v in preds.items()}),
            }
        )
    return rows


def run(
    m: DemandMatrix,
    p: forecaster.ForecastParams,
    n_origins: int = 4,
    extra_origins: int = 0,
    refit_every: int = 1,
    interval: float = 0.8,
    calibrate: bool = True,
    calibration_weeks: int = 8,
) -> BacktestResult:
    all_origins = origins_for(m, n_origins + extra_origins)
    scored = set(all_origins[-n_origins:]) if n_origins else set()
    rows, daily, fitted, calibrator = [], [], None, calibration.Calibrator(calibration_weeks, calibrate)
    for k, o in enumerate(all_origins):
        hist = m.truncated(o)
        t0, c0 = time.perf_counter(), time.process_time()
        if fitted is None or k % max(refit_every, 1) == 0:
            fitted = forecaster.fit(hist, o, p)
        fc, fallback = forecaster.predict(fitted, hist, o)
        fc = calibrator(hist.Y, o, fc)
        out = outlook.Outlook(o, fc, fallback, hist.first_idx <= o, fitted, calibrator.factors[o])
        daily.append(outlook.daily_rows(out, hist, "backtest"))
        if o not in scored:
            continue
        wk = outlook.week(out, hist, interval).groupby("sku_id", sort=False).first()
        secs = (time.perf_counter() - t0, time.process_time() - c0)
        actual = np.nan_to_num(m.Y[:, o + 1 : o + 1 + HORIZON]).sum(axis=1)
        low = wk["total_7d_lower"].reindex(m.skus).fillna(0).to_numpy()
        high = wk["total_7d_upper"].reindex(m.skus).fillna(0).to_numpy()
        rows += _score(m, o, fc[:, :HORIZON].sum(axis=1), (actual >= low) & (actual <= high), secs)
    per = pd.DataFrame(rows)
    if per.empty:
        raise NotEnoughHistory("not enough history for a backtest: need more than 28 + 7 days")
    details = [
        pd.DataFrame({"origin_date": r["origin_date"], "sku_id": r["_detail"][0], "actual": r["_detail"][1]}).assign(
            **r["_detail"][2]
        )
        for r in rows
        if r["method"] == "model"
    ]
    per["wape"] = per["abs_error"] / per["actual_units"].clip(lower=1e-9)
    per["bias"] = per["forecast_units"] / per["actual_units"].clip(lower=1e-9) - 1
    per["mase"] = per["mase_sum"] / per["mase_n"].clip(lower=1)
    g = per.groupby("method", sort=False)
    actual = g["actual_units"].sum().clip(lower=1e-9)
    summary = (
        pd.DataFrame(
            {
                "wape": g["abs_error"].sum() / actual,
                "mase": g["mase_sum"].sum() / g["mase_n"].sum().clip(lower=1),
                "bias": g["forecast_units"].sum() / actual - 1,
                "seconds": g["seconds"].mean(),
                "cpu_seconds": g["cpu_seconds"].mean(),
                "coverage": g["covered"].sum() / g["n_skus"].sum(),
            }
        )
        .reindex(list(METHODS))
        .reset_index()
    )
    summary.loc[summary["method"] != "model", "coverage"] = np.nan
    cols = ["origin_date", "method", "wape", "mase", "bias", "actual_units", "forecast_units", "abs_error"]
    cols += ["n_skus", "seconds"]
    return BacktestResult(per[cols], summary, pd.concat(details, ignore_index=True), pd.concat(daily))


def format_table(summary: pd.DataFrame) -> str:
    lines = ["| method | WAPE | MASE | bias | seconds (wall) | CPU seconds |", "|---|---|---|---|---|---|"]
    for r in summary.itertuples():
        lines.append(
            f"| {r.method} | {r.wape:.3f} | {r.mase:.3f} | {r.bias:+.1%} | {r.seconds:.2f} | {r.cpu_seconds:.2f} |"
        )
    return "\n".join(lines)
