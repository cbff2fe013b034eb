"""The real Taobao seller-center download: an order report + item report pair lands with exact accounting and
every line present (classic GBK CSV with Excel re-saved dates, and the newer XLSX layout); the combined file
keeps working; a half pair waits for its partner."""

from __future__ import annotations

import os
import time

from ingest_kit import rebuild
from report_files import (
    ITEM_HEADERS,
    NEW_ITEM_HEADERS,
    NEW_ORDER_HEADERS,
    ORDER_HEADERS,
    csv_bytes,
    newer_layout,
    orders,
    xlsx_file,
)

from orderhub.ingest.fileland import land_dropped
from orderhub.ingest.pull import PullReport


def _land(con, home, paths) -> PullReport:
    report = PullReport()
    land_dropped(con, paths, landing=home.landing, archive=home.archive, workdir=home.home / "tmp", report=report)
    return report


def _expected(order_rows, item_rows):
    """What the hub must hold: every order with every line, and every fen of it."""
    line_fen = sum(round(float(r.get("价格") or r["商品价格"]) * 100) * int(r["购买数量"]) for r in item_rows)
    paid = sum(round(float(r.get("买家实际支付金额", r.get("买家实付金额"))) * 100) for r in order_rows)
    return len(order_rows), len(item_rows), line_fen, paid


def _hub(con):
    orders_, paid = con.execute("select count(*), sum(paid_fen) from hub.orders where channel = 'taobao'").fetchone()
    lines, line_fen = con.execute(
        "select count(*), sum(paid_fen) from hub.order_lines where order_id like 'taobao:%'"
    ).fetchone()
    return orders_, lines, line_fen, paid


def test_classic_gbk_pair_with_excel_dates_lands_every_line_and_fen(con, orderhub_home):
    order_rows, item_rows = orders(120, excel_dates_every=3)
    folder = orderhub_home.landing_for("taobao")
    main = folder / "ExportOrderList202610311200.csv"
    items = folder / "ExportOrderDetailList202610311200.csv"
    main.write_bytes(csv_bytes(ORDER_HEADERS, order_rows))
    items.write_bytes(csv_bytes(ITEM_HEADERS, item_rows))
    report = _land(con, orderhub_home, [main, items])
    assert not report.errors and not report.files_waiting, report.errors + report.files_waiting
    (batch,) = report.batches
    assert (batch.received, batch.stored, batch.deduplicated, batch.quarantined) == (120, 120, 0, 0), batch.reasons
    assert batch.rows == {
        "received": 120 + len(item_rows),
        "stored": 120 + len(item_rows),
        "deduplicated": 0,
        "quarantined": 0,
    }
    assert batch.lines_stored == len(item_rows)
    rebuild(con)
    assert _hub(con) == _expected(order_rows, item_rows)
    # dates Excel left behind ("2026/10/1 0:00") read as the same Beijing times
    first = con.execute(
        "select created_at, order_date from hub.orders where channel_order_id = '3512345678900000'"
    ).fetchone()
    assert str(first[0]) == "2026-09-30 16:00:00+00:00" and str(first[1]) == "2026-10-01"
    assert len(report.files_archived) == 2 and not main.exists() and not items.exists()
    # discount = total + freight - paid once paid; unpaid orders show none
    o = con.execute(
        "select total_fen, discount_fen, freight_fen, paid_fen from hub.orders"
        " where channel_order_id = '3512345678900001'"
    ).fetchone()
    assert o[0] - o[1] + o[2] == o[3]


def test_newer_xlsx_layout_pair(con, orderhub_home):
    order_rows, item_rows = newer_layout(*orders(30))
    folder = orderhub_home.landing_for("taobao")
    main = xlsx_file(folder / "ExportOrderList202611011200.xlsx", NEW_ORDER_HEADERS, order_rows)
    items = xlsx_file(folder / "ExportOrderDetailList202611011200.xlsx", NEW_ITEM_HEADERS, item_rows)
    report = _land(con, orderhub_home, [items, main])
    assert not report.errors, report.errors
    assert (report.batches[0].stored, report.batches[0].quarantined) == (30, 0), report.batches[0].reasons
    rebuild(con)
    assert _hub(con) == _expected(order_rows, item_rows)


def test_orphan_items_and_orders_without_items_are_quarantined_not_lost(con, orderhub_home):
    order_rows, item_rows = orders(6)
    folder = orderhub_home.landing_for("taobao")
    lone = dict(item_rows[0], 订单编号='="9999999999999999"')
    no_items = [r for r in item_rows if r["订单编号"] != order_rows[2]["订单编号"]]
    (folder / "ExportOrderList1.csv").write_bytes(csv_bytes(ORDER_HEADERS, order_rows))
    (folder / "ExportOrderDetailList1.csv").write_bytes(csv_bytes(ITEM_HEADERS, [*no_items, lone]))
    report = _land(con, orderhub_home, sorted(folder.iterdir()))
    (batch,) = report.batches
    assert (batch.received, batch.stored, batch.quarantined) == (7, 5, 2)
    assert batch.reasons == {"missing_field": 1, "orphan_items": 1}
    assert (
        batch.rows["received"]
        == len(order_rows) + len(no_items) + 1
        == sum(batch.rows[k] for k in ("stored", "deduplicated", "quarantined"))
    )


def test_half_a_pair_waits_for_its_partner_then_lands(con, orderhub_home):
    order_rows, item_rows = orders(4)
    folder = orderhub_home.landing_for("taobao")
    main = folder / "ExportOrderList202611021200.csv"
    main.write_bytes(csv_bytes(ORDER_HEADERS, order_rows))
    report = _land(con, orderhub_home, [main])
    assert main.exists() and not report.batches and "waiting for its item report" in report.files_waiting[0]
    items = folder / "ExportOrderDetailList202611021200.csv"
    items.write_bytes(csv_bytes(ITEM_HEADERS, item_rows))
    report = _land(con, orderhub_home, [main, items])
    assert report.batches[0].stored == 4 and not main.exists()
    # an order report whose item report never comes is rejected after the wait, with a reason
    late = folder / "ExportOrderList202611031200.csv"
    late.write_bytes(csv_bytes(ORDER_HEADERS, order_rows))
    old = time.time() - 3600
    os.utime(late, (old, old))
    report = _land(con, orderhub_home, [late])
    assert not late.exists() and report.errors and "missing_pair" in report.errors[0]
    reason = con.execute("select reason from hub.quarantine where entity = 'file'").fetchone()[0]
    assert reason == "missing_pair"


def test_the_combined_file_still_lands_next_to_the_pair(con, orderhub_home):
    from test_ingest_landing import ROWS, _csv

    folder = orderhub_home.landing_for("taobao")
    combined = folder / "tm-outlet_orders_20261111.csv"
    combined.write_bytes(_csv(ROWS))
    report = _land(con, orderhub_home, [combined])
    assert [(b.received, b.stored) for b in report.batches] == [(2, 2)]
    mapping = con.execute("select distinct mapping from raw.channel_orders").fetchall()
    assert mapping == [("taobao_export",)]
