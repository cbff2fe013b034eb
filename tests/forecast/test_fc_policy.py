"""The stock-aware policy: reorder below target whatever the surge rule says; MOQ/pack; cover and stock-out."""

import numpy as np
import pytest

from forecasts import policy, safety


def _plan(on_hand, on_order=0, reserved=0, rate=10.0, ss=20.0, lead=7, moq=1, pack=1, days=28):
    n = len(on_hand)
    daily = np.full((n, days), rate)
    arr = lambda v: np.broadcast_to(np.asarray(v, float), (n,)).copy()  # noqa: E731
    return policy.plan(daily, arr(on_hand), arr(on_order), arr(reserved), arr(lead), 7, arr(ss), arr(moq), arr(pack))


def test_orders_up_to_forecast_over_lead_and_review_plus_safety_net_of_position():
    p = _plan([30.0], on_order=15, reserved=5)
    # target = 10/day x (7 + 7) + 20 = 160; position = 30 + 15 - 5 = 40 -> 120
    assert p.target[0] == pytest.approx(160) and p.position[0] == pytest.approx(40)
    assert p.reorder[0] and p.quantity[0] == 120
    assert p.projected[0] == pytest.approx(40 - 140)


def test_an_erratic_sku_with_an_empty_shelf_is_ordered_although_the_surge_rule_fails():
    # safety stock 100 > 7-day forecast 70 / 1.5: the seed's gate would never suggest it
    p = _plan([0.0], ss=100.0)
    assert not p.surge[0] and p.reorder[0] and p.quantity[0] == 240
    assert _plan([0.0], ss=20.0).surge[0]  # 70 > 1.5 x 20: flagged as a surge, shown only


def test_no_order_when_projected_position_covers_safety_stock_and_moq_pack_rounding():
    assert _plan([160.0]).quantity[0] == 0 and not _plan([160.0]).reorder[0]
    assert _plan([159.0]).quantity[0] == 1
    assert _plan([159.0], moq=50, pack=12).quantity[0] == 60  # MOQ 50 -> 5 packs of 12
    assert policy.round_order(
        np.array([5.0, 61.0, 0.0, -3.0]), np.array([50, 10, 10, 10]), np.array([12, 6, 6, 6])
    ).tolist() == [60, 66, 0, 0]


def test_days_of_cover_and_stockout_without_the_order():
    p = _plan([35.0, 0.0, 500.0], on_order=[30.0, 0.0, 0.0], rate=10.0, days=28)
    assert p.days_of_cover.tolist() == [3, 0, 50]  # 35 units last 3 full days; 500 beyond the horizon
    assert p.days_to_stockout[0] == 6  # 65 with what is on order
    assert np.isinf(policy.days_until_out(np.zeros((1, 7)), np.array([5.0])))[0]


def test_cover_demand_extrapolates_past_the_horizon_with_the_last_week():
    daily = np.tile(np.r_[np.full(7, 1.0), np.full(7, 2.0)], (1, 1))
    assert policy.cover_demand(daily, np.array([10]))[0] == pytest.approx(7 + 3 * 2)
    assert policy.cover_demand(daily, np.array([21]))[0] == pytest.approx(7 + 14 + 7 * 2)


def _history(n_days=420, seed=1):
    rng = np.random.default_rng(seed)
    steady = rng.poisson(10, (20, n_days))
    bulk = np.where(rng.random((20, n_days)) < 0.05, 200, 0) + rng.poisson(1, (20, n_days))  # rare bulk orders
    return np.vstack([steady, bulk]).astype(float)


def test_safety_stock_follows_the_forecast_errors_the_dispersion_and_the_service_level():
    y = _history()
    t = y.shape[1] - 1
    mean = y.mean(axis=1)
    book = {r: np.repeat(mean[:, None], 28, axis=1) for r in range(t - 14 * 12, t, 7)}  # unbiased forecasts
    est = safety.estimate(y, np.repeat(mean[:, None], 28, 1), book, 14, 0.95)
    assert (est.method == "forecast_errors").all() and est.pairs >= 50
    steady, bulk = est.safety_stock[:20].mean(), est.safety_stock[20:].mean()
    assert bulk > 8 * steady  # the bulk seller swings far more over 14 days
    d = safety.cover_dispersion(y, 14)
    np.testing.assert_allclose(est.safety_stock, np.maximum(est.quantile, 0) * d)
    assert 0.5 < est.quantile[0] < 3  # standardized errors of unbiased forecasts: a z-like quantile
    high = safety.estimate(y, np.repeat(mean[:, None], 28, 1), book, 14, 0.99)
    assert (high.safety_stock > est.safety_stock).all()
    late = safety.estimate(y, np.repeat(mean[:, None], 28, 1), book, 14, 0.95, lead_sd_days=3.0)
    assert (late.safety_stock > est.safety_stock).all()


def test_a_forecast_that_under_sells_gets_more_safety_stock_and_no_errors_means_the_normal_rule():
    y = _history()
    t = y.shape[1] - 1
    mean = np.repeat(y.mean(axis=1)[:, None], 28, axis=1)
    fair = dict.fromkeys(range(t - 100, t, 7), mean)
    low = dict.fromkeys(fair, 0.7 * mean)
    assert (
        safety.estimate(y, mean, low, 14, 0.95).safety_stock > safety.estimate(y, mean, fair, 14, 0.95).safety_stock
    ).all()
    cold = safety.estimate(y, mean, {}, 14, 0.95)
    assert (cold.method == "normal").all() and cold.pairs == 0
    np.testing.assert_allclose(cold.safety_stock, 1.6448536 * safety.cover_dispersion(y, 14), rtol=1e-6)


def test_only_finished_covers_count_and_the_window_is_the_last_year():
    y = _history(n_days=500)
    t = y.shape[1] - 1
    mean = np.repeat(y.mean(axis=1)[:, None], 28, axis=1)
    assert len(safety.pairs_from_book(y, {t - 10: mean}, 14, t, 8)) == 0  # its 14 days have not all passed
    assert len(safety.pairs_from_book(y, {t - 14: mean}, 14, t, 8)) == 40
    old = y.copy()
    old[:, :100] *= 50  # more than a year back: outside the window
    np.testing.assert_allclose(safety.cover_dispersion(old, 14), safety.cover_dispersion(y, 14))


def test_errors_from_origins_too_young_for_a_dispersion_do_not_count():
    """At an origin with fewer than 28 cover-long windows behind it the dispersion is ~1 unit; an error counted in
    units there made the pooled quantile explode (a 90-day shop held 1,692 days of stock in its closed loop)."""
    y = _history(n_days=120)
    mean = np.repeat(y.mean(axis=1)[:, None], 28, axis=1)
    young = {10: 0.2 * mean}  # 11 days of history at the origin, far under-forecast
    assert len(safety.pairs_from_book(y, young, 14, 119, 8)) == 0
    assert len(safety.pairs_from_book(y, {14 + 27: mean}, 14, 119, 8)) == 40  # 42 days: 28 windows, it counts
    est = safety.estimate(y, mean, {**young, **dict.fromkeys(range(50, 105, 7), mean)}, 14, 0.95)
    assert est.method[0] == "forecast_errors" and est.quantile[0] < 3
