"""Leakage-free features for direct multi-horizon forecasting from a dense SKU x day demand matrix.

A row is (SKU i, origin day o, horizon h >= 1): the target is the demand on day d = o + h; every
history feature is computed from days <= o only (the k-th same-weekday lag is y[d - 7(k + ceil(h/7) - 1)],
i.e. y[d - 7k] for h <= 7, always <= o),
and the calendar features describe the target day, which is known in advance. Training rows take one
horizon per target day (seeded draw), so one model serves all 7 horizons without 7x the rows.

Scale: all history features are divided by the SKU's recent level `scale` (56-day mean at the origin,
plus a floor) and the model predicts demand / scale with weight scale. For Poisson/Tweedie deviance this
is the same loss as on raw units, but lets one model share patterns across slow and fast sellers.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from forecasts.calendar import CALENDAR_COLUMNS, calendar_frame

HORIZON = 7
SCALE_FLOOR = 0.05  # units/day; keeps the ratio finite for SKUs that went quiet
HISTORY_COLUMNS = [
    "h",
    "log_scale",
    "last",
    "ma7",
    "ma14",
    "ma28",
    "ma112",
    "sd28",
    "nonzero28",
    "days_since_sale",
    "history_days",
    "dow_lag1",
    "dow_lag2",
    "dow_lag3",
    "dow_lag4",
    "dow_mean4",
    "promo_share28",
]
FEATURE_COLUMNS = HISTORY_COLUMNS + CALENDAR_COLUMNS


@dataclass
class DemandMatrix:
    """Dense daily demand. Y[i, t] = units of sku i on day start + t; NaN before the SKU's first sale."""

    skus: np.ndarray
    start: date
    Y: np.ndarray
    P: np.ndarray  # units sold on promotion, same shape (zeros when unknown)

    @property
    def n_days(self) -> int:
        return self.Y.shape[1]

    def day(self, t: int) -> date:
        return self.start + timedelta(days=int(t))

    def index_of(self, d: date) -> int:
        return (d - self.start).days

    @property
    def first_idx(self) -> np.ndarray:
        has = ~np.isnan(self.Y)
        return np.where(has.any(axis=1), has.argmax(axis=1), self.n_days)

    @classmethod
    def from_frame(cls, daily: pd.DataFrame, end: date | None = None) -> DemandMatrix:
        """`daily`: sku_id, demand_date, units[, promo_units]; missing days after a SKU's first row are 0."""
        d = daily.copy()
        d["demand_date"] = pd.to_datetime(d["demand_date"]).dt.date
        skus = np.array(sorted(d["sku_id"].unique()))
        start = min(d["demand_date"])
        end = end or max(d["demand_date"])
        n = (end - start).days + 1
        row = pd.Index(skus).get_indexer(d["sku_id"])
        col = np.array([(x - start).days for x in d["demand_date"]])
        keep = (col >= 0) & (col < n)
        Y = np.zeros((len(skus), n))
        P = np.zeros((len(skus), n))
        np.add.at(Y, (row[keep], col[keep]), d["units"].to_numpy(float)[keep])
        if "promo_units" in d:
            np.add.at(P, (row[keep], col[keep]), d["promo_units"].to_numpy(float)[keep])
        first = pd.Series(col[keep]).groupby(row[keep]).min().reindex(range(len(skus)), fill_value=n).to_numpy()
        Y[np.arange(n)[None, :] < first[:, None]] = np.nan
        return cls(skus, start, Y, P)

    def truncated(self, last_t: int) -> DemandMatrix:
        """History up to and including day index last_t (what was known at that origin)."""
        return DemandMatrix(self.skus, self.start, self.Y[:, : last_t + 1], self.P[:, : last_t + 1])


