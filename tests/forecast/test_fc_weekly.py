"""The direct weekly-total peer (forecasts/weekly.py): learns a level per SKU, reads days <= its origin only,
and new SKUs get their average rate."""

from datetime import date

import numpy as np

from forecasts import weekly
from forecasts.features import DemandMatrix

FAST = weekly.WeeklyParams(n_estimators=40, n_threads=1, train_share=1.0, min_child_samples=20)


def _matrix(n_days: int = 150) -> DemandMatrix:
    rng = np.random.default_rng(3)
    level = np.linspace(1, 30, 40)[:, None]
    Y = rng.poisson(level, size=(40, n_days)).astype(float)
    Y[-1, : n_days - 10] = np.nan  # launched 10 days ago
    return DemandMatrix(np.array([f"S{i}" for i in range(40)]), date(2026, 1, 1), Y, np.zeros_like(Y))


def test_weekly_totals_track_each_skus_level_and_ignore_the_future():
    m = _matrix()
    o = 130
    daily = weekly.forecast(m, o, FAST)
    assert daily.shape == (40, 7)
    total = daily.sum(axis=1)
    actual = m.Y[:-1, o + 1 : o + 8].sum(axis=1)
    assert np.abs(total[:-1] - actual).sum() / actual.sum() < 0.15
    future = DemandMatrix(m.skus, m.start, m.Y.copy(), m.P)
    future.Y[:, o + 1 :] *= 10
    assert np.allclose(weekly.forecast(future, o, FAST), daily)
    new_rate = np.nansum(m.Y[-1, : o + 1]) / (o + 1 - (m.n_days - 10))
    assert total[-1] == np.float64(7 * new_rate)
