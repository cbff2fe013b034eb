"""The hub as a deterministic function of raw: idempotence, backfill = incremental, ordering, state machine."""

from __future__ import annotations

from datetime import date

import pytest
from ingest_kit import SALT, land_fixture, rebuild, snapshot, taobao_trade

from orderhub.standardize.hub import build_hub

pytestmark = pytest.mark.both_backends  # warehouse-facing: the DuckDB file and the lake (tests/conftest.py)

TID = "2612345678955555"
OID = f"taobao:{TID}"


def _status(con, order_id=OID):
    return con.execute("select status, paid_fen from hub.orders where order_id = ?", [order_id]).fetchone()


def _history(con, order_id=OID):
    """(from, to, is_illegal) of observed transitions; inferred steps are marked with a 4th item 'inferred'."""
    rows = con.execute(
        "select from_status, to_status, is_illegal, is_inferred from hub.order_status_history "
        "where order_id = ? order by changed_at, to_status",
        [order_id],
    ).fetchall()
    return [(f, t, bad, "inferred") if inferred else (f, t, bad) for f, t, bad, inferred in rows]


def _land_all(con):
    for name in ("taobao_api", "douyin_api", "pdd_api", "erp", "taobao_export"):
        land_fixture(con, name)


def test_rebuilding_a_partition_is_idempotent(con):
    _land_all(con)
    rebuild(con)
    first = snapshot(con)
    assert first["hub.orders"]
    for _ in range(2):
        build_hub(con, date(2026, 11, 11), date(2026, 11, 11), SALT)  # one partition again
        rebuild(con)
        assert snapshot(con) == first


def test_backfill_equals_incremental(con):
    versions = [
        taobao_trade(TID, "WAIT_BUYER_PAY", "2026-11-11 00:03:17", pay_time=None),
        taobao_trade(TID, "WAIT_SELLER_SEND_GOODS", "2026-11-11 00:05:02"),
        taobao_trade(TID, "WAIT_BUYER_CONFIRM_GOODS", "2026-11-11 18:00:00", consign_time="2026-11-11 18:00:00"),
    ]
    incremental = []
    for i, v in enumerate(versions):  # live: land a version, rebuild the touched partitions
        res = land_fixture(con, "taobao_api", [v] + ([] if i else []))
        for day in res.order_dates:
            build_hub(con, day, day, SALT)
        incremental = snapshot(con)
    land_fixture(con, "douyin_api")  # other days arrive too
    build_hub(con, date(2025, 11, 11), date(2025, 11, 11), SALT)
    incremental = snapshot(con)
    rebuild(con)  # backfill of everything from raw
    assert snapshot(con) == incremental
    assert _status(con)[0] == "shipped"
    assert _history(con) == [
        (None, "pending_payment", False),
        ("pending_payment", "paid", False),
        ("paid", "shipped", False),
    ]


def test_out_of_order_update_never_overwrites_newer_data(con):
    newer = taobao_trade(TID, "WAIT_BUYER_CONFIRM_GOODS", "2026-11-11 18:00:00", consign_time="2026-11-11 18:00:00")
    older = taobao_trade(TID, "WAIT_SELLER_SEND_GOODS", "2026-11-11 00:05:02", payment="1.00")
    land_fixture(con, "taobao_api", [newer])
    rebuild(con)
    land_fixture(con, "taobao_api", [older])  # arrives late
    rebuild(con)
    assert _status(con) == ("shipped", 23980)
    # the older version sorts before the newer one by modified time: a normal paid -> shipped history,
    # and the creation the first version skipped is dated by its own created time
    assert _history(con) == [
        (None, "pending_payment", False, "inferred"),
        ("pending_payment", "paid", False),
        ("paid", "shipped", False),
    ]


def test_illegal_transition_is_kept_flagged_and_not_applied(con):
    done = taobao_trade(TID, "TRADE_FINISHED", "2026-11-12 10:00:00", end_time="2026-11-12 10:00:00")
    back = taobao_trade(TID, "WAIT_SELLER_SEND_GOODS", "2026-11-12 11:00:00", payment="1.00")
    land_fixture(con, "taobao_api", [done, back])
    rebuild(con)
    assert _status(con) == ("completed", 23980)  # the later, illegal version's data is not applied either
    assert _history(con) == [
        (None, "pending_payment", False, "inferred"),
        ("pending_payment", "paid", False, "inferred"),
        ("paid", "completed", False),
        ("completed", "paid", True),
    ]
    assert con.execute("select completed_at is not null from hub.orders where order_id = ?", [OID]).fetchone()[0]