class _Cums:
    """Prefix sums so any window mean/std/count is O(1) and fully vectorized."""

    def __init__(self, m: DemandMatrix) -> None:
        y = np.nan_to_num(m.Y)
        pad = lambda a: np.concatenate([np.zeros((a.shape[0], 1)), np.cumsum(a, axis=1)], axis=1)  # noqa: E731
        self.s, self.s2 = pad(y), pad(y * y)
        self.nz, self.p = pad((y > 0).astype(float)), pad(np.nan_to_num(m.P))
        idx = np.where(y > 0, np.arange(y.shape[1])[None, :], -1)
        self.last_sale = np.maximum.accumulate(idx, axis=1)
        self.first = m.first_idx
        self.y = m.Y

    def window(self, cum: np.ndarray, i: np.ndarray, o: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        lo = np.maximum(o + 1 - k, self.first[i])
        n = np.maximum(o + 1 - lo, 0)
        return cum[i, o + 1] - cum[i, np.minimum(lo, o + 1)], n


def _mean(c: _Cums, cum, i, o, k) -> np.ndarray:
    total, n = c.window(cum, i, o, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def build_features(m: DemandMatrix, cal: pd.DataFrame, i: np.ndarray, o: np.ndarray, h: np.ndarray) -> pd.DataFrame:
    """Features for rows (sku index i, origin index o, horizon h). `cal` is indexed by day index."""
    c = _Cums(m)
    d = o + h
    ma56 = _mean(c, c.s, i, o, 56)
    scale = np.nan_to_num(ma56) + SCALE_FLOOR
    sq = _mean(c, c.s2, i, o, 28)
    ma28 = _mean(c, c.s, i, o, 28)
    lags = []
    weeks_ahead = (h + 6) // 7  # same-weekday lags must be <= o: beyond day 7 they start further back
    for k in range(1, 5):
        t = d - 7 * (k + weeks_ahead - 1)
        ok = t >= c.first[i]
        lags.append(np.where(ok, c.y[i, np.clip(t, 0, m.n_days - 1)], np.nan) / scale)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all four lags before launch: NaN is the answer
        dow_mean4 = np.nanmean(np.vstack(lags), axis=0) if len(i) else np.array([])
    promo_total, _ = c.window(c.p, i, o, 28)
    units_total, _ = c.window(c.s, i, o, 28)
    last_sale = c.last_sale[i, o]
    feats = {
        "h": h.astype(float),
        "log_scale": np.log(scale),
        "last": np.nan_to_num(c.y[i, o]) / scale,
        "ma7": _mean(c, c.s, i, o, 7) / scale,
        "ma14": _mean(c, c.s, i, o, 14) / scale,
        "ma28": ma28 / scale,
        "ma112": _mean(c, c.s, i, o, 112) / scale,
        "sd28": np.sqrt(np.maximum(sq - ma28**2, 0)) / scale,
        "nonzero28": _mean(c, c.nz, i, o, 28),
        "days_since_sale": np.where(last_sale >= 0, o - last_sale, np.nan),
        "history_days": np.minimum(o - c.first[i] + 1, 365).astype(float),
        "dow_lag1": lags[0],
        "dow_lag2": lags[1],
        "dow_lag3": lags[2],
        "dow_lag4": lags[3],
        "dow_mean4": dow_mean4,
        "promo_share28": np.where(units_total > 0, promo_total / np.maximum(units_total, 1e-9), 0.0),
    }
    X = pd.DataFrame(feats)
    cal_rows = cal.iloc[d].reset_index(drop=True)
    X = pd.concat([X, cal_rows], axis=1)
    X["scale"] = scale  # not a feature: used to turn ratios back into units
    return X


def calendar_for(m: DemandMatrix, country: str, planned_promo_dates=(), extra_days: int = HORIZON) -> pd.DataFrame:
    days = [m.day(t) for t in range(m.n_days + extra_days)]
    return calendar_frame(days, country, planned_promo_dates).reset_index(drop=True)


def training_rows(
    m: DemandMatrix, cutoff: int, min_history: int, window: int, seed: int, horizon: int = HORIZON, share: float = 1.0
):
    """(i, o, h, target) for targets d <= cutoff whose origin has >= min_history days of history; one
    horizon in 1..`horizon` drawn per target day; `share` < 1 keeps that random share of the rows."""
    rng = np.random.default_rng(seed)
    n_sku = len(m.skus)
    d_lo = max(cutoff - window + 1, 1)
    ii, dd = np.meshgrid(np.arange(n_sku), np.arange(d_lo, cutoff + 1), indexing="ij")
    ii, dd = ii.ravel(), dd.ravel()
    hh = rng.integers(1, horizon + 1, size=ii.size)
    if share < 1:
        pick = rng.random(ii.size) < share
        ii, dd, hh = ii[pick], dd[pick], hh[pick]
    oo = dd - hh
    keep = (oo >= 0) & (oo - m.first_idx[ii] + 1 >= min_history)
    ii, oo, hh, dd = ii[keep], oo[keep], hh[keep], dd[keep]
    return ii, oo, hh, m.Y[ii, dd]
