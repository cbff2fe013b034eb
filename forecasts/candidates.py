"""Forecasting methods the accuracy harness compares (bench/forecast_uci.py --methods): the production
forecaster and the peers it was measured against. Each is a function (history up to the origin, origin) ->
daily forecasts (n_sku, >= 7 days), called for the origins in time order; none reads a day after its origin
(a calibrated method remembers only the forecasts it made at earlier origins).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from forecasts import calibration, forecaster
from forecasts.features import DemandMatrix

ModelFn = Callable[[DemandMatrix, int], np.ndarray]


def _engine(country: str, threads: int, calibrate: bool = True, **kw) -> ModelFn:
    """The forecaster, calibrated on its own forecasts of the weeks before (as production is) unless told not."""
    p = forecaster.ForecastParams(country=country, horizon=14, n_threads=threads, **kw)
    calibrator = calibration.Calibrator(enabled=calibrate)
    return lambda hist, o: calibrator(hist.Y, o, forecaster.forecast(hist, p, o)[0])


BUILDERS: dict[str, Callable[[str, int], ModelFn]] = {
    "lightgbm": lambda c, t: _engine(c, t),
    "lightgbm_uncalibrated": lambda c, t: _engine(c, t, calibrate=False),
    "lightgbm_auto": lambda c, t: _engine(c, t, seasonal="auto"),  # no month/day-of-month with < 2 years of data
    "sklearn_hgb": lambda c, t: _engine(c, t, engine="sklearn"),
}
NAMES = tuple(BUILDERS)
DEFAULT = "lightgbm"


def make(name: str, country: str, threads: int) -> ModelFn:
    if name not in BUILDERS:
        raise ValueError(f"unknown method {name!r}; one of {', '.join(NAMES)}")
    return BUILDERS[name](country, threads)
