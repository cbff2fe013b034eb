"""One gradient-boosted model across all SKUs, the new-SKU fallback, and residual-quantile bounds.

New-SKU fallback (fewer than `min_history_days` days since the first sale at the origin): a flat daily
rate = units since first sale / days since first sale, bounds from the Poisson quantiles of that rate.
Bounds for modelled SKUs: the log-ratio log((actual+1)/(forecast+1)) of 7-day totals (and of single days)
is collected at the four weekly origins before the forecast origin, scored with the fitted model, per
volume tercile; its quantiles widen the point forecast. These residuals are partly in-sample, so the
backtest reports the empirical coverage of the interval on truly unseen weeks.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from scipy.stats import poisson
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from forecasts.features import FEATURE_COLUMNS, HORIZON, DemandMatrix, build_features, calendar_for, training_rows

LOSSES = ("poisson", "absolute_error", "squared_error")


@dataclass
class ModelParams:
    loss: str = "poisson"  # one of LOSSES; sklearn's HGB has no Tweedie loss
    learning_rate: float = 0.06
    max_iter: int = 250
    max_leaf_nodes: int = 31
    min_samples_leaf: int = 100
    l2_regularization: float = 1.0
    min_history_days: int = 28
    train_window_days: int = 364
    interval: float = 0.8  # central coverage of [lower, upper]
    country: str = "CN"
    planned_promo_dates: list[date] = field(default_factory=list)
    seed: int = 7
    n_threads: int = 1  # OpenMP threads; oversubscribing a busy machine makes HGB many times slower
    target_clip: float = 10.0  # >0: cap demand/level in training rows (one-off bulk orders); 0 = off


def _estimator(p: ModelParams) -> HistGradientBoostingRegressor:
    if p.loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {p.loss!r}")
    return HistGradientBoostingRegressor(
        loss=p.loss,
        learning_rate=p.learning_rate,
        max_iter=p.max_iter,
        max_leaf_nodes=p.max_leaf_nodes,
        min_samples_leaf=p.min_samples_leaf,
        l2_regularization=p.l2_regularization,
        categorical_features=None,
        early_stopping=False,
        random_state=p.seed,
    )


@dataclass
class Fitted:
    model: HistGradientBoostingRegressor | None  # None: no SKU had enough history to train on
    cal: pd.DataFrame
    params: ModelParams
    n_rows: int
    seconds: float


def fit(m: DemandMatrix, cutoff: int, p: ModelParams, cal: pd.DataFrame | None = None) -> Fitted:
    """Train on targets up to day index `cutoff` (inclusive) only."""
    t0 = time.perf_counter()
    cal = cal if cal is not None else calendar_for(m, p.country, p.planned_promo_dates)
    i, o, h, y = training_rows(m, cutoff, p.min_history_days, p.train_window_days, p.seed)
    X = build_features(m, cal, i, o, h)
    scale = X.pop("scale").to_numpy()
    if len(y) == 0:
        return Fitted(None, cal, p, 0, time.perf_counter() - t0)
    est = _estimator(p)
    with warnings.catch_warnings(), threadpool_limits(p.n_threads, user_api="openmp"):
        warnings.simplefilter("ignore")
        ratio = y / scale
        if p.target_clip > 0:
            ratio = np.minimum(ratio, p.target_clip)
        est.fit(X[FEATURE_COLUMNS], ratio, sample_weight=scale)
    return Fitted(est, cal, p, len(y), time.perf_counter() - t0)


def predict_days(f: Fitted, m: DemandMatrix, origin: int) -> tuple[np.ndarray, np.ndarray]:
    """Daily point forecasts (n_sku, 7) for days origin+1..origin+7 and a mask of SKUs on the fallback."""
    n = len(m.skus)
    first = m.first_idx
    history = origin - first + 1
    modelled = (history >= f.params.min_history_days) & (f.model is not None)
    out = np.zeros((n, HORIZON))
    idx = np.flatnonzero(modelled)
    if idx.size:
        ii = np.repeat(idx, HORIZON)
        hh = np.tile(np.arange(1, HORIZON + 1), idx.size)
        X = build_features(m, f.cal, ii, np.full(ii.size, origin), hh)
        scale = X.pop("scale").to_numpy()
        with warnings.catch_warnings(), threadpool_limits(f.params.n_threads, user_api="openmp"):
            warnings.simplefilter("ignore")
            out[idx] = (f.model.predict(X[FEATURE_COLUMNS]) * scale).reshape(idx.size, HORIZON)
    new = ~modelled & (history > 0)
    if new.any():
        seen = np.nan_to_num(m.Y[new, : origin + 1]).sum(axis=1)
        out[new] = (seen / history[new])[:, None]
    return out, ~modelled


def _terciles(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    return np.searchsorted(edges, values, side="right")


def residual_quantiles(f: Fitted, m: DemandMatrix, origin: int, weeks: int = 4) -> dict:
    """Quantiles of log((a+1)/(f+1)) for 7-day totals and single days, per volume tercile."""
    alpha = (1 - f.params.interval) / 2
    rows_t, rows_d = [], []
    for w in range(1, weeks + 1 if f.model is not None else 1):
        o = origin - 7 * w
        if o < 0:
            break
        fc, fallback = predict_days(f, m, o)
        act = np.nan_to_num(m.Y[:, o + 1 : o + 1 + HORIZON])
        ok = ~fallback
        rows_t.append(np.c_[fc[ok].sum(1), act[ok].sum(1)])
        rows_d.append(np.c_[fc[ok].ravel(), act[ok].ravel()])
    out = {}
    for key, rows in (("total", rows_t), ("day", rows_d)):
        r = np.vstack(rows) if rows else np.zeros((0, 2))
        edges = np.quantile(r[:, 0], [1 / 3, 2 / 3]) if len(r) else np.array([np.inf, np.inf])
        lr = np.log((r[:, 1] + 1) / (r[:, 0] + 1))
        b = _terciles(r[:, 0], edges)
        qs = [
            np.quantile(lr[b == k], [alpha, 1 - alpha]) if (b == k).sum() >= 20 else np.array([-1.0, 1.0])
            for k in range(3)
        ]
        out[key] = (edges, np.array(qs))
    return out


def _bounds(point: np.ndarray, spec) -> tuple[np.ndarray, np.ndarray]:
    edges, qs = spec
    q = qs[_terciles(point, edges)]
    lo = np.maximum((point + 1) * np.exp(q[..., 0]) - 1, 0)
    hi = np.maximum((point + 1) * np.exp(q[..., 1]) - 1, point)
    return np.minimum(lo, point), hi


def forecast_7d(m: DemandMatrix, p: ModelParams, origin: int | None = None) -> tuple[pd.DataFrame, Fitted]:
    """Per SKU and target day: units, lower, upper (+ 7-day totals), trained on data <= origin."""
    origin = m.n_days - 1 if origin is None else origin
    f = fit(m, origin, p)
    point, fallback = predict_days(f, m, origin)
    rq = residual_quantiles(f, m, origin)
    d_lo, d_hi = _bounds(point, rq["day"])
    tot = point.sum(axis=1)
    t_lo, t_hi = _bounds(tot, rq["total"])
    alpha = (1 - p.interval) / 2
    fb = fallback
    d_lo[fb] = poisson.ppf(alpha, point[fb])
    d_hi[fb] = poisson.ppf(1 - alpha, point[fb])
    t_lo[fb] = poisson.ppf(alpha, tot[fb])
    t_hi[fb] = poisson.ppf(1 - alpha, tot[fb])
    n = len(m.skus)
    frame = pd.DataFrame(
        {
            "sku_id": np.repeat(m.skus, HORIZON),
            "target_date": [m.day(origin + h) for _ in range(n) for h in range(1, HORIZON + 1)],
            "horizon": np.tile(np.arange(1, HORIZON + 1), n),
            "units": point.ravel(),
            "units_lower": d_lo.ravel(),
            "units_upper": d_hi.ravel(),
            "total_7d": np.repeat(tot, HORIZON),
            "total_7d_lower": np.repeat(t_lo, HORIZON),
            "total_7d_upper": np.repeat(t_hi, HORIZON),
            "method": np.repeat(np.where(fallback, "new_sku_rate", "model"), HORIZON),
        }
    )
    frame = frame[np.repeat(m.first_idx <= origin, HORIZON)]  # SKUs not yet launched at the origin
    return frame.reset_index(drop=True), f
