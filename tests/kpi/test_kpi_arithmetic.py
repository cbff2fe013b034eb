"""KPI arithmetic on crafted hub data (kpi_fixtures.py documents each order's timeline)."""

from __future__ import annotations

import kpi_fixtures
import numpy as np
import pytest

from orderhub.sqlmodels import project, run


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = kpi_fixtures.seeded_warehouse(tmp_path_factory.mktemp("kpi") / "w.duckdb")
    yield con
    con.close()


def row(con, sql: str, params=None) -> dict:
    frame = con.execute(sql, params or []).df()
    assert len(frame) == 1, frame
    return frame.iloc[0].to_dict()


def test_processing_time_percentiles_match_numpy(con):
    day = row(con, "select * from kpi.daily_fulfilment where order_day = '2026-11-19' and channel = 'all'")
    to_task = [10, 40, 20]  # o1, o2, o3 (o4 still waiting, o6 cancelled: no task)
    to_ship = [120, 240, 120]
    assert day["avg_minutes_to_task"] == pytest.approx(np.mean(to_task))
    assert day["p50_minutes_to_task"] == pytest.approx(np.percentile(to_task, 50))
    assert day["p90_minutes_to_task"] == pytest.approx(np.percentile(to_task, 90))  # 36.0
    assert day["p90_minutes_to_ship"] == pytest.approx(np.percentile(to_ship, 90))  # 216.0
    taobao = row(con, "select * from kpi.daily_fulfilment where order_day = '2026-11-19' and channel = 'taobao'")
    assert taobao["p90_minutes_to_task"] == pytest.approx(np.percentile([10, 40], 90))


def test_order_counts_and_sla_breaches(con):
    day = row(con, "select * from kpi.daily_fulfilment where order_day = '2026-11-19' and channel = 'all'")
    assert (day["orders"], day["paid_orders"], day["shipped_orders"]) == (6, 5, 3)
    assert day["sla_breaches"] == 2 and day["sla_breach_rate"] == pytest.approx(2 / 5)
    assert not day["is_sla_target_met"]
    per_channel = con.execute(
        "select channel, sla_breaches from kpi.daily_fulfilment where order_day = '2026-11-19' and channel <> 'all' "
        "order by channel"
    ).fetchall()
    assert per_channel == [("douyin", 1), ("taobao", 1)]


def test_sla_breaches_say_where_orders_waited(con):
    rows = {r["order_id"]: r for r in con.execute("select * from kpi.sla_breaches").df().to_dict("records")}
    assert set(rows) == {"taobao:o2", "douyin:o4"}  # o6 was cancelled before a task: not a breach
    o2 = rows["taobao:o2"]
    assert (o2["waited_stage"], o2["minutes_to_task"], o2["minutes_over_target"]) == ("backorder", 40.0, 10.0)
    assert o2["minutes_backorder"] == 30.0 and not o2["is_still_waiting"]
    o4 = rows["douyin:o4"]  # paid 2026-11-19 03:00Z, still no task at AS_OF 2026-11-20 12:00Z
    assert o4["is_still_waiting"] and o4["waited_stage"] == "awaiting_processing"
    assert o4["minutes_to_task"] == 33 * 60


def test_shipping_error_rate_per_mille(con):
    day = row(con, "select * from kpi.daily_fulfilment where order_day = '2026-11-19' and channel = 'all'")
    # wrong_item (o1) + wrong_address (o2); o3's 'damaged' is not a shipping error; 3 shipped orders
    assert day["shipping_error_tickets"] == 2
    assert day["shipping_error_permille"] == pytest.approx(2 / 3 * 1000)
    assert not day["is_shipping_error_target_met"]
    douyin = row(con, "select * from kpi.daily_fulfilment where order_day = '2026-11-19' and channel = 'douyin'")
    assert douyin["shipping_error_permille"] == 0 and douyin["is_shipping_error_target_met"]


