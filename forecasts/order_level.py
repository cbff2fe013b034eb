"""The order-up-to level the past pairs would have needed least stock with: which forecast to plan with, which
dispersion to count errors in, and the safety factors, chosen together for one fill-rate target.

    S = F_w + a_k x F_w + q_k x d,   F_w = w x the model's forecast + (1 - w) x the 28-day mean, over the cover
- w (the model's share, one per target, from WEIGHTS): a combination of two forecasts is usually better than
  either, and which one to trust changes with the data (in the simulator's steady world the model's 14-day totals
  are worse than a 28-day mean: WAPE 0.367 against 0.318). The past pairs carry both forecasts made at their
  origin, so each w is judged out of sample by the stock S it would have needed, summed over the pairs, for the
  target; the smallest wins. Summing S (not just safety stock) is what compares forecasts: a forecast that is
  low needs safety stock for it, a high one holds its excess as plain forecast.
- d: the year's cover-long windows, or its daily sd x sqrt(cover) when the past pairs would have needed clearly
  (SWITCH_MARGIN) less safety stock with it;
- (a_k, q_k) per volume band: forecasts.fill_rate.
Nothing here sees a day after the origin of a pair whose cover has ended (forecasts.safety.pairs_from_book).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from forecasts import fill_rate

WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)  # the model's share in the forecast planned with
MA_DAYS = 28
SWITCH_MARGIN = 0.02  # the daily scale replaces the windows' only when the past pairs needed 2 % less with it


@dataclass
class Choice:
    weight: float
    scale: str  # 'cover_windows' | 'daily'
    edges: np.ndarray  # volume-band edges on the (blended) forecast over the cover
    q: np.ndarray  # per band, factor of d
    a: np.ndarray  # per band, share of the forecast
    held: float  # the pairs' summed order-up-to level S with these

    def band(self, f_cover: np.ndarray) -> np.ndarray:
        return np.digitize(f_cover, self.edges)


def moving_mean(history: np.ndarray, days: int = MA_DAYS) -> np.ndarray:
    """Each SKU's mean daily demand over its last `days` days (not launched = no demand)."""
    return np.nan_to_num(history[:, -days:]).sum(axis=1) / days


def _safety_choice(pairs, target: float, weight: float) -> Choice:
    """The dispersion and band factors for one forecast (pairs.f_cover already blended)."""
    best = None
    for name, past in (("cover_windows", pairs), ("daily", replace(pairs, d=pairs.d_daily))):
        edges, q, a = fill_rate.factors(past, target)
        b = np.digitize(past.f_cover, edges)
        safety = float((q[b] * past.d + a[b] * past.f_cover).sum())
        # the margin keeps the scale from flipping between reviews on noise (on UCI daily needed 0-12 % more, in
        # the simulator's world 2-13 % less)
        if best is None or safety < (1 - SWITCH_MARGIN) * best[0]:
            best = (safety, Choice(weight, name, edges, q, a, safety + float(past.f_cover.sum())))
    return best[1]


def choose(pairs, target: float, weights=WEIGHTS) -> Choice:
    """The least summed S over the past pairs that serves `target` of their review periods' units.
    `pairs`: forecasts.safety.Pairs; without its 28-day means (f_ma) only the model's forecast is tried."""
    if pairs.f_ma is None:
        weights = (1.0,)
    choices = [
        _safety_choice(replace(pairs, f_cover=w * pairs.f_cover + (1 - w) * pairs.f_ma) if w < 1 else pairs, target, w)
        for w in weights
    ]
    return min(choices, key=lambda c: c.held)
