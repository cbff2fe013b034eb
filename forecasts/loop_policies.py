"""The policies the closed loop compares: OrderHub's (forecast + error-based safety stock) and baselines.

- orderhub: forecasts.forecaster at every review (refitted every `refit_every` reviews, always on data up
  to that review only), blended with the 28-day mean and safety stock from the errors of its own earlier
  reviews whose cover period has ended (forecasts.safety, forecasts.order_level: by default the least stock
  that would have met the fill-rate target on them), order-up-to with MOQ and packs (forecasts.policy.plan);
- out_ma28: order up to rate x (L + R) + z x sd_daily x sqrt(L + R), rate = 28-day mean;
- out_snaive: the same with rate = the last 7 days' mean (seasonal naive);
- rop_ma28: a plain reorder point (min/max): when the position falls below the same level as out_ma28,
  order up to that level + one review period's demand; otherwise nothing.
All baselines take sd_daily over the last 56 days and the same lead-time variability term; z = the normal
quantile of the service level (for a fill-rate target, of the same number), or set when matching.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from forecasts import calibration, forecaster, policy, safety
from forecasts.features import DemandMatrix
from forecasts.loop import State

BASELINES = ("rop_ma28", "out_ma28", "out_snaive")


def forecast_book(
    m: DemandMatrix,
    reviews: list[int],
    params: forecaster.ForecastParams,
    refit_every: int = 4,
    log=None,
    calibrate: bool = True,
) -> dict[int, np.ndarray]:
    """Daily forecasts (n_sku, horizon) made at each review day from history up to that day only, calibrated on
    the weeks before it as in production (forecasts.calibration)."""
    book, fitted, calibrator = {}, None, calibration.Calibrator(enabled=calibrate)
    for k, t in enumerate(reviews):
        hist = m.truncated(t)
        if fitted is None or k % refit_every == 0:
            fitted = forecaster.fit(hist, t, params)
            if log:
                log(
                    f"  fit at {m.day(t)}: {fitted.n_rows:,} rows, {fitted.cpu_seconds:.1f} s CPU,"
                    f" {fitted.wall_seconds:.1f} s wall"
                )
        book[t] = calibrator(hist.Y, t, forecaster.predict(fitted, hist, t)[0])
    return book


@dataclass
class OrderHubPolicy:
    demand: np.ndarray  # the history; only columns <= the review day are read
    book: dict[int, np.ndarray]
    lead_days: np.ndarray
    review_days: int
    service_level: np.ndarray | float
    moq: np.ndarray
    pack: np.ndarray
    lead_sd_days: np.ndarray | float = 0.0
    error_reviews: int = 26  # how many past reviews' errors feed the safety stock
    measure: str = "fill_rate"  # service_level is a fill-rate target, or a cycle service level ('cycle')
    surge_factor: float = policy.SURGE_FACTOR
    plans: dict = field(default_factory=dict)

    def __call__(self, s: State) -> np.ndarray:
        daily = self.book[s.t]
        cover = np.asarray(self.lead_days, float) + self.review_days
        est = safety.estimate(
            self.demand[:, : s.t + 1],
            daily,
            self.book,
            cover,
            self.service_level,
            self.lead_sd_days,
            self.error_reviews,
            self.lead_days,
            self.measure,
        )
        p = policy.plan(
            est.forecast,
            s.on_hand,
            s.on_order,
            s.backlog,
            self.lead_days,
            self.review_days,
            est.safety_stock,
            self.moq,
            self.pack,
            self.surge_factor,
        )
        self.plans[s.t] = p
        return p.quantity


@dataclass
class BaselinePolicy:
    kind: str  # one of BASELINES
    demand: np.ndarray
    lead_days: np.ndarray
    review_days: int
    service_level: float
    moq: np.ndarray
    pack: np.ndarray
    lead_sd_days: np.ndarray | float = 0.0
    z: float | None = None  # safety factor; None = the normal quantile of the service level

    def __call__(self, s: State) -> np.ndarray:
        hist = np.nan_to_num(self.demand[:, max(s.t - 55, 0) : s.t + 1])
        days = 7 if self.kind == "out_snaive" else 28
        rate = hist[:, -days:].mean(axis=1)
        cover = np.asarray(self.lead_days, float) + self.review_days
        z = float(safety.z_of(self.service_level)) if self.z is None else self.z
        ss = np.sqrt((z * hist.std(axis=1) * np.sqrt(cover)) ** 2 + (z * rate * np.asarray(self.lead_sd_days)) ** 2)
        level = rate * cover + ss
        position = s.on_hand + s.on_order - s.backlog
        target = level + (rate * self.review_days if self.kind == "rop_ma28" else 0.0)
        need = np.where(position < level, target - position, 0.0)
        return policy.round_order(need, self.moq, self.pack)
