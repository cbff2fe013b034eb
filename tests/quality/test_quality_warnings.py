"""Warning rules: channel volume vs same weekday, API success rate, quarantine share, stale inventory."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
from quality_testkit import crafted_db, good_orders

from quality.checks import load_suites
from quality.framework import Window, run_suite
from resources.quality_settings import QualitySettings

SUITES = load_suites()
NOW = datetime.now(UTC)


def _rule(table: str, rule: str, settings: QualitySettings | None = None, window: Window = Window(), **tables):
    (res,) = run_suite(crafted_db(**tables), SUITES[table], settings or QualitySettings(), window, only={rule})
    assert not SUITES[table].rules[[r.name for r in SUITES[table].rules].index(rule)].blocking
    return res


def _history(target_day: date, target_orders: int, usual: int = 40) -> pd.DataFrame:
    frames = []
    for weeks_back in range(0, 5):
        day = target_day - timedelta(days=7 * weeks_back)
        n = target_orders if weeks_back == 0 else usual
        f = good_orders(n, day)
        f["order_id"] = [f"taobao:{day}:{i}" for i in range(n)]
        frames.append(f)
        other = good_orders(usual, day).assign(channel="douyin")  # a steady channel
        other["order_id"] = [f"douyin:{day}:{i}" for i in range(usual)]
        frames.append(other)
    return pd.concat(frames, ignore_index=True)


def test_volume_drop_of_more_than_half_warns_for_that_channel_only():
    day = date(2026, 10, 20)
    res = _rule("hub.orders", "channel_volume_normal", window=Window(day, day), hub__orders=_history(day, 15))
    assert not res.passed and res.failing_count == 1
    assert list(res.failing_rows["channel"]) == ["taobao"]
    ok = _rule("hub.orders", "channel_volume_normal", window=Window(day, day), hub__orders=_history(day, 50))
    assert ok.passed and len(ok.frame) == 2


def test_volume_is_not_judged_without_history_or_on_tiny_channels():
    day = date(2026, 10, 20)
    f = good_orders(5, day)
    assert _rule("hub.orders", "channel_volume_normal", window=Window(day, day), hub__orders=f).passed
    tiny = _history(day, 1, usual=3)
    assert _rule("hub.orders", "channel_volume_normal", window=Window(day, day), hub__orders=tiny).passed


def _calls(channel: str, n: int, failed: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "call_id": [f"{channel}{i}" for i in range(n)],
            "channel": channel,
            "endpoint": "x",
            "started_at": NOW - timedelta(minutes=5),
            "duration_ms": 10.0,
            "http_status": 200,
            "attempt": 1,
            "ok": [i >= failed for i in range(n)],
            "error": None,
            "run_id": None,
        }
    )


def test_api_success_rate_below_threshold_warns():
    calls = pd.concat([_calls("taobao", 1000, 9), _calls("douyin", 1000, 7), _calls("pdd", 5, 5)])
    res = _rule("ops.api_calls", "api_success_rate", ops__api_calls=calls)
    assert not res.passed and list(res.failing_rows["channel"]) == ["taobao"]  # 99.1% < 99.2%; pdd: too few calls
    old = calls.assign(started_at=NOW - timedelta(days=3))
    assert _rule("ops.api_calls", "api_success_rate", ops__api_calls=old).passed


def _batches(quarantined: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "batch_id": "b1",
                "source": "api",
                "channel": "taobao",
                "shop_id": "tb-flagship",
                "window_start": NOW,
                "window_end": NOW,
                "received": 1000,
                "stored": 1000 - quarantined,
                "deduplicated": 0,
                "quarantined": quarantined,
                "started_at": NOW,
                "finished_at": NOW,
                "run_id": None,
            }
        ]
    )


def test_quarantine_share_threshold_is_configurable():
    assert _rule("hub.quarantine", "quarantine_share_low", ops__ingest_batches=_batches(5)).passed
    res = _rule("hub.quarantine", "quarantine_share_low", ops__ingest_batches=_batches(50))
    assert not res.passed and res.failing_count == 1
    lax = QualitySettings(quarantine_max_share=0.1)
    assert _rule("hub.quarantine", "quarantine_share_low", lax, ops__ingest_batches=_batches(50)).passed


def test_stale_inventory_snapshot_warns():
    def availability(age: timedelta) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "sku_id": "SKU-00001",
                    "warehouse_id": "WH-HZ",
                    "on_hand": 3,
                    "locked": 0,
                    "reserved": 1,
                    "safety_buffer": 0,
                    "available": 2,
                    "is_oversold": False,
                    "is_stock_out": False,
                    "snapshot_at": NOW - age,
                    "computed_at": NOW,
                }
            ]
        )

    fresh = availability(timedelta(minutes=5))
    assert _rule("inventory.availability", "snapshot_fresh", inventory__availability=fresh).passed
    res = _rule("inventory.availability", "snapshot_fresh", inventory__availability=availability(timedelta(hours=5)))
    assert not res.passed and res.failing_rows["age_minutes"].iloc[0] > 290


def test_one_spike_in_the_baseline_does_not_make_a_normal_day_look_low():
    day = date(2026, 10, 21)
    orders = _history(day, 40)
    spike = good_orders(300, day - timedelta(days=7))  # a one-off spike a week earlier (not a listed festival)
    spike["order_id"] = [f"taobao:spike:{i}" for i in range(300)]
    res = _rule(
        "hub.orders",
        "channel_volume_normal",
        window=Window(day, day),
        hub__orders=pd.concat([orders, spike], ignore_index=True),
    )
    assert res.passed, res.frame


def test_a_single_week_of_history_is_not_judged():
    day = date(2026, 10, 21)
    orders = _history(day, 5)
    one_week = orders[orders["order_date"] >= day - timedelta(days=7)]
    assert _rule("hub.orders", "channel_volume_normal", window=Window(day, day), hub__orders=one_week).passed
    assert not _rule("hub.orders", "channel_volume_normal", window=Window(day, day), hub__orders=orders).passed


def test_on_a_promotion_day_a_spike_is_expected_but_a_drop_still_warns():
    day = date(2026, 11, 11)
    assert _rule("hub.orders", "channel_volume_normal", window=Window(day, day), hub__orders=_history(day, 400)).passed
    res = _rule("hub.orders", "channel_volume_normal", window=Window(day, day), hub__orders=_history(day, 10))
    assert not res.passed and bool(res.failing_rows["is_promotion_day"].iloc[0])


def test_oversell_warns_without_a_second_page_for_the_same_problem():
    """The asset already raises one 'oversell' alert per SKU: the check shows the finding, it does not page."""
    from quality.alerting import record_outcomes

    row = {"sku_id": "SKU-00001", "warehouse_id": "WH-HZ", "on_hand": 3, "locked": 1, "reserved": 5,
           "safety_buffer": 0, "available": -3, "is_oversold": True, "is_stock_out": False,
           "snapshot_at": NOW, "computed_at": NOW}  # fmt: skip
    con = crafted_db(inventory__availability=pd.DataFrame([row]))
    suite = SUITES["inventory.availability"]
    results = run_suite(con, suite, QualitySettings(), Window(), only={"no_oversell", "snapshot_fresh"})
    oversell = next(r for r in results if r.rule.name == "no_oversell")
    assert not oversell.passed and oversell.failing_rows["holdable"].iloc[0] == 2
    stale = next(r for r in results if r.rule.name == "snapshot_fresh")
    stale.outcomes[0].success = False  # an alerting rule that fails, beside it
    record_outcomes(con, suite, results, {}, None, notifier=None, log=__import__("logging").getLogger("t"))
    keys = [k for (k,) in con.execute("select dedupe_key from ops.alerts").fetchall()]
    assert keys == ["check:inventory.availability:snapshot_fresh:all"]
