"""Forecasting methods the accuracy harness compares (bench/forecast_uci.py --methods): the production
forecaster and the peers it was measured against. Each is a function (history up to the origin, origin) ->
daily forecasts (n_sku, >= 7 days), called for the origins in time order; none reads a day after its origin
(a calibrated or blended method remembers only the forecasts it made at earlier origins).

Peers: `weekly_*` predict the 7-day total directly (forecasts/weekly.py) with an L1, quantile or Tweedie loss;
`blend_median8` mixes the forecaster with the median of the last 8 weekly totals, the weight and a scale chosen
on the 8 weeks before each origin whose week has ended (the weight that, scaled to zero bias there, had the
lowest WAPE there); `*_calibrated` baselines are scaled by the same rule as the model (unclipped), so their
WAPE is read at an honest bias too.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from forecasts import calibration, forecaster, weekly
from forecasts.backtest import baseline_totals, median_weeks
from forecasts.features import DemandMatrix

ModelFn = Callable[[DemandMatrix, int], np.ndarray]


def _engine(country: str, threads: int, calibrate: bool = True, by_block: bool = True, **kw) -> ModelFn:
    """The forecaster, calibrated on its own forecasts of the weeks before (as production is) unless told not."""
    p = forecaster.ForecastParams(country=country, horizon=14, n_threads=threads, **kw)
    calibrator = calibration.Calibrator(enabled=calibrate, by_block=by_block)
    return lambda hist, o: calibrator(hist.Y, o, forecaster.forecast(hist, p, o)[0])


def _weekly(threads: int, calibrate: bool = False, **kw) -> ModelFn:
    p = weekly.WeeklyParams(n_threads=threads, **kw)
    calibrator = calibration.Calibrator(enabled=calibrate)
    return lambda hist, o: calibrator(hist.Y, o, weekly.forecast(hist, o, p))


def _baseline(name: str, horizon: int = 14) -> ModelFn:
    """A baseline's 7-day total spread over the days, calibrated like the model but unclipped: what it scores
    once its bias is taken out by the same honest rule (median8 under-sells right-skewed demand by design)."""
    calibrator = calibration.Calibrator(clip=(0.0, np.inf))

    def fn(hist: DemandMatrix, o: int) -> np.ndarray:
        total = baseline_totals(hist, o)[name]
        return calibrator(hist.Y, o, np.repeat(total[:, None] / 7, horizon, axis=1))

    return fn


class _Blend:
    """w x the forecaster + (1 - w) x median8, times k; w and k from the forecasts of the weeks before only."""

    def __init__(self, country: str, threads: int, n: int = 8) -> None:
        self.p = forecaster.ForecastParams(country=country, horizon=14, n_threads=threads)
        self.n, self.book, self.chosen = n, {}, {}

    def __call__(self, hist: DemandMatrix, o: int) -> np.ndarray:
        model = forecaster.forecast(hist, self.p, o)[0][:, :7].sum(axis=1)
        self.book[o] = (model, median_weeks(hist, o))
        done = sorted(r for r in self.book if r + 7 <= o)[-self.n :]
        w, k = 1.0, 1.0
        if done:
            y = np.nan_to_num(hist.Y)
            actual = [y[:, r + 1 : r + 8].sum(axis=1) for r in done]

            def scored(wt: float) -> tuple[float, float]:
                f = [wt * self.book[r][0] + (1 - wt) * self.book[r][1] for r in done]
                scale = float(np.clip(sum(a.sum() for a in actual) / max(sum(x.sum() for x in f), 1e-9), 0.8, 1.25))
                return sum(np.abs(a - scale * x).sum() for a, x in zip(actual, f)), scale

            w = min(np.linspace(0, 1, 11), key=lambda wt: scored(wt)[0])
            k = scored(w)[1]
        self.chosen[o] = (float(w), k)
        total = k * (w * model + (1 - w) * self.book[o][1])
        return np.repeat(total[:, None] / 7, 7, axis=1)


BUILDERS: dict[str, Callable[[str, int], ModelFn]] = {
    "lightgbm": lambda c, t: _engine(c, t),
    "lightgbm_uncalibrated": lambda c, t: _engine(c, t, calibrate=False),
    "lightgbm_one_factor": lambda c, t: _engine(c, t, by_block=False),  # days 1-7's factor over the whole cover
    # production before 2026-12-06's session 5: one factor, and `month` learned from the same month a year before
    "lightgbm_month_replay": lambda c, t: _engine(c, t, by_block=False, month_a_year_back=True, bags=1),
    "lightgbm_one_model": lambda c, t: _engine(c, t, bags=1),  # production without the bagging
    "lightgbm_auto": lambda c, t: _engine(c, t, seasonal="auto"),  # no month/day-of-month with < 2 years of data
    "sklearn_hgb": lambda c, t: _engine(c, t, engine="sklearn"),
    "weekly_l1": lambda c, t: _weekly(t),
    "weekly_l1_calibrated": lambda c, t: _weekly(t, calibrate=True),
    "weekly_q60": lambda c, t: _weekly(t, objective="quantile", alpha=0.6),
    "weekly_tweedie": lambda c, t: _weekly(t, objective="tweedie"),
    "blend_median8": lambda c, t: _Blend(c, t),
    "median8_calibrated": lambda c, t: _baseline("median8"),
    "ma28_calibrated": lambda c, t: _baseline("ma28"),
    "seasonal_naive_calibrated": lambda c, t: _baseline("seasonal_naive"),
}
NAMES = tuple(BUILDERS)
DEFAULT = "lightgbm"


def make(name: str, country: str, threads: int) -> ModelFn:
    if name not in BUILDERS:
        raise ValueError(f"unknown method {name!r}; one of {', '.join(NAMES)}")
    return BUILDERS[name](country, threads)