def test_api_success_rate_against_target(con):
    day = row(con, "select * from kpi.daily_fulfilment where order_day = '2026-11-19' and channel = 'all'")
    assert (day["api_calls"], day["api_success_rate"]) == (20, pytest.approx(19 / 20))  # wms calls count in 'all'
    taobao = row(con, "select * from kpi.daily_fulfilment where order_day = '2026-11-19' and channel = 'taobao'")
    assert taobao["api_success_rate"] == pytest.approx(0.9) and not taobao["is_api_target_met"]


def test_orders_per_operator_against_baseline(con):
    day = row(con, "select * from kpi.daily_fulfilment where order_day = '2026-11-19' and channel = 'all'")
    assert day["active_operators"] == 2 and day["orders_per_operator"] == pytest.approx(2.5)
    assert day["baseline_orders_per_operator"] == pytest.approx(2.0)
    assert day["orders_per_operator_change"] == pytest.approx(0.25) and not day["is_productivity_target_met"]


def test_configured_baseline_period_is_used(tmp_path):
    con = kpi_fixtures.seeded_warehouse(tmp_path / "w.duckdb")
    # a baseline that is the go-live day itself: change is 0
    kpi_fixtures.build_all(
        con, {**kpi_fixtures.VARIABLES, "kpi_baseline_start": "2026-11-19", "kpi_baseline_end": "2026-11-20"}
    )
    day = row(con, "select * from kpi.daily_fulfilment where order_day = '2026-11-19' and channel = 'all'")
    assert day["baseline_orders_per_operator"] == pytest.approx(2.5) and day["orders_per_operator_change"] == 0
    kpi_fixtures.build_all(con)  # same connection, no baseline given: back to the data-driven default
    day = row(con, "select * from kpi.daily_fulfilment where order_day = '2026-11-19' and channel = 'all'")
    assert day["baseline_orders_per_operator"] == pytest.approx(2.0)


def test_backlog_heatmap_stock_outs_and_suggestions(con):
    backlog = con.execute(
        "select channel, backlog_state, orders_waiting, oldest_wait_minutes from kpi.channel_backlog order by channel"
    ).fetchall()
    assert backlog == [("douyin", "awaiting_processing", 1, 33 * 60.0), ("taobao", "awaiting_pick", 1, 30.0)]

    assert con.execute("select count(*) from kpi.hourly_heatmap").fetchone()[0] == 168
    thu10 = row(con, "select * from kpi.hourly_heatmap where weekday_name = 'Thu' and hour_of_day = 10")
    assert (thu10["paid_orders"], thu10["avg_minutes_to_task"], thu10["sla_breaches"]) == (2, 25.0, 1)

    outs = con.execute("select sku_id, warehouse_id, is_out_everywhere, units_waiting from kpi.stock_outs").fetchall()
    assert outs == [("SKU-2", "WH-HZ", True, 3), ("SKU-1", "WH-HZ", False, 0)]

    top = con.execute("select suggestion_rank, sku_id, suggested_qty from kpi.replenishment_top").fetchall()
    # newest day only, most urgent (earliest stock-out) first; the superseded row is ignored
    assert top == [(1, "SKU-2", 60), (2, "SKU-1", 40)]


def test_replenishment_service_shows_the_latest_loop_beside_the_backtest(con):
    rows = con.execute(
        "select policy, fill_rate, inventory_days, model_wape, seasonal_naive_wape, model_bias"
        " from kpi.replenishment_service order by policy"
    ).fetchall()
    assert [r[:3] for r in rows] == [
        ("orderhub", 0.975, 20.0),
        ("rop_ma28", 0.95, 22.0),
        ("rop_ma28@matched", 0.976, 30.0),
    ]
    assert rows[0][3:] == pytest.approx((0.4, 0.5, -0.05))


def test_reconciliation_summary_covers_the_last_seven_days(con):
    summary = row(con, "select * from kpi.reconciliation_summary")
    # 2026-11-10 is outside the 7 days ending 2026-11-19
    assert (summary["days_checked"], summary["days_matched"], summary["missing_in_hub"]) == (2, 1, 2)
    assert not summary["is_all_matched"]


def test_every_yaml_test_passes_on_the_crafted_data(con):
    failures = [
        (m.relation, r.name, r.sample) for m in project.discover() for r in run.run_tests(con, m) if not r.passed
    ]
    assert failures == []
