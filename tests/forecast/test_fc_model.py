"""The model learns a known weekly pattern better than 'same weekday last week'; new SKUs fall back."""

from datetime import date

import numpy as np
import pytest

from forecasts import backtest
from forecasts.features import DemandMatrix
from forecasts.model import ModelParams, forecast_7d

WEEKLY = np.array([0.6, 0.8, 1.0, 1.0, 1.3, 2.0, 1.6])
FAST = dict(max_iter=60, learning_rate=0.12, min_samples_leaf=40, n_threads=1)


def _weekly_series(n_sku: int = 60, n_days: int = 160, seed: int = 5) -> DemandMatrix:
    rng = np.random.default_rng(seed)
    start = date(2026, 1, 5)  # a Monday
    level = rng.uniform(2, 40, size=(n_sku, 1))
    dow = (np.arange(n_days) + start.weekday()) % 7
    Y = rng.poisson(level * WEEKLY[dow][None, :]).astype(float)
    return DemandMatrix(np.array([f"SKU-{i:03d}" for i in range(n_sku)]), start, Y, np.zeros_like(Y))


def test_model_beats_seasonal_naive_on_a_weekly_pattern_with_noise():
    m = _weekly_series()
    res = backtest.run(m, ModelParams(country="GB", **FAST), n_origins=3)
    s = res.summary.set_index("method")
    assert s.loc["model", "wape"] < 0.85 * s.loc["seasonal_naive", "wape"], res.summary
    assert s.loc["model", "mase"] < s.loc["seasonal_naive", "mase"]
    assert set(res.per_origin["method"]) == {"model", "seasonal_naive", "ma28"}


def test_forecast_has_7_days_bounds_and_the_weekly_shape():
    m = _weekly_series()
    fc, _ = forecast_7d(m, ModelParams(country="GB", **FAST))
    assert len(fc) == 7 * len(m.skus)
    assert (fc["units_lower"] <= fc["units"]).all() and (fc["units"] <= fc["units_upper"]).all()
    assert (fc["total_7d_lower"] <= fc["total_7d"]).all() and (fc["total_7d"] <= fc["total_7d_upper"]).all()
    by_dow = fc.assign(dow=[d.weekday() for d in fc["target_date"]]).groupby("dow")["units"].sum()
    assert by_dow.idxmax() == 5 and by_dow.idxmin() == 0  # Saturday peak, Monday trough


def test_new_sku_uses_its_average_daily_rate():
    m = _weekly_series(n_sku=20)
    m.Y[0, :-5] = np.nan
    m.Y[0, -5:] = [1, 2, 3, 4, 5]
    m.Y[1, :] = np.nan  # never sold: no forecast row at all
    fc, _ = forecast_7d(m, ModelParams(country="GB", **FAST))
    new = fc[fc["sku_id"] == "SKU-000"]
    assert (new["method"] == "new_sku_rate").all()
    np.testing.assert_allclose(new["units"], 3.0)
    assert "SKU-001" not in set(fc["sku_id"])
    assert (fc[fc["sku_id"] != "SKU-000"]["method"] == "model").all()


def test_a_brand_new_shop_forecasts_every_sku_with_the_fallback_and_skips_the_backtest():
    m = _weekly_series(n_sku=5, n_days=20)
    fc, fitted = forecast_7d(m, ModelParams(country="CN", **FAST))
    assert fitted.model is None and (fc["method"] == "new_sku_rate").all() and len(fc) == 35
    with pytest.raises(backtest.NotEnoughHistory):
        backtest.run(m, ModelParams(country="CN", **FAST), n_origins=2)
