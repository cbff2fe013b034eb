"""The forecaster learns a known weekly pattern better than 'same weekday last week', forecasts past day 7,
never reads past its origin, and new SKUs fall back to their average rate."""

from datetime import date

import numpy as np
import pytest

from forecasts import backtest, forecaster, outlook
from forecasts.features import DemandMatrix

WEEKLY = np.array([0.6, 0.8, 1.0, 1.0, 1.3, 2.0, 1.6])
FAST = dict(n_estimators=60, learning_rate=0.12, min_child_samples=40, n_threads=1, train_share=1.0, bags=1)


def _params(country="GB", horizon=21, **kw) -> forecaster.ForecastParams:
    return forecaster.ForecastParams(country=country, horizon=horizon, **{**FAST, **kw})


def _weekly_series(n_sku: int = 60, n_days: int = 160, seed: int = 5) -> DemandMatrix:
    rng = np.random.default_rng(seed)
    start = date(2026, 1, 5)  # a Monday
    level = rng.uniform(2, 40, size=(n_sku, 1))
    dow = (np.arange(n_days) + start.weekday()) % 7
    Y = rng.poisson(level * WEEKLY[dow][None, :]).astype(float)
    return DemandMatrix(np.array([f"SKU-{i:03d}" for i in range(n_sku)]), start, Y, np.zeros_like(Y))


@pytest.mark.parametrize("engine", forecaster.ENGINES)
def test_model_beats_seasonal_naive_on_a_weekly_pattern_with_noise(engine):
    m = _weekly_series()
    res = backtest.run(m, _params(engine=engine), n_origins=3)
    s = res.summary.set_index("method")
    assert s.loc["model", "wape"] < 0.85 * s.loc["seasonal_naive", "wape"], res.summary
    assert s.loc["model", "mase"] < s.loc["seasonal_naive", "mase"]
    assert abs(s.loc["model", "bias"]) < 0.05 and abs(s.loc["median8", "bias"]) < 0.1
    assert set(res.per_origin["method"]) == set(backtest.METHODS)


def test_week_has_bounds_and_the_weekly_shape_and_the_daily_rows_reach_the_horizon():
    m = _weekly_series()
    out = outlook.forecast(m, _params(horizon=24))
    fc = outlook.week(out, m)
    assert len(fc) == 7 * len(m.skus)
    assert (fc["units_lower"] <= fc["units"]).all() and (fc["units"] <= fc["units_upper"]).all()
    assert (fc["total_7d_lower"] <= fc["total_7d"]).all() and (fc["total_7d"] <= fc["total_7d_upper"]).all()
    by_dow = fc.assign(dow=[d.weekday() for d in fc["target_date"]]).groupby("dow")["units"].sum()
    assert by_dow.idxmax() == 5 and by_dow.idxmin() == 0  # Saturday peak, Monday trough
    daily = outlook.daily_rows(out, m, "production")
    assert len(daily) == 24 * len(m.skus) and daily["horizon"].max() == 24
    late = daily[daily["horizon"] > 14].assign(dow=lambda d: [x.weekday() for x in d["target_date"]])
    assert late.groupby("dow")["units"].mean().idxmax() == 5  # the weekly shape holds beyond the first week
    k = np.repeat([1.1, 0.9, 1.2, 1.0], 7)[:24]  # a calibration factor per week of the horizon
    scaled = outlook.forecast(m, _params(horizon=24), calibration=k)
    np.testing.assert_allclose(scaled.daily, out.daily * k[None, :])
    rows = outlook.daily_rows(scaled, m, "production")
    np.testing.assert_allclose(rows["calibration"], np.tile(k, len(m.skus)))
    np.testing.assert_allclose(rows["units"] / rows["calibration"], daily["units"])  # the model's own units
    np.testing.assert_allclose(outlook.week(scaled, m)["units"], outlook.week(out, m)["units"] * 1.1)


def test_the_model_never_reads_past_its_origin_and_refuses_a_model_trained_later():
    m = _weekly_series(n_sku=20)
    origin = 120
    daily, _, fitted = forecaster.forecast(m, _params(), origin)
    future = DemandMatrix(m.skus, m.start, m.Y.copy(), m.P.copy())
    future.Y[:, origin + 1 :] *= 50
    again, _, _ = forecaster.forecast(future, _params(), origin)
    np.testing.assert_allclose(daily, again)
    with pytest.raises(ValueError, match="trained on days after"):
        forecaster.predict(fitted, m, origin - 7)


