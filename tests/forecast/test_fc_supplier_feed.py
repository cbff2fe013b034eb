"""Landing the ERP's purchase orders and the WMS's receipts: hostile rows quarantined, counts add up, re-reads
idempotent."""

from datetime import UTC, datetime

from forecasts import supplier_feed, supply
from orderhub import warehouse

NOW = datetime(2026, 11, 21, 8, tzinfo=UTC)


def _po(no, qty=10, **kw):
    row = {
        "po_no": no,
        "source": "erp",
        "supplier_id": "SUP-1",
        "warehouse_id": "WH-HZ",
        "sku_id": "SKU-00001",
        "quantity": qty,
        "ordered_at": "2026-11-10T02:00:00+00:00",
        "expected_at": "2026-11-17T02:00:00+00:00",
        "status": "open",
        "received_quantity": 0,
    }
    return {**row, **kw}


def test_purchase_orders_replace_the_listing_and_unreadable_rows_are_quarantined(orderhub_home):
    con = warehouse.connect(orderhub_home.target)
    hostile = [
        _po("PO-1"),
        _po("PO-2", qty=-5),  # negative
        _po("PO-3", qty="a dozen"),  # unreadable
        _po("", qty=3),  # no number
        _po("PO-4", ordered_at="yesterday"),  # unreadable time
        _po("PO-5", sku_id=None),
        "not even an object",
        _po("PO-1"),  # listed twice
        _po("PO-6", source="orderhub", quantity=7, status="received", received_quantity=7),
    ]
    acc = supplier_feed.land_purchase_orders(con, hostile, NOW)
    assert acc == {"received": 9, "stored": 2, "deduplicated": 1, "quarantined": 6}
    reasons = con.execute(
        "select reason, count(*) from hub.quarantine where entity = 'purchase_order' group by 1"
    ).fetchall()
    assert reasons == [("bad_purchase_order", 6)]
    again = supplier_feed.land_purchase_orders(con, [_po("PO-7", qty=4)], NOW)  # a full listing replaces the last
    assert again["stored"] == 1 and con.execute("select po_no from forecast.supplier_orders").fetchall() == [("PO-7",)]
    assert con.execute("select count(*) from hub.quarantine").fetchone()[0] == 6  # the same bad rows are not doubled
    con.close()


def test_receipts_append_once_and_net_what_is_on_order(orderhub_home):
    con = warehouse.connect(orderhub_home.target)
    supplier_feed.land_purchase_orders(con, [_po("PO-1", qty=10), _po("PO-2", qty=5, expected_at="2026-11-30")], NOW)
    receipt = {"receipt_id": 11, "po_no": "PO-1", "sku_id": "SKU-00001", "quantity": 6, "received_at": "2026-11-18"}
    bad = {"receipt_id": "x", "po_no": "PO-1", "sku_id": "SKU-00001", "quantity": 1, "received_at": "2026-11-18"}
    assert supplier_feed.land_receipts(con, [receipt, bad, receipt], NOW) == {
        "received": 3,
        "stored": 1,
        "deduplicated": 1,
        "quarantined": 1,
    }
    assert supplier_feed.land_receipts(con, [receipt], NOW)["deduplicated"] == 1  # a re-read page adds nothing
    assert supplier_feed.last_receipt_id(con) == 11
    orders, receipts = supplier_feed.frames(con)
    row = supply.supply_by_sku(orders, receipts, NOW).iloc[0]
    # PO-1: 10 ordered - 6 received = 4 open, due 11-17 (overdue); PO-2: 5 open, due 11-30
    assert (row["on_order"], row["overdue_units"], row["overdue_orders"], row["max_days_overdue"]) == (9, 4, 1, 4)
    con.close()
