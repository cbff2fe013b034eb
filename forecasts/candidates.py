"""Forecasting methods the accuracy harness compares (bench/forecast_uci.py --methods): the production
forecaster and the peers it was measured against. Each is a function (history up to the origin, origin) ->
daily forecasts (n_sku, >= 7 days); none reads a day after its origin.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from forecasts import forecaster
from forecasts.features import DemandMatrix

ModelFn = Callable[[DemandMatrix, int], np.ndarray]


def _engine(country: str, threads: int, **kw) -> ModelFn:
    p = forecaster.ForecastParams(country=country, horizon=14, n_threads=threads, **kw)
    return lambda hist, o: forecaster.forecast(hist, p, o)[0]


BUILDERS: dict[str, Callable[[str, int], ModelFn]] = {
    "lightgbm": lambda c, t: _engine(c, t),
    "sklearn_hgb": lambda c, t: _engine(c, t, engine="sklearn"),
}
NAMES = tuple(BUILDERS)
DEFAULT = "lightgbm"


def make(name: str, country: str, threads: int) -> ModelFn:
    if name not in BUILDERS:
        raise ValueError(f"unknown method {name!r}; one of {', '.join(NAMES)}")
    return BUILDERS[name](country, threads)
