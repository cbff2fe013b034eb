"""Safety stock from the forecast's own errors over the cover period (lead time + review).

Pairs (forecast F, actual A) of demand totals over each SKU's cover come from past forecast origins whose
cover has ended (the backtest's re-forecasts, the daily run's own forecasts, or the closed loop's earlier
reviews): nothing the forecast could not have known. Each error is standardized by the SKU's dispersion,
    e = (A - F) / d,   d = sd of the SKU's demand totals over every cover-long window of its last year + 1,
and safety stock = q x d, one factor q pooled over SKUs and origins, from one of two service measures:
- fill_rate (default): the share of demanded units served from stock. q is the smallest factor with which
  the order-up-to level S = F + q x d would have served the target share of the units the past pairs
  demanded in their review period (the periodic-review shortage (A_cover - S)+ - (A_lead - S)+, summed over
  pairs, so fast sellers weigh by their units as in the shop's fill rate). A business target in the
  units it is measured in, met without tuning on the period it is judged on (forecasts/README.md, Measured).
- cycle: q = the empirical quantile of e at the service level (share of cycles without a stock-out).
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
MEASURES = ("fill_rate", "cycle")
Q_MAX = 50.0  # largest safety factor a fill-rate target may ask for (in units of d)


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


@dataclass
class Pairs:
    """Past (forecast, actual) totals per SKU and origin whose cover has ended: over the cover and over its lead
    time (the part of the cover before the next order could arrive), and the dispersion d at the origin."""

    f_cover: np.ndarray
    f_lead: np.ndarray
    a_cover: np.ndarray
    a_lead: np.ndarray
    d: np.ndarray

    @property
    def e(self) -> np.ndarray:
        return (self.a_cover - self.f_cover) / self.d

    def __len__(self) -> int:
        return len(self.d)

    def filled(self, q: float) -> float:
        """Share of the review periods' units the order-up-to level F + q x d would have served."""
        s = self.f_cover + q * self.d
        short = np.maximum(self.a_cover - s, 0) - np.maximum(self.a_lead - s, 0)
        return 1 - short.sum() / max(float((self.a_cover - self.a_lead).sum()), 1e-9)

    def fill_factor(self, target: float) -> float:
        """Smallest q >= 0 (bisection; filled() grows with q) whose fill reaches `target`, at most Q_MAX."""
        lo, hi = 0.0, Q_MAX
        if self.filled(lo) >= target or self.filled(hi) < target:
            return lo if self.filled(lo) >= target else hi
        for _ in range(40):
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if self.filled(mid) >= target else (mid, hi)
        return hi


def pairs_from_book(
    history: np.ndarray,
    book: dict[int, np.ndarray],
    cover: np.ndarray,
    t: int,
    n_reviews: int,
    lead: np.ndarray | float = 0.0,
) -> Pairs:
    """(forecast, actual) pairs over each SKU's cover (and its first `lead` days), from past forecasts whose cover
    ended by day t.

    `history`: demand (n_sku, >= t + 1 days, NaN = not launched); `book`: origin day index -> daily forecasts
    (n_sku, horizon) made from data up to that day. The latest `n_reviews` origins with any finished cover
    are used: only what was known on day t."""
    n = history.shape[0]
    c = np.broadcast_to(np.asarray(cover, float), (n,)).astype(int)
    lt = np.minimum(np.broadcast_to(np.asarray(lead, float), (n,)).astype(int), c)
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
        daily = np.nan_to_num(book[r][done])
        out.append(
            (
                cover_demand(daily, c[done]),
                cover_demand(daily, lt[done]),
                cum[done, r + 1 + c[done]] - cum[done, r + 1],
                cum[done, r + 1 + lt[done]] - cum[done, r + 1],
                cover_dispersion(history[done, : r + 1], c[done]),
            )
        )
        used += 1
        if used == n_reviews:
            break
    return Pairs(*(np.concatenate(col) for col in zip(*out, strict=True))) if out else Pairs(*[np.zeros(0)] * 5)


def estimate(
    history: np.ndarray,
    daily: np.ndarray,
    book: dict[int, np.ndarray],
    cover: np.ndarray,
    service_level: np.ndarray | float,
    lead_sd_days: np.ndarray | float = 0.0,
    n_reviews: int = 26,
    lead: np.ndarray | float = 0.0,
    measure: str = "fill_rate",
) -> Estimate:
    """The safety stock OrderHub plans with on day t = the last column of `history` (the closed loop and the
    forecast.safety_stock asset both call this). `daily`: today's forecast (n_sku, horizon); `service_level`:
    a fill-rate target or a cycle service level (`measure`), per SKU or one; `lead`: the part of the cover
    before an order placed today arrives (days)."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    t = history.shape[1] - 1
    n = history.shape[0]
    cover = np.broadcast_to(np.asarray(cover, float), (n,))
    level = np.broadcast_to(np.asarray(service_level, float), (n,))
    z = z_of(level)
    d = cover_dispersion(history, cover)
    pairs = pairs_from_book(history, book, cover, t, n_reviews, lead)
    enough = len(pairs) >= MIN_PAIRS
    q = z.copy()
    if enough:
        errors = pairs.e
        for lv in np.unique(level):  # one factor per category service level, not per SKU
            q[level == lv] = pairs.fill_factor(lv) if measure == "fill_rate" else np.quantile(errors, lv)
    rate = cover_demand(daily, cover) / np.maximum(cover, 1)
    lead_part = np.maximum(z, 0) * rate * np.asarray(lead_sd_days, float)
    ss = np.sqrt((np.maximum(q, 0) * d) ** 2 + lead_part**2)
    return Estimate(ss, np.full(n, "forecast_errors" if enough else "normal"), q, d, len(pairs))
