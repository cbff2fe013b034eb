"""Rolling-origin backtest on 7-day totals per SKU: the model against two baselines.

For each origin o (the last `n_origins` weeks, one week apart, the last one 7 days before the end):
everything is refitted on days <= o and the total of days o+1..o+7 is forecast for every SKU launched
by o. Methods:
- model: forecasts.model (new SKUs on the fallback rate, as in production);
- seasonal_naive: same weekday last week, i.e. the 7-day total = the last 7 days' total;
- ma28: 7 x the mean daily demand of the last 28 days.
Metrics, pooled over SKUs and origins:
- WAPE = sum |actual - forecast| / sum actual;
- MASE = mean over (SKU, origin) of |actual - forecast| / scale, where scale is the SKU's in-sample
  mean |S7(t) - S7(t-7)| (S7 = rolling 7-day total, up to 364 days before o) i.e. the error of the
  seasonal naive on 7-day totals in the past. SKUs with scale 0 (never varied) are left out of MASE.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasts.features import HORIZON, DemandMatrix
from forecasts.model import ModelParams, forecast_7d

METHODS = ("model", "seasonal_naive", "ma28")


class NotEnoughHistory(ValueError):
    pass


def _cum(m: DemandMatrix) -> np.ndarray:
    return np.concatenate([np.zeros((len(m.skus), 1)), np.cumsum(np.nan_to_num(m.Y), axis=1)], axis=1)


def baseline_totals(m: DemandMatrix, origin: int) -> dict[str, np.ndarray]:
    c = _cum(m)
    first = m.first_idx
    last7 = c[:, origin + 1] - c[:, max(origin - 6, 0)]
    lo28 = np.maximum(origin - 27, first)
    n28 = np.maximum(origin + 1 - lo28, 1)
    rows = np.arange(len(m.skus))
    ma28 = 7 * (c[:, origin + 1] - c[rows, np.minimum(lo28, origin + 1)]) / n28
    return {"seasonal_naive": last7, "ma28": ma28}


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
    per_origin: pd.DataFrame  # origin_date, method, wape, mase, actual_units, abs_error, n_skus, seconds
    summary: pd.DataFrame  # method, wape, mase, seconds, cpu_seconds (means per origin), coverage (model)
    detail: pd.DataFrame  # origin_date, sku_id, actual, and one column per method


def origins_for(m: DemandMatrix, n_origins: int) -> list[int]:
    last = m.n_days - 1 - HORIZON
    return [last - 7 * k for k in range(n_origins - 1, -1, -1) if last - 7 * k > 28]


def run(m: DemandMatrix, p: ModelParams, n_origins: int = 4) -> BacktestResult:
    rows, details = [], []
    for o in origins_for(m, n_origins):
        hist = m.truncated(o)
        live = hist.first_idx <= o
        actual = np.nan_to_num(m.Y[:, o + 1 : o + 1 + HORIZON]).sum(axis=1)
        t0, c0 = time.perf_counter(), time.process_time()
        fc, _ = forecast_7d(hist, p, o)
        model_secs, model_cpu = time.perf_counter() - t0, time.process_time() - c0
        tot = fc.groupby("sku_id", sort=False).first()
        model = tot["total_7d"].reindex(m.skus).fillna(0).to_numpy()
        inside = (actual >= tot["total_7d_lower"].reindex(m.skus).fillna(0).to_numpy()) & (
            actual <= tot["total_7d_upper"].reindex(m.skus).fillna(0).to_numpy()
        )
        t0 = time.perf_counter()
        preds = {"model": model, **baseline_totals(hist, o)}
        base_secs = (time.perf_counter() - t0) / 2
        scale = mase_scale(hist, o)
        for name, f in preds.items():
            err = np.abs(actual - f)[live]
            sc = scale[live]
            rows.append(
                {
                    "origin_date": m.day(o),
                    "method": name,
                    "wape": err.sum() / max(actual[live].sum(), 1e-9),
                    "abs_error": err.sum(),
                    "actual_units": actual[live].sum(),
                    "mase_sum": (err[sc > 0] / sc[sc > 0]).sum(),
                    "mase_n": int((sc > 0).sum()),
                    "n_skus": int(live.sum()),
                    "seconds": model_secs if name == "model" else base_secs,
                    "cpu_seconds": model_cpu if name == "model" else base_secs,
                    "covered": int(inside[live].sum()) if name == "model" else 0,
                }
            )
        details.append(
            pd.DataFrame(
                {
                    "origin_date": m.day(o),
                    "sku_id": m.skus[live],
                    "actual": actual[live],
                    **{k: v[live] for k, v in preds.items()},
                }
            )
        )
    per = pd.DataFrame(rows)
    if per.empty:
        raise NotEnoughHistory("not enough history for a backtest: need more than 28 + 7 days")
    per["mase"] = per["mase_sum"] / per["mase_n"].clip(lower=1)
    g = per.groupby("method", sort=False)
    summary = (
        pd.DataFrame(
            {
                "wape": g["abs_error"].sum() / g["actual_units"].sum().clip(lower=1e-9),
                "mase": g["mase_sum"].sum() / g["mase_n"].sum().clip(lower=1),
                "seconds": g["seconds"].mean(),
                "cpu_seconds": g["cpu_seconds"].mean(),
                "coverage": g["covered"].sum() / g["n_skus"].sum(),
            }
        )
        .reindex(list(METHODS))
        .reset_index()
    )
    summary.loc[summary["method"] != "model", "coverage"] = np.nan
    cols = ["origin_date", "method", "wape", "mase", "actual_units", "abs_error", "n_skus", "seconds"]
    return BacktestResult(per[cols], summary, pd.concat(details, ignore_index=True))


def format_table(summary: pd.DataFrame) -> str:
    lines = ["| method | WAPE | MASE | seconds (wall) | CPU seconds |", "|---|---|---|---|---|"]
    for r in summary.itertuples():
        lines.append(f"| {r.method} | {r.wape:.3f} | {r.mase:.3f} | {r.seconds:.2f} | {r.cpu_seconds:.2f} |")
    return "\n".join(lines)
