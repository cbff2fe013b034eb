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
    assert policy.round_order(np.array([5.0, 61.0, 0.0, -3.0]), np.array([50, 10, 10, 10]),
                              np.array([12, 6, 6, 6])).tolist() == [60, 66, 0, 0]


def test_days_of_cover_and_stockout_without_the_order():
    p = _plan([35.0, 0.0, 500.0], on_order=[30.0, 0.0, 0.0], rate=10.0, days=28)
    assert p.days_of_cover.tolist() == [3, 0, 50]  # 35 units last 3 full days; 500 beyond the horizon
    assert p.days_to_stockout[0] == 6  # 65 with what is on order
    assert np.isinf(policy.days_until_out(np.zeros((1, 7)), np.array([5.0])))[0]


def test_cover_demand_extrapolates_past_the_horizon_with_the_last_week():
    daily = np.tile(np.r_[np.full(7, 1.0), np.full(7, 2.0)], (1, 1))
    assert policy.cover_demand(daily, np.array([10]))[0] == pytest.approx(7 + 3 * 2)
    assert policy.cover_demand(daily, np.array([21]))[0] == pytest.approx(7 + 14 + 7 * 2)


def test_safety_stock_follows_the_forecast_errors_and_the_service_level():
    rng = np.random.default_rng(1)
    f = rng.uniform(10, 100, 4000)
    cv = rng.uniform(0.2, 2, 4000)
    sd = f / 14 * cv  # daily sd of a SKU whose 14-day cover forecast is f
    noisy = cv > 1.1  # erratic SKUs miss by more than their own sd suggests
    scale = safety.error_scale(sd, 14)
    a = np.maximum(f + scale * rng.normal(0, np.where(noisy, 2.0, 0.5)), 0)
    model = safety.fit_errors(f, a, cv, scale)
    fc, cvs = np.array([50.0, 50.0]), np.array([0.3, 1.8])
    sds = fc / 14 * cvs
    ss95 = safety.safety_stock(fc, np.array([14, 14]), model, 0.95, sds, cvs)
    ss99 = safety.safety_stock(fc, np.array([14, 14]), model, 0.99, sds, cvs)
    assert ss95[1] > 10 * ss95[0] and (ss99 > ss95).all()
    assert ss95[1] == pytest.approx(2.0 * 1.645 * safety.error_scale(sds[1], 14), rel=0.2)
    assert ss95[0] == pytest.approx(0.5 * 1.645 * safety.error_scale(sds[0], 14), rel=0.2)
    with_lead = safety.safety_stock(fc, np.array([14, 14]), model, 0.95, sds, cvs, lead_sd_days=3.0)
    assert (with_lead > ss95).all()
    cold = safety.safety_stock(fc, np.array([16, 16]), None, 0.95, np.array([2.0, 4.0]), cvs)
    np.testing.assert_allclose(cold, 1.6448536 * np.array([2.0, 4.0]) * 4, rtol=1e-6)
    assert safety.fit_errors(f[:10], a[:10], cv[:10], scale[:10]) is None
