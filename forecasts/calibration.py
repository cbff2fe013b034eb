"""Calibration: scale the forecast by how much it has under- (or over-) sold lately.

factor = sum of actual units / sum of forecast units over the next 7 days of the last `n` weekly origins whose
week has ended by the day of forecasting (pooled over SKUs, clipped to [0.8, 1.25]); 1 without such origins.
Only forecasts really made at those origins count (the backtest's re-forecasts or the daily run's own), so the
factor uses nothing after the day it is applied on. Measured on UCI (forecasts/README.md): the model alone
under-sells by 8.9 % over the 8 scored weeks; calibrated over 8 weeks its bias is -4.4 % for a WAPE 0.009 higher.
"""

from __future__ import annotations

import numpy as np

WEEK = 7
CLIP = (0.8, 1.25)


def factor(history: np.ndarray, book: dict[int, np.ndarray], t: int, n: int = 8) -> float:
    """history: demand (n_sku, >= t + 1), NaN = not launched; book: origin day -> daily forecasts (n_sku, >= 7)."""
    done = sorted((r for r in book if r + WEEK <= t), reverse=True)[:n]
    if not done:
        return 1.0
    y = np.nan_to_num(history)
    actual = sum(y[:, r + 1 : r + 1 + WEEK][np.isfinite(book[r][:, 0])].sum() for r in done)
    fc = sum(np.nansum(book[r][:, :WEEK]) for r in done)
    return float(np.clip(actual / fc, *CLIP)) if fc > 0 else 1.0


def block_factors(history: np.ndarray, book: dict[int, np.ndarray], t: int, width: int, n: int = 8) -> np.ndarray:
    """One factor per 7-day block of a forecast `width` days long: block w (days 7w+1..7w+7 after the origin) from
    the last `n` origins whose block w has ended by t (origins further back for later blocks), pooled, clipped."""
    y = np.nan_to_num(history)
    out = np.ones(-(-width // WEEK))
    for w in range(out.size):
        lo = w * WEEK
        done = sorted((r for r in book if r + lo + WEEK <= t and book[r].shape[1] >= lo + WEEK), reverse=True)[:n]
        fc = sum(np.nansum(book[r][:, lo : lo + WEEK]) for r in done)
        if fc > 0:
            actual = sum(y[:, r + 1 + lo : r + 1 + lo + WEEK][np.isfinite(book[r][:, 0])].sum() for r in done)
            out[w] = np.clip(actual / fc, *CLIP)
        elif w:
            out[w] = out[w - 1]  # not known yet for this block: the nearest block's
    return out


def weekly(book: dict[int, np.ndarray], t: int, every: int = WEEK) -> dict[int, np.ndarray]:
    """The origins of `book` before t, one per `every` days going back from the newest (daily runs overlap)."""
    picked: dict[int, np.ndarray] = {}
    for r in sorted((r for r in book if r < t), reverse=True):
        if not picked or min(picked) - r >= every:
            picked[r] = book[r]
    return picked


class Calibrator:
    """Keeps the raw forecasts made so far (origin day -> daily) and calibrates each new one on the last weeks'."""

    def __init__(self, n: int = 8, enabled: bool = True, by_block: bool = False) -> None:
        self.n, self.enabled, self.by_block, self.raw, self.factors = n, enabled, by_block, {}, {}

    def __call__(self, history: np.ndarray, t: int, daily: np.ndarray) -> np.ndarray:
        if self.by_block and self.enabled:
            k = block_factors(history, weekly(self.raw, t), t, daily.shape[1], self.n)
            self.raw[t], self.factors[t] = daily, k
            return daily * np.repeat(k, WEEK)[None, : daily.shape[1]]
        f = factor(history, weekly(self.raw, t), t, self.n) if self.enabled else 1.0
        self.raw[t], self.factors[t] = daily, f
        return daily * f
