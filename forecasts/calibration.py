"""Calibration: scale the forecast by how much it has under- (or over-) sold lately, for each week of the cover.

The policy plans over the whole cover (lead time + review, up to 14 days and more), so each 7-day block of the
horizon gets its own factor: block w (days 7w+1..7w+7 after the origin) = sum of actual units / sum of forecast
units over block w of the last `n` weekly origins whose block w has ended by the day of forecasting (pooled over
SKUs, clipped to [0.8, 1.25]); a block no origin has reached yet takes the block before's factor; 1 without such
origins. Only forecasts really made at those origins count (the backtest's re-forecasts or the daily run's own),
so no factor uses anything after the day it is applied on. Later blocks learn from older origins (days 8-14
from origins at least 14 days old): that lag is the price of not peeking.

Measured on UCI (forecasts/README.md, bench/forecast_uci.py): one factor from days 1-7 (the earlier rule) and a
factor per block give the same 7-day figures; over 14 days the blocks keep each week within the bias target.
"""

from __future__ import annotations

import numpy as np

WEEK = 7
CLIP = (0.8, 1.25)


def _ratio(y: np.ndarray, book: dict[int, np.ndarray], done: list[int], lo: int, clip) -> float | None:
    fc = sum(np.nansum(book[r][:, lo : lo + WEEK]) for r in done)
    if fc <= 0:
        return None
    actual = sum(y[:, r + 1 + lo : r + 1 + lo + WEEK][np.isfinite(book[r][:, lo])].sum() for r in done)
    return float(np.clip(actual / fc, *clip))


def block_factors(
    history: np.ndarray, book: dict[int, np.ndarray], t: int, width: int, n: int = 8, clip=CLIP
) -> np.ndarray:
    """One factor per 7-day block of a forecast `width` days long (see the module docstring).
    history: demand (n_sku, >= t + 1), NaN = not launched; book: origin day -> daily forecasts (n_sku, days)."""
    y = np.nan_to_num(history)
    out = np.ones(-(-width // WEEK))
    for w in range(out.size):
        lo = w * WEEK
        done = sorted((r for r in book if r + lo + WEEK <= t and book[r].shape[1] >= lo + WEEK), reverse=True)[:n]
        k = _ratio(y, book, done, lo, clip) if done else None
        out[w] = k if k is not None else (out[w - 1] if w else 1.0)
    return out


def daily_factors(
    history: np.ndarray, book: dict[int, np.ndarray], t: int, width: int, n: int = 8, clip=CLIP
) -> np.ndarray:
    """The block factors spread over the days of the horizon: (width,)."""
    return np.repeat(block_factors(history, book, t, width, n, clip), WEEK)[:width]


def factor(history: np.ndarray, book: dict[int, np.ndarray], t: int, n: int = 8) -> float:
    """The first week's factor alone (days 1-7): the 7-day forecast's calibration."""
    return float(block_factors(history, book, t, WEEK, n)[0])


def weekly(book: dict[int, np.ndarray], t: int, every: int = WEEK) -> dict[int, np.ndarray]:
    """The origins of `book` before t, one per `every` days going back from the newest (daily runs overlap)."""
    picked: dict[int, np.ndarray] = {}
    for r in sorted((r for r in book if r < t), reverse=True):
        if not picked or min(picked) - r >= every:
            picked[r] = book[r]
    return picked


class Calibrator:
    """Keeps the raw forecasts made so far (origin day -> daily) and calibrates each new one on the last weeks'.
    by_block=False applies the first week's factor to the whole horizon (the rule before blocks, for the bench);
    clip bounds each factor (the bench widens it to scale baselines that under-sell by design)."""

    def __init__(self, n: int = 8, enabled: bool = True, by_block: bool = True, clip=CLIP) -> None:
        self.n, self.enabled, self.by_block, self.clip, self.raw, self.factors = n, enabled, by_block, clip, {}, {}

    def __call__(self, history: np.ndarray, t: int, daily: np.ndarray) -> np.ndarray:
        width = daily.shape[1]
        on = self.enabled
        k = daily_factors(history, weekly(self.raw, t), t, width, self.n, self.clip) if on else np.ones(width)
        if not self.by_block:
            k = np.full(width, k[0])
        self.raw[t], self.factors[t] = daily, k
        return daily * k[None, :]
