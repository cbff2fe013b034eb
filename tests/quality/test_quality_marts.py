"""Item master, SKU map, status history, inventory, KPI and forecast suites: each blocking rule fails on a crafted
bad mart and passes on a good one; every suite's columns exist in the warehouse contract (orderhub/ddl) where the
table has DDL."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from quality_testkit import crafted_db

from quality.checks import FALLBACK, build_checks, load_suites
from quality.framework import Window, run_suite
from resources.quality_settings import QualitySettings

SUITES = load_suites()
D = date(2026, 11, 20)
NOW = pd.Timestamp("2026-11-21 01:00", tz="UTC")


def daily_fulfilment() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_day": [D, D],
            "channel": ["taobao", "all"],
            "orders": [100, 150],
            "paid_orders": [95, 140],
            "shipped_orders": [80, 120],
            "sla_breaches": [3, 4],
            "shipping_error_tickets": [0, 1],
            "api_calls": [500, 800],
            "api_success_rate": [0.995, 0.996],
            "sla_breach_rate": [0.03, 0.03],
        }
    )


def channel_backlog() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "channel": ["taobao", "douyin"],
            "backlog_state": ["awaiting_pick", "backorder"],
            "orders_waiting": [4, 1],
            "oldest_wait_minutes": [90.0, 10.0],
            "avg_wait_minutes": [40.0, 10.0],
            "as_of_at": [NOW, NOW],
        }
    )


def demand_7d() -> pd.DataFrame:
    days = [D + timedelta(days=h) for h in range(1, 8)]
    return pd.DataFrame(
        {
            "as_of_date": D,
            "sku_id": "SKU-00001",
            "target_date": days,
            "horizon": list(range(1, 8)),
            "units": 3.0,
            "units_lower": 1.0,
            "units_upper": 6.0,
            "total_7d": 21.0,
            "total_7d_lower": 12.0,
            "total_7d_upper": 30.0,
            "method": "model",
            "created_at": NOW,
        }
    )


def suggestions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "suggestion_id": ["s1", "s2"],
            "suggestion_date": [D, D],
            "sku_id": ["SKU-00001", "SKU-00002"],
            "category": "文具",
            "supplier_id": "SUP-1",
            "forecast_7d": [21.0, 5.0],
            "forecast_7d_lower": [12.0, 2.0],
            "forecast_7d_upper": [30.0, 9.0],
            "safety_stock": [8.0, 2.0],
            "trigger_level": [12.0, 3.0],
            "lead_time_days": 5,
            "review_days": 7,
            "demand_over_cover": [36.0, 9.0],
            "available": [3, 10],
            "on_order": [0, 0],
            "net_need": [41.0, 0.0],
            "min_order_qty": [10, 10],
            "pack_size": [6, 6],
            "suggested_qty": [42, 0],
            "reason": "below trigger",
            "post_status": ["pending", "accepted"],
            "batch_id": None,
            "post_error": None,
            "posted_at": pd.NaT,
            "created_at": NOW,
        }
    )


def backtest() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "origin_date": [D, D],
            "method": ["model", "seasonal_naive"],
            "wape": [0.3, 0.4],
            "mase": [0.8, 1.0],
            "actual_units": [500.0, 500.0],
            "abs_error": [150.0, 200.0],
            "n_skus": [300, 300],
            "seconds": [1.0, 0.1],
            "run_at": NOW,
        }
    )


def stock_snapshot() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "warehouse_id": ["WH-HZ", "WH-GZ"],
            "sku_id": ["SKU-00001", "SKU-00001"],
            "on_hand": [5, 0],
            "locked": [1, 0],
            "updated_at": NOW,
            "snapshot_at": NOW,
        }
    )


def availability() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sku_id": ["SKU-00001"],
            "warehouse_id": ["WH-HZ"],
            "on_hand": [5],
            "locked": [1],
            "reserved": [1],
            "safety_buffer": [1],
            "available": [2],
            "is_oversold": [False],
            "is_stock_out": [False],
            "snapshot_at": [NOW],
            "computed_at": [NOW],
        }
    )


def skus() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sku_id": ["SKU-00001", "SKU-00002"],
            "title": ["纸尿裤", "湿巾"],
            "category": ["母婴", "母婴"],
            "price_fen": [9900, 1990],
            "pack_size": [4, 10],
            "min_order_qty": [8, 20],
            "lead_time_days": [5, 3],
            "supplier_id": ["SUP-1", "SUP-2"],
            "updated_at": NOW,
        }
    )


def sku_map() -> pd.DataFrame:
    return pd.DataFrame(
        {"channel": ["taobao", "douyin"], "channel_sku": ["TB-1", "DY-1"], "sku_id": ["SKU-00001", "SKU-00001"]}
    )


def status_history() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": ["taobao:1", "taobao:1"],
            "order_date": [D, D],
            "from_status": [None, "paid"],
            "to_status": ["paid", "shipped"],
            "changed_at": [NOW, NOW],
            "source": ["api", "api"],
            "content_hash": ["00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002"],
            "is_illegal": [False, False],
        }
    )


def _set(col, value, row=0):
    def mutate(f: pd.DataFrame) -> None:
        f[col] = f[col].astype(object) if value is None else f[col]
        f.loc[row, col] = value

    return mutate


CASES = [
    ("hub.skus", skus, "sku_id_unique", _set("sku_id", "SKU-00002")),
    ("hub.skus", skus, "item_master_sane", _set("pack_size", 0)),
    (
        "hub.sku_map",
        sku_map,
        "one_mapping_per_channel_sku",
        lambda f: _set("channel", "douyin")(f) or _set("channel_sku", "DY-1")(f),
    ),
    ("hub.sku_map", sku_map, "maps_to_known_sku", _set("sku_id", "SKU-09999")),
    ("hub.order_status_history", status_history, "transitions_valid", _set("to_status", "TRADE_FINISHED")),
    ("inventory.stock_snapshot", stock_snapshot, "keys_not_null", _set("sku_id", None)),
    ("inventory.stock_snapshot", stock_snapshot, "quantities_non_negative", _set("locked", -1)),
    ("inventory.availability", availability, "keys_not_null", _set("warehouse_id", None)),
    ("inventory.availability", availability, "quantities_non_negative", _set("safety_buffer", -3)),
    ("inventory.availability", availability, "available_consistent", _set("available", 3)),
    ("kpi.daily_fulfilment", daily_fulfilment, "ge_keys_unique", _set("channel", "all")),
    ("kpi.daily_fulfilment", daily_fulfilment, "counts_consistent", _set("shipped_orders", 99)),
    ("kpi.daily_fulfilment", daily_fulfilment, "rates_in_range", _set("api_success_rate", 1.2)),
    ("kpi.channel_backlog", channel_backlog, "ge_state_valid", _set("backlog_state", "lost")),
    ("kpi.channel_backlog", channel_backlog, "waits_consistent", _set("orders_waiting", 0)),
    ("forecast.demand_7d", demand_7d, "one_row_per_sku_day", _set("horizon", 8)),
    ("forecast.demand_7d", demand_7d, "intervals_ordered", _set("units_lower", 4.0)),
    ("forecast.replenishment_suggestions", suggestions, "ge_keys_valid", _set("post_status", "sent??")),
    ("forecast.replenishment_suggestions", suggestions, "quantities_non_negative", _set("suggested_qty", -6)),
    ("forecast.backtest", backtest, "errors_valid", _set("wape", -0.1)),
]


@pytest.mark.parametrize("table,make,rule,mutate", CASES, ids=[f"{c[0]}:{c[2]}" for c in CASES])
def test_mart_blocking_rules(table, make, rule, mutate):
    suite = SUITES[table]
    assert next(r for r in suite.rules if r.name == rule).blocking
    key = table.replace(".", "__")
    extra = {"hub__skus": skus()} if table == "hub.sku_map" else {}  # the map is checked against the item master
    (good,) = run_suite(crafted_db(**{key: make()}, **extra), suite, QualitySettings(), Window(), only={rule})
    assert good.passed, (good.error, good.outcomes)
    bad_frame = make()
    mutate(bad_frame)
    (bad,) = run_suite(crafted_db(**{key: bad_frame}, **extra), suite, QualitySettings(), Window(), only={rule})
    assert not bad.passed and bad.failing_count >= 1


def test_every_suite_runs_clean_on_the_empty_contract_tables():
    con = crafted_db()
    tables = {
        f"{s}.{t}" for s, t in con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    }
    checked = 0
    for table, suite in SUITES.items():
        if table not in tables:
            continue  # e.g. kpi marts: built by the SQL runner, no DDL file
        for r in run_suite(con, suite, QualitySettings(), Window(D, D)):
            assert r.error is None, f"{table}.{r.rule.name}: {r.error}"
            if r.rule.name != "snapshot_fresh":  # no snapshot at all is stale by definition
                assert r.passed, f"{table}.{r.rule.name}"
            checked += 1
    assert checked >= 20


def test_rules_of_tables_without_an_asset_move_to_the_asset_that_writes_them():
    checks = build_checks({"raw.channel_orders": False})
    keys = {(".".join(k.asset_key.path), k.name) for c in checks for k in c.check_keys}
    assert keys == {
        ("raw.channel_orders", "api_success_rate"),
        ("raw.channel_orders", "quarantine_share_low"),
        ("raw.channel_orders", "key_unique"),  # raw's own key, and those of the tables moved onto it
        ("raw.channel_orders", "quarantine_key_unique"),
        ("raw.channel_orders", "api_calls_key_unique"),
    }
    assert set(FALLBACK.values()) == {"raw.channel_orders"}
