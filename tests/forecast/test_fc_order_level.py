"""The order-up-to level chosen on past pairs: the forecast planned with (the model's blended with the 28-day mean)
is the one whose past errors needed the least stock for the fill-rate target, and the same choice reaches the
plan (forecasts.safety.estimate) and the suggestions."""

import numpy as np
import pandas as pd

from forecasts import order_level, safety


def _steady(n=80, days=400, seed=5):
    rng = np.random.default_rng(seed)
    rate = rng.uniform(2, 30, n)
    return rate, rng.poisson(rate[:, None], (n, days)).astype(float)


def _book(rate, days, noise, seed=6):
    """Forecasts made weekly over the last 200 days: the true rate times a per-origin, per-SKU error."""
    rng = np.random.default_rng(seed)
    return {
        r: np.repeat((rate * np.exp(noise * rng.standard_normal(len(rate))))[:, None], 21, axis=1)
        for r in range(days - 200, days - 14, 7)
    }


def test_a_forecast_worse_than_the_28_day_mean_is_blended_with_it_and_a_true_one_is_kept():
    rate, y = _steady()
    t = y.shape[1] - 1
    for noise, blended in ((0.6, True), (0.0, False)):
        pairs = safety.pairs_from_book(y, _book(rate, y.shape[1], noise), 14, t, 26, 7)
        c = order_level.choose(pairs, 0.975)
        assert (c.weight < 1) == blended, (noise, c.weight)
        # the choice is the least summed order-up-to level among the weights tried
        model_only = order_level.choose(pairs, 0.975, weights=(1.0,))
        assert c.held <= model_only.held


def test_estimate_plans_with_the_blend_it_sized_the_safety_stock_for():
    rate, y = _steady()
    noisy = _book(rate, y.shape[1], 0.6)
    today = noisy[max(noisy)]
    est = safety.estimate(y, today, noisy, 14, 0.975, lead=7)
    w = est.weight[0]
    assert (est.weight == w).all() and w < 1
    mean = order_level.moving_mean(y)
    np.testing.assert_allclose(est.forecast, w * today + (1 - w) * mean[:, None])
    # cycle service keeps the model's forecast as it is
    cycle = safety.estimate(y, today, noisy, 14, 0.95, lead=7, measure="cycle")
    assert (cycle.weight == 1).all() and np.array_equal(cycle.forecast, today) and (cycle.share == 0).all()


def test_suggestions_use_the_stored_blend():
    from datetime import date

    from forecasts import suggestions

    daily = pd.DataFrame([[10.0] * 14, [10.0] * 14], index=["A", "B"], columns=range(1, 15))
    safety_rows = pd.DataFrame(
        {
            "sku_id": ["A", "B"],
            "safety_stock": [0.0, 0.0],
            "lead_time_days": [7, 7],
            "review_days": [7, 7],
            "forecast_weight": [1.0, 0.5],
            "mean_28d": [30.0, 30.0],
        }
    )
    skus = pd.DataFrame({"sku_id": ["A", "B"], "category": "c", "supplier_id": "s", "min_order_qty": 1, "pack_size": 1})
    stock = pd.DataFrame({"sku_id": ["A", "B"], "on_hand": [0, 0], "reserved": [0, 0]})
    supply = pd.DataFrame({"sku_id": ["A", "B"], "on_order": [0, 0]})
    out = suggestions.build(
        date(2026, 12, 6), daily, safety_rows, skus, stock, supply, suggestions.SuggestionRules()
    ).set_index("sku_id")
    assert out.loc["A", "suggested_qty"] == 140 and out.loc["B", "suggested_qty"] == 280  # 14 x (10 + 30) / 2
    assert out.loc["B", "forecast_7d"] == 70  # the model's own 7 days are shown, beside its range