def test_new_sku_uses_its_average_daily_rate():
    m = _weekly_series(n_sku=20)
    m.Y[0, :-5] = np.nan
    m.Y[0, -5:] = [1, 2, 3, 4, 5]
    m.Y[1, :] = np.nan  # never sold: no forecast row at all
    out = outlook.forecast(m, _params())
    fc = outlook.week(out, m)
    new = fc[fc["sku_id"] == "SKU-000"]
    assert (new["method"] == "new_sku_rate").all()
    np.testing.assert_allclose(new["units"], 3.0)
    assert "SKU-001" not in set(fc["sku_id"])
    assert (fc[fc["sku_id"] != "SKU-000"]["method"] == "model").all()


def test_a_brand_new_shop_forecasts_every_sku_with_the_fallback_and_skips_the_backtest():
    m = _weekly_series(n_sku=5, n_days=20)
    out = outlook.forecast(m, _params(country="CN"))
    fc = outlook.week(out, m)
    assert out.fitted.model is None and (fc["method"] == "new_sku_rate").all() and len(fc) == 35
    with pytest.raises(backtest.NotEnoughHistory):
        backtest.run(m, _params(country="CN"), n_origins=2)


def test_backtest_replays_earlier_origins_for_the_safety_stock():
    m = _weekly_series(n_sku=10)
    res = backtest.run(m, _params(horizon=14), n_origins=2, extra_origins=3, refit_every=2)
    assert res.per_origin["origin_date"].nunique() == 2
    origins = sorted(res.daily["origin_date"].unique())
    assert len(origins) == 5 and (res.daily["source"] == "backtest").all()
    assert res.daily.groupby("origin_date")["horizon"].max().eq(14).all()


def test_calibration_scales_by_the_finished_weeks_only_and_learns_from_raw_forecasts():
    from forecasts import calibration

    y = np.full((3, 100), 10.0)
    low = np.full((3, 14), 9.0)  # under-sells by 10 %
    t = 99
    book = {t - 7 * k: low for k in range(1, 5)}
    assert calibration.factor(y, book, t) == pytest.approx(10 / 9)
    assert calibration.factor(y, {t - 3: low}, t) == 1.0  # its week has not ended: not known yet
    assert calibration.factor(y, {t - 7: np.full((3, 14), 1.0)}, t) == calibration.CLIP[1]  # clipped
    cal = calibration.Calibrator()
    for k in range(4):
        out = cal(y, 70 + 7 * k, low)
    np.testing.assert_allclose(out, 10.0)  # calibrated on the raw 9s, not on its own calibrated output
    assert list(calibration.weekly({90: low, 95: low, 96: low, 88: low, 80: low}, 99)) == [96, 88, 80]


def test_time_of_year_features_can_wait_for_two_years_of_data():
    """One year of data shows each month once: with seasonal='auto' month/day_of_month stay out until two years."""
    m = _weekly_series(n_sku=20, n_days=120)
    short = forecaster.fit(m, 119, _params(horizon=7, seasonal="auto"))
    assert "month" not in short.columns and "day_of_month" not in short.columns and "dow" in short.columns
    daily, _ = forecaster.predict(short, m, 119, 7)
    assert daily.shape == (20, 7) and np.isfinite(daily).all()
    assert "month" in forecaster.columns_for(forecaster.SEASON_DAYS - 1, _params(seasonal="auto"))
    assert "month" in forecaster.columns_for(119, _params())  # the default keeps them
    assert "month" not in forecaster.columns_for(10_000, _params(seasonal="off"))


def test_a_month_seen_only_a_year_before_is_not_replayed():
    """The first two weeks of February of the first year were a closure (no sales at all); forecast them the next
    year: the model does not read them off that one February (with month_a_year_back=True it does)."""
    rng = np.random.default_rng(3)
    start = date(2024, 1, 1)  # over a year before the training window: history_days (capped) tells no row apart
    Y = rng.poisson(np.full((40, 762), 10.0)).astype(float)
    m = DemandMatrix(np.array([f"S{i}" for i in range(40)]), start, Y, np.zeros_like(Y))
    closed = m.index_of(date(2025, 2, 1))
    Y[:, closed : closed + 14] = 0
    origin = m.index_of(date(2026, 1, 31))
    blank = forecaster.forecast(m, _params(horizon=14), origin)[0]
    replay = forecaster.forecast(m, _params(horizon=14, month_a_year_back=True), origin)[0]
    assert blank.mean() == pytest.approx(10.0, rel=0.15)
    assert replay.mean() < 0.6 * blank.mean()


def test_bags_average_models_fitted_on_their_own_seeded_draws():
    m = _weekly_series(n_sku=20, n_days=120)
    one = [forecaster.forecast(m, _params(bags=1, seed=s), 119)[0] for s in (7, 8)]
    bag, _, fitted = forecaster.forecast(m, _params(bags=2, seed=7), 119)
    assert isinstance(fitted.model, forecaster.Bag) and len(fitted.model.models) == 2
    assert not np.allclose(one[0], one[1])  # the draws differ
    np.testing.assert_allclose(bag, (one[0] + one[1]) / 2, rtol=1e-6)
