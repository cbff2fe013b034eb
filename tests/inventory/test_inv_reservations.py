"""Reservation arithmetic and availability on crafted orders; oversell/stock-out alerts without storms."""

import pytest
from inv_fixtures import NOW, add_order, add_stock, connect, open_alerts

from orderhub.fulfilment.allocate import allocate
from orderhub.inventory.availability import build_availability
from orderhub.inventory.reservations import build_reservations

pytestmark = pytest.mark.both_backends  # warehouse-facing: the DuckDB file and the lake (tests/conftest.py)


def _reservations(con) -> dict:
    rows = con.execute(
        "select order_id, line_no, reserved_qty, shipped_qty, status, release_reason, warehouse_id"
        " from inventory.reservations"
    ).fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def _avail(con) -> dict:
    rows = con.execute(
        "select sku_id, warehouse_id, on_hand, locked, reserved, safety_buffer, available, is_oversold"
        " from inventory.availability"
    ).fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def test_partial_shipment_cancel_after_pay_and_refund(orderhub_home):
    con = connect()
    add_stock(con, [("WH-HZ", "SKU-1", 10, 1), ("WH-HZ", "SKU-2", 5, 0)])
    # partial shipment: line 1 shipped, line 2 still waiting
    add_order(con, "taobao:1", status="shipped", lines=[("SKU-1", 2), ("SKU-2", 3)], line_status=["shipped", "paid"])
    add_order(con, "taobao:2", status="cancelled", lines=[("SKU-1", 4)])  # cancelled after pay
    add_order(con, "douyin:3", status="refunded", lines=[("SKU-1", 1)])  # refunded
    add_order(con, "pdd:4", status="paid", lines=[("SKU-1", 3), ("SKU-2", 1)], line_status=["paid", "refunded"])
    add_order(con, "pdd:5", status="pending_payment", lines=[("SKU-1", 9)])  # not paid: reserves nothing
    add_order(con, "pdd:6", status="completed", lines=[("SKU-2", 2)], line_status=["paid"])

    build_reservations(con, NOW)
    res = _reservations(con)
    assert res[("taobao:1", 1)] == (0, 2, "released", "shipped", "WH-HZ")
    assert res[("taobao:1", 2)] == (3, 0, "open", None, "WH-HZ")
    assert res[("taobao:2", 1)][:4] == (0, 0, "released", "cancelled")
    assert res[("douyin:3", 1)][:4] == (0, 0, "released", "refunded")
    assert res[("pdd:4", 1)][:3] == (3, 0, "open")
    assert res[("pdd:4", 2)][:4] == (0, 0, "released", "refunded")
    assert res[("pdd:6", 1)][:4] == (0, 2, "released", "shipped")
    assert ("pdd:5", 1) not in res

    build_availability(con, safety_buffer=1, now=NOW)
    av = _avail(con)
    # SKU-1: 10 on hand - 1 locked - 3 reserved (pdd:4) - 1 buffer
    assert av[("SKU-1", "WH-HZ")] == (10, 1, 3, 1, 5, False)
    # SKU-2: 5 - 0 - 3 (taobao:1 line 2) - 1
    assert av[("SKU-2", "WH-HZ")] == (5, 0, 3, 1, 1, False)


def test_reservation_follows_allocated_warehouse_and_released_by_wms_ship(orderhub_home):
    con = connect()
    add_stock(con, [("WH-HZ", "SKU-1", 1, 0), ("WH-GZ", "SKU-1", 5, 0)])
    add_order(con, "taobao:1", province="浙江省", lines=[("SKU-1", 2)])  # home HZ lacks stock -> GZ
    allocate(con, NOW)
    build_reservations(con, NOW)
    assert _reservations(con)[("taobao:1", 1)] == (2, 0, "open", None, "WH-GZ")
    con.execute("update hub.fulfilment_tasks set status = 'shipped'")
    build_reservations(con, NOW)
    assert _reservations(con)[("taobao:1", 1)][:4] == (0, 2, "released", "shipped")


def test_oversell_kept_negative_and_alerted_once_then_resolved(orderhub_home):
    con = connect()
    add_stock(con, [("WH-CD", "SKU-9", 2, 1)])
    add_order(con, "pdd:1", province="四川省", lines=[("SKU-9", 3)])
    build_reservations(con, NOW)
    stats = build_availability(con, safety_buffer=0, now=NOW)
    assert _avail(con)[("SKU-9", "WH-CD")] == (2, 1, 3, 0, -2, True)  # negative kept: 2 units oversold
    assert stats["oversold_skus"] == 1
    assert {"oversell:SKU-9", "stock_out:SKU-9"} <= open_alerts(con)

    build_availability(con, safety_buffer=0, now=NOW)  # same problem again: no new alert (no storm)
    assert con.execute("select count(*) from ops.alerts where dedupe_key = 'oversell:SKU-9'").fetchone()[0] == 1

    con.execute("update hub.orders set status = 'cancelled' where order_id = 'pdd:1'")
    add_stock(con, [("WH-CD", "SKU-9", 8, 1)])
    build_reservations(con, NOW)
    stats = build_availability(con, safety_buffer=0, now=NOW)
    assert stats["alerts_resolved"] == 2 and not open_alerts(con)
    assert con.execute("select count(*) from ops.alerts where kind = 'recovered'").fetchone()[0] == 2


def test_unknown_sku_in_reservations_shows_up_in_availability(orderhub_home):
    con = connect()
    add_order(con, "taobao:1", province="", lines=[("SKU-X", 1)])  # SKU the WMS does not stock at all
    build_reservations(con, NOW)
    build_availability(con, safety_buffer=0, now=NOW)
    assert _avail(con)[("SKU-X", "WH-HZ")] == (0, 0, 1, 0, -1, True)


def test_safety_buffer_only_withholds_free_stock_so_negative_means_oversold(orderhub_home):
    con = connect()
    add_stock(con, [("WH-HZ", "SKU-1", 1, 0), ("WH-GZ", "SKU-1", 0, 0), ("WH-CD", "SKU-1", 10, 2)])
    add_order(con, "pdd:1", province="四川省", lines=[("SKU-1", 3)])  # home WH-CD
    build_reservations(con, NOW)
    build_availability(con, safety_buffer=3, now=NOW)
    av = _avail(con)
    assert av[("SKU-1", "WH-HZ")] == (1, 0, 0, 1, 0, False)
    assert av[("SKU-1", "WH-GZ")] == (0, 0, 0, 0, 0, False)
    assert av[("SKU-1", "WH-CD")] == (10, 2, 3, 3, 2, False)
    assert not con.execute(
        "select count(*) from inventory.availability where (available < 0) <> is_oversold"
    ).fetchone()[0]
