"""Safety stock from the forecast's own errors over the cover period (lead time + review).

Pairs (forecast F, actual A) of demand totals over each SKU's cover come from past forecast origins whose
cover has ended (the backtest's re-forecasts, the daily run's own forecasts, or the closed loop's earlier
reviews): nothing the forecast could not have known. Each error is standardized by the SKU's dispersion,
    e = (A - F) / d,   d = sd of the SKU's demand totals over every cover-long window of its last year + 1,
from one of two service measures:
- fill_rate (default): the share of demanded units served from stock. The order-up-to level
  S = F_w + a x F_w + q x d (forecasts.order_level: F_w the model's forecast blended with the 28-day mean, a and q
  per volume band) with the least summed S that would have served the target share of the units the past pairs
  demanded in their review periods (forecasts.fill_rate). A business target in the units it is measured in, met
  without tuning on the period it is judged on (forecasts/README.md, Measured).
- cycle: safety stock = q x d, q = the empirical quantile of e at the service level (share of cycles without a
  stock-out), on the model's forecast.
The scale d: by default the year's cover-long windows above, which see a SKU's bulk orders and seasons, so d is
stable from week to week (the 56-day sd of daily demand used before jumped after every bulk order); with a
fill-rate target the year's daily sd x sqrt(cover) when the past pairs would have needed clearly less with it.
Lead-time variability adds, in quadrature, z x daily rate x sd(lead time in days) (the demand of the days a
late delivery adds). Until `min_pairs` pairs exist the normal quantile z is used with the same d.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from forecasts import order_level
from forecasts.policy import cover_demand

WINDOW_DAYS = 364
MIN_PAIRS = 50
MIN_WINDOWS = 28  # cover-long windows a SKU's history needs before its dispersion can standardize an error
MEASURES = ("fill_rate", "cycle")


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


def daily_dispersion(history: np.ndarray, cover: np.ndarray, days: int = WINDOW_DAYS) -> np.ndarray:
    """sd of each SKU's daily demand over its last `days` days x sqrt(cover) + 1 unit (days as independent draws;
    days before launch count as no demand)."""
    return np.nan_to_num(history[:, -days:]).std(axis=1) * np.sqrt(np.asarray(cover, float)) + 1.0


@dataclass
class Estimate:
    """Safety stock per SKU and how it was found."""

    safety_stock: np.ndarray
    method: np.ndarray  # 'forecast_errors' | 'normal' (too few pairs yet)
    quantile: np.ndarray  # the safety factor q: safety stock / d (z for 'normal')
    dispersion: np.ndarray  # d, the unit the quantile is counted in
    pairs: int  # (forecast, actual) pairs behind the quantile
    scale: np.ndarray | None = None  # which dispersion d is: 'cover_windows' | 'daily'
    forecast: np.ndarray | None = None  # the daily forecast planned with (the model's blended with the 28-day mean)
    weight: np.ndarray | None = None  # the model's share in it
    share: np.ndarray | None = None  # a: the part of safety stock proportional to the forecast over the cover


@dataclass
class Pairs:
    """Past pairs per SKU and origin whose cover has ended: the forecast and actual totals over the cover, the
    actual over its lead time (the part before an order placed then arrived) and the dispersion d at the origin."""

    f_cover: np.ndarray
    a_cover: np.ndarray
    a_lead: np.ndarray
    d: np.ndarray  # cover_dispersion at the origin
    d_daily: np.ndarray  # daily_dispersion at the origin
    f_ma: np.ndarray | None = None  # the 28-day mean at the origin x cover (the other forecast a plan may blend in)

    @property
    def e(self) -> np.ndarray:
        return (self.a_cover - self.f_cover) / self.d

    def __len__(self) -> int:
        return len(self.d)


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
                cum[done, r + 1 + c[done]] - cum[done, r + 1],
                cum[done, r + 1 + lt[done]] - cum[done, r + 1],
                cover_dispersion(history[done, : r + 1], c[done]),
                daily_dispersion(history[done, : r + 1], c[done]),
                order_level.moving_mean(history[done, : r + 1]) * c[done],
            )
        )
        used += 1
        if used == n_reviews:
            break
    return Pairs(*(np.concatenate(col) for col in zip(*out, strict=True))) if out else Pairs(*[np.zeros(0)] * 6)


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
    q, scale = z.copy(), np.full(n, "cover_windows")
    weight, share, fc = np.ones(n), np.zeros(n), np.asarray(daily, float)
    cover_now = cover_demand(fc, cover)
    mean_now = order_level.moving_mean(history)
    for lv in np.unique(level) if enough else ():  # factors per category service level, pooled over its SKUs
        sel = level == lv
        if measure == "cycle":
            q[sel] = np.quantile(pairs.e, lv)
            continue
        c = order_level.choose(pairs, lv)
        fc = np.where(sel[:, None], c.weight * fc + (1 - c.weight) * mean_now[:, None], fc)
        cover_now = np.where(sel, c.weight * cover_now + (1 - c.weight) * mean_now * cover, cover_now)
        band = c.band(cover_now)
        q[sel], share[sel], weight[sel] = c.q[band[sel]], c.a[band[sel]], c.weight
        if c.scale == "daily":
            d = np.where(sel, daily_dispersion(history, cover), d)
            scale[sel] = c.scale
    rate = cover_now / np.maximum(cover, 1)
    lead_part = np.maximum(z, 0) * rate * np.asarray(lead_sd_days, float)
    ss = np.sqrt((np.maximum(q, 0) * d + share * cover_now) ** 2 + lead_part**2)
    method = np.full(n, "forecast_errors" if enough else "normal")
    return Estimate(ss, method, q, d, len(pairs), scale, fc, weight, share)