def test_cancel_after_shipping_is_illegal_but_refund_is_legal(con):
    shipped = taobao_trade(TID, "WAIT_BUYER_CONFIRM_GOODS", "2026-11-11 18:00:00")
    cancelled = taobao_trade(TID, "TRADE_CLOSED_BY_TAOBAO", "2026-11-11 19:00:00")
    refunded = taobao_trade(TID, "TRADE_CLOSED", "2026-11-12 19:00:00")
    land_fixture(con, "taobao_api", [shipped, cancelled, refunded])
    rebuild(con)
    assert _status(con)[0] == "refunded"
    assert _history(con) == [
        (None, "pending_payment", False, "inferred"),
        ("pending_payment", "paid", False, "inferred"),
        ("paid", "shipped", False),
        ("shipped", "cancelled", True),
        ("shipped", "refunded", False),
    ]


def test_repeated_status_with_changed_data_updates_the_order_without_a_transition(con):
    a = taobao_trade(TID, "WAIT_SELLER_SEND_GOODS", "2026-11-11 00:05:02")
    b = taobao_trade(TID, "WAIT_SELLER_SEND_GOODS", "2026-11-11 09:00:00", receiver_city="宁波市")
    land_fixture(con, "taobao_api", [b, a])
    rebuild(con)
    assert con.execute("select receiver_city from hub.orders where order_id = ?", [OID]).fetchone()[0] == "宁波市"
    assert _history(con) == [(None, "pending_payment", False, "inferred"), ("pending_payment", "paid", False)]


def test_window_replacement_leaves_other_days_alone(con):
    _land_all(con)
    rebuild(con)
    before = con.execute("select count(*) from hub.orders where order_date <> '2026-11-11'").fetchone()[0]
    con.execute("delete from raw.channel_orders where order_date = '2026-11-11'")
    build_hub(con, date(2026, 11, 11), date(2026, 11, 11), SALT)
    assert con.execute("select count(*) from hub.orders where order_date = '2026-11-11'").fetchone()[0] == 0
    assert con.execute("select count(*) from hub.orders where order_date <> '2026-11-11'").fetchone()[0] == before


def test_sku_ids_come_through_the_sku_map(con):
    con.execute(
        "insert into hub.sku_map (channel, channel_sku, sku_id)"
        " values ('taobao', 'SKU-00001', 'SKU-00001'), ('douyin', 'SKU-00010', 'SKU-00010')"
    )
    _land_all(con)
    rebuild(con)
    mapped = dict(con.execute("select channel_sku, sku_id from hub.order_lines where sku_id is not null").fetchall())
    assert mapped == {"SKU-00001": "SKU-00001", "SKU-00010": "SKU-00010"}
    assert (
        con.execute(
            "select count(*) from hub.order_lines where channel_sku = 'SKU-00002' and sku_id is null"
        ).fetchone()[0]
        > 0
    )


def test_steps_a_first_version_skipped_are_inferred_from_its_timestamps_not_invented(con):
    # first seen completed: created, paid and shipped happened before and the record dates them
    done = taobao_trade(
        TID, "TRADE_FINISHED", "2026-11-14 10:00:00", consign_time="2026-11-12 09:00:00", end_time="2026-11-14 10:00:00"
    )
    land_fixture(con, "taobao_api", [done])
    rebuild(con)
    rows = con.execute(
        "select from_status, to_status, changed_at, is_inferred from hub.order_status_history "
        "where order_id = ? order by changed_at",
        [OID],
    ).fetchall()
    assert [(f, t, inferred) for f, t, _, inferred in rows] == [
        (None, "pending_payment", True),
        ("pending_payment", "paid", True),
        ("paid", "shipped", True),
        ("shipped", "completed", False),
    ]
    order = con.execute("select created_at, paid_at, shipped_at from hub.orders where order_id = ?", [OID]).fetchone()
    assert [r[2] for r in rows[:3]] == list(order)  # dated by the record's own timestamps
    # a cancelled order without a payment time skips nothing it cannot date
    land_fixture(
        con,
        "taobao_api",
        [taobao_trade("2612345678966666", "TRADE_CLOSED_BY_TAOBAO", "2026-11-11 01:00:00", pay_time=None)],
    )
    rebuild(con)
    other = "taobao:2612345678966666"
    assert _history(con, other) == [
        (None, "pending_payment", False, "inferred"),
        ("pending_payment", "cancelled", False),
    ]
