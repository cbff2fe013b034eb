"""Each blocking rule fails on a crafted bad table (with a failing count and a sample) and passes on a good one."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from quality_testkit import crafted_db, good_lines, good_orders

from quality.checks import load_suites
from quality.framework import TableSuite, Window, run_suite
from quality.pii import pii_rule
from quality.report import sample
from resources.quality_settings import QualitySettings

SUITES = load_suites()
SETTINGS = QualitySettings()


def _run(table: str, rule: str, **tables: pd.DataFrame):
    suite = SUITES.get(table)
    if rule == "no_clear_pii":
        suite = suite.with_rules(pii_rule(table, suite.partition_column))
    con = crafted_db(**tables)
    (result,) = run_suite(con, suite, SETTINGS, Window(), only={rule})
    return result, suite


def _orders_bad(mutate):
    o = good_orders()
    mutate(o)
    return {"hub__orders": o, "hub__order_lines": good_lines(good_orders())}


def _lines_bad(mutate):
    o = good_orders()
    lines = good_lines(o)
    mutate(o, lines)
    return {"hub__orders": o, "hub__order_lines": lines}


def _set(frame, col, value, row=1):
    frame[col] = frame[col].astype(object)
    frame.loc[row, col] = value


def _duplicate_first_line(lines):
    lines.loc[1, "order_id"] = lines.loc[0, "order_id"]
    lines.loc[1, "line_no"] = lines.loc[0, "line_no"]


ORDER_CASES = {
    "order_id_unique": lambda o: o.__setitem__("order_id", ["dup"] * 2 + list(o["order_id"][2:])),
    "keys_not_null": lambda o: _set(o, "channel", None),
    "status_valid": lambda o: _set(o, "status", "WAIT_SELLER_SEND_GOODS"),
    "money_non_negative": lambda o: _set(o, "discount_fen", -100),
    "timestamps_ordered": lambda o: o.__setitem__("paid_at", o["created_at"] - timedelta(seconds=1)),
    "no_clear_pii": lambda o: _set(o, "receiver_city", "杭州市西湖区文三路100号"),
}
LINE_CASES = {
    "keys_not_null": lambda o, lines: _set(lines, "status", None),
    "line_unique": lambda o, lines: _duplicate_first_line(lines),
    "money_non_negative": lambda o, lines: _set(lines, "paid_fen", -1),
    "sku_mapped": lambda o, lines: _set(lines, "sku_id", None),
    "totals_match_order": lambda o, lines: _set(lines, "paid_fen", 9000, row=0),  # 9000+3600 > 10000 + 2
    "no_clear_pii": lambda o, lines: _set(lines, "channel_sku", "联系 13812345678"),
}


@pytest.mark.parametrize("rule", list(ORDER_CASES))
def test_hub_orders_blocking_rules(rule):
    good, suite = _run("hub.orders", rule, **_orders_bad(lambda o: None))
    assert good.passed, good.outcomes
    assert suite.rules[[r.name for r in suite.rules].index(rule)].blocking
    bad, _ = _run("hub.orders", rule, **_orders_bad(ORDER_CASES[rule]))
    assert not bad.passed and bad.failing_count >= 1
    assert len(sample(bad, suite, 5)) >= 1


@pytest.mark.parametrize("rule", list(LINE_CASES))
def test_hub_order_lines_blocking_rules(rule):
    good, _ = _run("hub.order_lines", rule, **_lines_bad(lambda o, lines: None))
    assert good.passed, good.outcomes
    bad, suite = _run("hub.order_lines", rule, **_lines_bad(LINE_CASES[rule]))
    assert not bad.passed and bad.failing_count >= 1
    assert len(sample(bad, suite, 5)) >= 1


def test_totals_rule_catches_orphan_lines_orders_without_lines_and_under_payment():
    o = good_orders(3)
    lines = good_lines(o)
    lines.loc[0, "order_id"] = "taobao:orphan"  # line without order (and its order now under-paid)
    lines = lines[lines["order_id"] != o.loc[2, "order_id"]]  # order without lines
    bad, _ = _run("hub.order_lines", "totals_match_order", hub__orders=o, hub__order_lines=lines)
    failing = set(bad.failing_rows["order_id"])
    assert {"taobao:orphan", o.loc[0, "order_id"], o.loc[2, "order_id"]} <= failing
    assert o.loc[1, "order_id"] not in failing


def test_pii_rule_flags_clear_values_but_not_masked_ones_or_long_order_ids():
    o = good_orders(5)
    o["receiver_city"] = o["receiver_city"].astype(object)
    o.loc[0, "receiver_city"] = "138****1234"  # masked phone: fine
    o.loc[1, "channel_order_id"] = "6912345678901234567"  # 19-digit Douyin id: fine
    o.loc[1, "buyer_key"] = "b0c36c8c99fa5975cc06c9fa56a553668baac0be3fecce9d59ca19913812345678b"  # hex digest: fine
    o.loc[2, "promotion_type"] = "身份证 110105199003071234"  # resident ID: flagged
    o.loc[3, "receiver_city"] = "buyer@example.com"  # e-mail: flagged
    o.loc[4, "receiver_city"] = "+86 13912345678"  # phone: flagged
    bad, suite = _run("hub.orders", "no_clear_pii", hub__orders=o, hub__order_lines=good_lines(o))
    assert bad.failing_count == 3
    shown = sample(bad, suite, 10).to_string()
    assert "13912345678" not in shown and "110105199003071234" not in shown  # the sample masks it


def test_inventory_availability_arithmetic_and_non_negative():
    frame = pd.DataFrame(
        {
            "sku_id": ["SKU-00001", "SKU-00002"],
            "warehouse_id": ["WH-HZ", "WH-HZ"],
            "on_hand": [10, 5],
            "locked": [1, 0],
            "reserved": [2, 0],
            "safety_buffer": [1, 0],
            "available": [6, 5],
            "is_oversold": [False, False],
            "is_stock_out": [False, False],
            "snapshot_at": pd.Timestamp.now(tz="UTC"),
            "computed_at": pd.Timestamp.now(tz="UTC"),
        }
    )
    suite = SUITES["inventory.availability"]
    ok = run_suite(crafted_db(inventory__availability=frame), suite, SETTINGS, Window())
    assert all(r.passed for r in ok)
    frame.loc[1, "available"] = 7
    frame.loc[0, "reserved"] = -2
    frame.loc[0, "available"] = 10
    bad = {r.rule.name: r for r in run_suite(crafted_db(inventory__availability=frame), suite, SETTINGS, Window())}
    assert not bad["available_consistent"].passed and bad["available_consistent"].failing_count == 1
    assert not bad["quantities_non_negative"].passed


def test_missing_column_is_a_failure_not_a_crash():
    o = good_orders().drop(columns=["freight_fen"])
    bad, _ = _run("hub.orders", "money_non_negative", hub__orders=o, hub__order_lines=good_lines(good_orders()))
    assert not bad.passed and "freight_fen" in bad.error


def test_pii_rule_scans_the_whole_table_when_the_partition_column_is_unknown():
    from datetime import date

    frame = pd.DataFrame({"sku_id": ["SKU-00001"], "note": ["call 13812345678"], "day": [date(2026, 11, 1)]})
    con = crafted_db(kpi__custom=frame)
    (res,) = run_suite(
        con,
        TableSuite("kpi.custom", (pii_rule("kpi.custom", "order_date"),)),
        SETTINGS,
        Window(date(2026, 11, 5), date(2026, 11, 5)),
    )
    assert res.error is None and not res.passed and res.failing_count == 1


def test_an_order_closed_before_payment_may_have_zero_line_payments():
    o = good_orders(2)
    o["status"] = o["status"].astype(object)
    o.loc[0, ["status", "paid_fen", "paid_at", "shipped_at"]] = ["cancelled", 0, None, None]
    lines = good_lines(o)
    lines.loc[lines["order_id"] == o.loc[0, "order_id"], "paid_fen"] = 0
    ok, _ = _run("hub.order_lines", "totals_match_order", hub__orders=o, hub__order_lines=lines)
    assert ok.passed, ok.failing_rows
    lines.loc[lines["order_id"] == o.loc[1, "order_id"], "paid_fen"] = 0  # paid order, lines say nothing paid
    bad, _ = _run("hub.order_lines", "totals_match_order", hub__orders=o, hub__order_lines=lines)
    assert list(bad.failing_rows["order_id"]) == [o.loc[1, "order_id"]]
