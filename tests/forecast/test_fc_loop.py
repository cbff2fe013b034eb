"""The closed loop: receipts after the lead time, lost sales vs backorders, late deliveries, the metrics,
and OrderHub's policy against the baselines on synthetic demand (a book of true-mean forecasts)."""

from datetime import date

import numpy as np
import pytest

from forecasts import loop_bench
from forecasts.features import DemandMatrix
from forecasts.loop import LoopConfig, run
from forecasts.loop_policies import OrderHubPolicy


def _orders(qty_by_day):
    return lambda s: np.full(len(s.on_hand), qty_by_day.get(s.t, 0.0))


def test_lost_sales_receipt_on_the_morning_of_day_plus_lead_and_metrics():
    demand = np.full((1, 10), 4.0)
    res = run(demand, 0, 9, 0, [0], _orders({0: 20.0}), LoopConfig(lead_days=3), np.array([10.0]))
    # stock 10: days 0-1 served (8), day 2 gets 2 of 4; day 3 receives 20 -> days 3-7 served, 8-9 short
    assert res.demand_units == 40 and res.served_units == 10 + 20
    assert res.fill_rate == pytest.approx(30 / 40)
    assert res.stockout_days == 1 + 2  # day 2 partly, days 8 and 9 fully
    assert res.daily_inventory.tolist() == [6, 2, 0, 16, 12, 8, 4, 0, 0, 0]
    assert res.inventory_days == pytest.approx(np.mean([6, 2, 0, 16, 12, 8, 4, 0, 0, 0]) / 4)
    assert (res.orders, res.units_bought) == (1, 20)


def test_backorders_are_served_first_from_the_next_receipt_and_do_not_count_as_filled():
    demand = np.full((1, 6), 5.0)
    res = run(demand, 0, 5, 0, [0], _orders({0: 30.0}), LoopConfig(lead_days=2, backorders=True), np.array([0.0]))
    # days 0-1 owed 10; day 2 receives 30: pays 10 back, serves 5; days 3-5 served from the 15 left
    assert res.served_units == 5 * 4 and res.fill_rate == pytest.approx(20 / 30)
    assert res.daily_inventory.tolist() == [0, 0, 15, 10, 5, 0]


def test_late_deliveries_arrive_later_and_warmup_days_are_not_scored():
    demand = np.full((1, 12), 1.0)
    on_time = run(demand, 0, 11, 4, [0], _orders({0: 12.0}), LoopConfig(lead_days=3), np.array([0.0]))
    late = run(
        demand,
        0,
        11,
        4,
        [0],
        _orders({0: 12.0}),
        LoopConfig(lead_days=3, late_share=1.0, late_days_max=3),
        np.array([0.0]),
    )
    assert on_time.demand_units == 8 and on_time.fill_rate == 1.0
    assert late.fill_rate < 1.0 and late.served_units >= 8 - 3


def _world(n_sku=40, n_days=260, seed=3):
    rng = np.random.default_rng(seed)
    rate = rng.uniform(0.5, 30, size=(n_sku, 1))
    erratic = rng.random((n_sku, 1)) < 0.3
    y = np.where(
        erratic,
        rng.poisson(rate * 5, (n_sku, n_days)) * (rng.random((n_sku, n_days)) < 0.2),
        rng.poisson(rate, (n_sku, n_days)),
    ).astype(float)
    m = DemandMatrix(np.array([f"S{i}" for i in range(n_sku)]), date(2026, 1, 1), y, np.zeros_like(y))
    ones = np.ones(n_sku, np.int64)
    mean = np.where(erratic, rate * 5 * 0.2, rate)[:, 0]
    return loop_bench.World("synthetic", m, np.arange(n_sku), 7 * ones, ones, ones, "GB"), mean


def test_orderhub_with_a_good_forecast_serves_well_and_baselines_are_matched_to_its_fill_rate():
    world, mean = _world()
    setup = loop_bench.Setup(world, weeks=16, warmup_weeks=10, review_days=7, service_level=0.95)
    book = {t: np.repeat(mean[:, None], 21, axis=1) for t in setup.reviews}  # the true mean as the forecast
    res = loop_bench.compare(setup, book, lead=7, search_steps=6)
    oh = res["policies"]["orderhub"]
    assert oh.fill_rate > 0.95 and 5 < oh.inventory_days < 40
    assert set(res["policies"]) == {"orderhub", "rop_ma28", "out_ma28", "out_snaive"}
    for name, mt in res["matched"].items():
        assert not mt["reached"] or mt["fill_rate"] >= oh.fill_rate, name
    # a forecast that under-sells by half: its own past errors show the 28-day mean needs less stock, and what is
    # left is held as safety stock, so service holds
    half = {t: f / 2 for t, f in book.items()}
    policy = OrderHubPolicy(
        demand=world.m.Y,
        book=half,
        lead_days=world.lead_days,
        review_days=7,
        service_level=0.95,
        moq=world.moq,
        pack=world.pack,
    )
    again = loop_bench._run(setup, world.m.Y, world.lead_days, policy)
    assert again.fill_rate > 0.95
    last = policy.plans[setup.reviews[-1]]
    true_cover = mean * 14
    assert np.median(last.cover_demand / true_cover) > 0.8  # planned with the 28-day mean blended in, not the half
    assert (last.target > true_cover).mean() > 0.8  # the order-up-to level covers the true mean


def test_result_rows_fit_the_replenishment_loop_table(orderhub_home):
    import pandas as pd

    from forecasts.warehouse_io import replace_table
    from orderhub import warehouse

    world, mean = _world(n_sku=10)
    setup = loop_bench.Setup(world, weeks=6, warmup_weeks=4, review_days=7, service_level=0.9)
    book = {t: np.repeat(mean[:, None], 21, axis=1) for t in setup.reviews}
    res = loop_bench.compare(setup, book, lead=3, search_steps=2)
    rows = pd.DataFrame(loop_bench.result_rows(setup, res, "3", pd.Timestamp.now(tz="UTC")))
    con = warehouse.connect(orderhub_home.target)
    replace_table(con, "forecast.replenishment_loop", rows)
    got = con.execute("select policy, fill_rate from forecast.replenishment_loop order by policy").fetchall()
    con.close()
    assert {p for p, _ in got} >= {"orderhub", "rop_ma28", "out_ma28", "out_snaive"}
    assert all(0 <= f <= 1 for _, f in got)
