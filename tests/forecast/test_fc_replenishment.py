"""Replenishment arithmetic on crafted cases: trigger, cover, on order, MOQ, pack size, pilot scope."""

import math

import pandas as pd
import pytest

from forecasts.replenishment import ReplenishmentRules, round_order, safety_stock, suggest


def _skus(**over):
    base = dict(
        sku_id=["A", "B", "C", "D"],
        category=["snacks", "snacks", "drinks", "snacks"],
        supplier_id=["S1", "S1", "S2", "S2"],
        lead_time_days=[7, 7, 14, 7],
        min_order_qty=[50, 10, 24, 1],
        pack_size=[12, 6, 24, 1],
        title="t",
        price_fen=100,
    )
    base.update(over)
    return pd.DataFrame(base)


def _safety(ss):
    return pd.DataFrame(
        {
            "sku_id": ["A", "B", "C", "D"],
            "category": "x",
            "supplier_id": "x",
            "lead_time_days": [7, 7, 14, 7],
            "review_days": 7,
            "safety_stock": ss,
        }
    )


def _run(forecast, ss, available, on_order, rules=None):
    fc = pd.DataFrame(
        {
            "sku_id": ["A", "B", "C", "D"],
            "total_7d": forecast,
            "total_7d_lower": [f * 0.8 for f in forecast],
            "total_7d_upper": [f * 1.2 for f in forecast],
        }
    )
    av = pd.DataFrame({"sku_id": ["A", "B", "C", "D"], "available": available})
    oo = pd.DataFrame({"sku_id": ["A", "B", "C", "D"], "on_order": on_order})
    out = suggest(fc, _safety(ss), _skus(), av, oo, rules or ReplenishmentRules())
    return out.set_index("sku_id")


def test_quantity_covers_lead_time_and_review_net_of_stock_and_on_order_rounded_to_pack():
    out = _run(forecast=[70, 0, 0, 0], ss=[20, 1, 1, 1], available=[30, 0, 0, 0], on_order=[15, 0, 0, 0])
    a = out.loc["A"]
    # 70/7 per day x (7 lead + 7 review) = 140; + 20 safety - 30 available - 15 on order = 115 -> 10 packs of 12
    assert a["demand_over_cover"] == pytest.approx(140)
    assert a["net_need"] == pytest.approx(115)
    assert a["suggested_qty"] == 120
    assert "exceeds 1.5 x safety stock 20 = 30" in a["reason"] and "on order 15" in a["reason"]
    assert list(out.index) == ["A"]  # B, C, D forecast 0: below the trigger


def test_moq_wins_over_a_small_need_and_is_rounded_up_to_the_pack():
    out = _run(forecast=[0, 0, 30, 0], ss=[1, 1, 10, 1], available=[0, 0, 80, 0], on_order=[0, 0, 0, 0])
    c = out.loc["C"]  # 30/7 x 21 = 90 + 10 - 80 = 20 < MOQ 24 -> 24 (one pack of 24)
    assert c["net_need"] == pytest.approx(20)
    assert c["suggested_qty"] == 24
    assert round_order(
        pd.Series([5.0, 61.0, 0.0, -3.0]), pd.Series([50, 10, 10, 10]), pd.Series([12, 6, 6, 6])
    ).tolist() == [60, 66, 0, 0]


def test_trigger_is_strictly_above_factor_times_safety_stock_and_configurable():
    # forecast exactly 1.5 x 20 = 30: not above -> nothing; factor 1.0 -> suggested
    assert _run([30, 0, 0, 0], [20, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0]).empty
    out = _run([30, 0, 0, 0], [20, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0], ReplenishmentRules(trigger_factor=1.0))
    assert list(out.index) == ["A"]


def test_enough_stock_or_on_order_means_no_suggestion_even_when_triggered():
    assert _run([70, 0, 0, 0], [20, 1, 1, 1], [100, 0, 0, 0], [60, 0, 0, 0]).empty


def test_pilot_scope_limits_categories():
    args = ([70, 70, 70, 70], [20, 20, 20, 20], [0, 0, 0, 0], [0, 0, 0, 0])
    assert set(_run(*args).index) == {"A", "B", "C", "D"}
    assert set(_run(*args, ReplenishmentRules(pilot_categories=["drinks"])).index) == {"C"}


def test_safety_stock_uses_service_level_per_category_and_lead_time_overrides():
    days = pd.date_range("2026-01-01", periods=56)
    daily = pd.concat([pd.DataFrame({"sku_id": s, "demand_date": days, "units": [0.0, 10.0] * 28}) for s in "ABCD"])
    rules = ReplenishmentRules(
        service_level_by_category={"drinks": 0.99},
        supplier_lead_time_days={"S2": 21},
        sku_lead_time_days={"D": 2},
        review_days=7,
    )
    ss = safety_stock(daily, _skus(), rules, days[-1]).set_index("sku_id")
    assert ss.loc["A", "daily_sd"] == pytest.approx(5.0)
    assert ss.loc["A", "safety_stock"] == pytest.approx(1.6448536 * 5 * math.sqrt(14), rel=1e-6)
    assert ss.loc["C", "lead_time_days"] == 21 and ss.loc["C", "service_level"] == 0.99
    assert ss.loc["C", "safety_stock"] == pytest.approx(2.3263479 * 5 * math.sqrt(28), rel=1e-6)
    assert ss.loc["D", "lead_time_days"] == 2  # SKU override beats its supplier's
