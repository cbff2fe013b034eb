"""Safety stock from the forecast's own errors over the cover period (lead time + review).

Pairs (forecast F, actual A) of demand totals over each SKU's cover come from past forecast origins whose
cover has ended (the backtest's re-forecasts, the daily run's own forecasts, or the closed loop's earlier
reviews): nothing the forecast could not have known. Each error is standardized by the SKU's dispersion,
    e = (A - F) / d,   d = sd of the SKU's demand totals over every cover-long window of its last year + 1,
and the empirical quantile of e at the service level, pooled over SKUs and origins, replaces the normal z:
    safety stock = max(q, 0) x d.
Why this scale (measured on UCI in the closed loop, forecasts/README.md): a year of cover-long windows sees a
SKU's bulk orders and seasons, so d is stable from week to week; the 56-day sd of daily demand used before
jumped after every bulk order and, standardized by it, the error quantiles were 2-9 x the normal z.
Lead-time variability adds, in quadrature, z x daily rate x sd(lead time in days) (the demand of the days a
late delivery adds). Until `min_pairs` pairs exist the normal quantile z is used with the same d.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from forecasts.policy import cover_demand

WINDOW_DAYS = 364
MIN_PAIRS = 50
MIN_WINDOWS = 28  # cover-long windows a SKU's history needs before its dispersion can standardize an error


def z_of(service_level: np.ndarray | float) -> np.ndarray:
    sl = np.asarray(service_level, dtype=float)
    if not ((sl >= 0.5) & (sl <= 0.9999)).all():
        raise ValueError("service levels must be between 0.5 and 0.9999")
    return np.vectorize(NormalDist().inv_cdf)(sl)


def daily_cv(history: np.ndarray, days: int = 56) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, sd, cv) of each SKU's daily demand over its last `days` days (NaN = not launched: skipped)."""
    window = history[:, -days:]
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a SKU not launched yet: all NaN, mean 0
        mean = np.nan_to_num(np.nanmean(window, axis=1))
        sd = np.nan_to_num(np.nanstd(window, axis=1))
        return mean, sd, np.where(mean > 0, sd / np.maximum(mean, 1e-9), 0.0)


def cover_dispersion(history: np.ndarray, cover: np.ndarray, days: int = WINDOW_DAYS) -> np.ndarray:
    """sd of each SKU's demand totals over every `cover`-day window ending in its last `days` days, + 1 unit
    (days before launch count as no demand; one vectorized pass per distinct cover length)."""
    n, t1 = history.shape
    cover = np.broadcast_to(np.asarray(cover, float), (n,)).astype(int)
    cum = np.concatenate([np.zeros((n, 1)), np.cumsum(np.nan_to_num(history[:, -days - cover.max() :]), axis=1)], 1)
    out = np.zeros(n)
    for c in np.unique(cover):
        sel = cover == c
        ends = np.arange(max(cum.shape[1] - days, c), cum.shape[1])
        out[sel] = (cum[sel][:, ends] - cum[sel][:, ends - c]).std(axis=1) if len(ends) else 0.0
    return out + 1.0


@dataclass
class Estimate:
    """Safety stock per SKU and how it was found."""

    safety_stock: np.ndarray
    method: np.ndarray  # 'forecast_errors' | 'normal' (too few pairs yet)
    quantile: np.ndarray  # standardized error at the SKU's service level (z for 'normal')
    dispersion: np.ndarray  # d, the unit the quantile is counted in
    pairs: int  # (forecast, actual) pairs behind the quantile


def pairs_from_book(history: np.ndarray, book: dict[int, np.ndarray], cover: np.ndarray, t: int, n_reviews: int):
    """Standardized errors (A - F) / d over each SKU's cover, from past forecasts whose cover ended by day t.

    `history`: demand (n_sku, >= t + 1 days, NaN = not launched); `book`: origin day index -> daily forecasts
    (n_sku, horizon) made from data up to that day. The latest `n_reviews` origins with any finished cover
    are used: only what was known on day t."""
    n = history.shape[0]
    c = np.broadcast_to(np.asarray(cover, float), (n,)).astype(int)
    cum = np.concatenate([np.zeros((n, 1)), np.cumsum(np.nan_to_num(history[:, : t + 1]), axis=1)], axis=1)
    first = np.argmax(np.isfinite(history), axis=1)
    out, used = [], 0
    for r in sorted(o for o in book if o < t)[::-1]:  # newest first; stops after n_reviews usable origins
        # launched by r, and with enough history at r for a dispersion: with fewer windows d is ~1 unit and the
        # error, then counted in units, would make the pooled quantile explode (a short-history shop's first weeks)
        seasoned = r - first + 1 >= c + MIN_WINDOWS
        done = (r + c <= t) & np.isfinite(book[r][:, 0]) & np.isfinite(history[:, r]) & seasoned
        if not done.any():
            continue
        fc = cover_demand(np.nan_to_num(book[r][done]), c[done])
        act = cum[done, r + 1 + c[done]] - cum[done, r + 1]
        out.append((act - fc) / cover_dispersion(history[done, : r + 1], c[done]))
        used += 1
        if used == n_reviews:
            break
    return np.concatenate(out) if out else np.zeros(0)


def estimate(
    history: np.ndarray,
    daily: np.ndarray,
    book: dict[int, np.ndarray],
    cover: np.ndarray,
    service_level: np.ndarray | float,
    lead_sd_days: np.ndarray | float = 0.0,
    n_reviews: int = 8,
) -> Estimate:
    """The safety stock OrderHub plans with on day t = the last column of `history` (the closed loop and the
    forecast.safety_stock asset both call this). `daily`: today's forecast (n_sku, horizon)."""
    t = history.shape[1] - 1
    n = history.shape[0]
    cover = np.broadcast_to(np.asarray(cover, float), (n,))
    level = np.broadcast_to(np.asarray(service_level, float), (n,))
    z = z_of(level)
    d = cover_dispersion(history, cover)
    errors = pairs_from_book(history, book, cover, t, n_reviews)
    enough = len(errors) >= MIN_PAIRS
    q = z.copy()
    if enough:
        for lv in np.unique(level):  # one quantile per category service level, not per SKU
            q[level == lv] = np.quantile(errors, lv)
    rate = cover_demand(daily, cover) / np.maximum(cover, 1)
    lead_part = np.maximum(z, 0) * rate * np.asarray(lead_sd_days, float)
    ss = np.sqrt((np.maximum(q, 0) * d) ** 2 + lead_part**2)
    return Estimate(ss, np.full(n, "forecast_errors" if enough else "normal"), q, d, len(errors))
