"""A peer of the forecaster measured in bench/forecast_uci.py, not used in production: one LightGBM model that
predicts the next 7-day total directly (not the sum of daily forecasts), on a scale-normalized target.

A training row is (SKU, origin t) for every day t of the last year whose week t+1..t+7 has ended; the target is
that week's total / the SKU's level (7 x its 56-day mean + a floor), weighted by the level, so an L1 loss is the
WAPE in units and a quantile loss its pinball analogue. Features (days <= t only): the last 8 weekly totals and
their median, mean, trimmed mean, min and max, the level, sale days in 28/56 days, weeks with a sale, days since
the last sale, 112/364-day means, the trend (last 4 weeks / the 4 before), the largest day, and the shop-wide
level ratios (7/28, 7/56, 28/112, 28/364 days) that carry the season's ramp across SKUs; all ratios to the level.
SKUs with under 28 days of history get 7 x their average daily rate. The daily output spreads the total evenly:
the harness scores 7-day totals only.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from forecasts.features import DemandMatrix
from forecasts.forecaster import lightgbm_regressor

FLOOR = 0.05  # units/day: keeps the ratio finite for SKUs that went quiet
MIN_HISTORY = 28


@dataclass
class WeeklyParams:
    objective: str = "l1"  # lightgbm objective: 'l1', 'quantile' (alpha), 'tweedie', 'l2'
    alpha: float = 0.5
    tweedie_power: float = 1.3
    learning_rate: float = 0.1
    n_estimators: int = 150
    min_child_samples: int = 200
    train_share: float = 0.35
    window_days: int = 364
    seed: int = 7
    n_threads: int = 2


class _History:
    def __init__(self, m: DemandMatrix) -> None:
        self.y = np.nan_to_num(m.Y)
        pad = lambda a: np.concatenate([np.zeros((a.shape[0], 1)), np.cumsum(a, axis=1)], axis=1)  # noqa: E731
        self.c, self.nz = pad(self.y), pad((self.y > 0).astype(float))
        self.shop = np.concatenate([[0.0], np.cumsum(self.y.sum(axis=0))])
        last = np.where(self.y > 0, np.arange(self.y.shape[1])[None, :], -1)
        self.last_sale = np.maximum.accumulate(last, axis=1)
        self.first = m.first_idx

    def total(self, i: np.ndarray, end: np.ndarray, k: int = 7) -> np.ndarray:
        n = self.c.shape[1] - 1
        return self.c[i, np.clip(end + 1, 0, n)] - self.c[i, np.clip(end + 1 - k, 0, n)]

    def design(self, i: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        hist = t - self.first[i] + 1
        lo = np.maximum(t - 55, self.first[i])
        level = 7 * ((self.c[i, t + 1] - self.c[i, np.minimum(lo, t + 1)]) / np.maximum(t + 1 - lo, 1) + FLOOR)
        r = np.stack([self.total(i, t - 7 * k) for k in range(8)], axis=1) / level[:, None]  # newest first
        s = np.sort(r, axis=1)
        shop = lambda k: (self.shop[t + 1] - self.shop[np.maximum(t + 1 - k, 0)]) / np.minimum(t + 1, k)  # noqa: E731
        span = lambda k: np.minimum(np.maximum(hist, 1), k)  # noqa: E731
        days = self.y[i[:, None], np.maximum(t[:, None] - np.arange(28)[None, :], 0)]
        with np.errstate(invalid="ignore", divide="ignore"):
            cols = [
                np.log(level),
                np.minimum(hist, 365),
                *r.T,
                np.median(r, axis=1),
                r.mean(axis=1),
                s[:, 1:-1].mean(axis=1),
                s[:, 0],
                s[:, -1],
                (r > 0).sum(axis=1),
                (self.nz[i, t + 1] - self.nz[i, np.maximum(t - 27, 0)]) / 28,
                (self.nz[i, t + 1] - self.nz[i, np.maximum(t - 55, 0)]) / 56,
                np.where(self.last_sale[i, t] >= 0, t - self.last_sale[i, t], 999),
                7 * self.total(i, t, 112) / span(112) / level,
                7 * self.total(i, t, 364) / span(364) / level,
                (r[:, :4].sum(axis=1) + 0.1) / (r[:, 4:].sum(axis=1) + 0.1),
                7 * days.max(axis=1) / level,
                shop(7) / shop(28),
                shop(7) / shop(56),
                shop(28) / shop(112),
                shop(28) / shop(364),
            ]
        return np.nan_to_num(np.column_stack(cols)).astype(np.float32), level


def _estimator(p: WeeklyParams):
    extra = {"quantile": {"alpha": p.alpha}, "tweedie": {"tweedie_variance_power": p.tweedie_power}}
    return lightgbm_regressor(p, p.objective, extra.get(p.objective, {}))


def forecast(m: DemandMatrix, origin: int, p: WeeklyParams) -> np.ndarray:
    """Daily forecasts (n_sku, 7) for days origin+1..origin+7 (the week's total spread evenly), from days
    <= origin only; trained on the weeks of the last `window_days` that ended by the origin."""
    h = _History(m.truncated(origin))
    rng = np.random.default_rng(p.seed)
    n = len(m.skus)
    ii, tt = np.meshgrid(np.arange(n), np.arange(max(origin - p.window_days, 0), origin - 6), indexing="ij")
    ii, tt = ii.ravel(), tt.ravel()
    keep = (tt - h.first[ii] + 1 >= MIN_HISTORY) & (rng.random(ii.size) < p.train_share)
    ii, tt = ii[keep], tt[keep]
    out = np.zeros(n)
    hist = origin - h.first + 1
    live = np.flatnonzero(hist >= MIN_HISTORY) if ii.size else np.array([], int)
    if live.size:
        X, level = h.design(ii, tt)
        est = _estimator(p)
        with warnings.catch_warnings(), threadpool_limits(p.n_threads, user_api="openmp"):
            warnings.simplefilter("ignore")
            est.fit(X, h.total(ii, tt + 7) / level, sample_weight=level)
            Xp, level_p = h.design(live, np.full(live.size, origin))
            out[live] = np.maximum(est.predict(Xp), 0) * level_p
    new = hist > 0
    new[live] = False
    out[new] = 7 * h.c[new, origin + 1] / hist[new]
    return np.repeat(out[:, None] / 7, 7, axis=1)
