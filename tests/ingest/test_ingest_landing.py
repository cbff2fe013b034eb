"""Landing: accounting identity, dedupe, one transaction with cursor + call log, ERP crash, dropped files."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from ingest_kit import land_fixture, payloads, rebuild

from orderhub.calllog import CallLog, CallRecord
from orderhub.ingest import landing
from orderhub.ingest.landing import get_cursor
from orderhub.ingest.pull import PullReport, land_file, pull_erp
from resources.erp import ErpBridge

pytestmark = pytest.mark.both_backends  # warehouse-facing: the DuckDB file and the lake (tests/conftest.py)

T = datetime(2026, 11, 11, tzinfo=UTC)


def _batches(con):
    return con.execute(
        "select received, stored, deduplicated, quarantined from ops.ingest_batches order by started_at"
    ).fetchall()


def test_accounting_identity_and_dedupe_in_batch_and_against_raw(con):
    recs = payloads("taobao_api")
    first = land_fixture(con, "taobao_api", recs + [recs[0], recs[2]])  # in-batch duplicates, one quarantined
    assert (first.received, first.stored, first.deduplicated, first.quarantined) == (7, 2, 2, 3)
    again = land_fixture(con, "taobao_api", recs[:2] + [dict(recs[1], status="TRADE_CLOSED_BY_TAOBAO", x=1)])
    assert (again.received, again.stored, again.deduplicated, again.quarantined) == (3, 1, 2, 0)
    for received, stored, dedup, quarantined in _batches(con):
        assert received == stored + dedup + quarantined
    assert con.execute("select count(*) from raw.channel_orders").fetchone()[0] == 2 + 3 + 1


def test_key_order_does_not_change_the_hash(con):
    rec = payloads("pdd_api")[0]
    land_fixture(con, "pdd_api", [rec])
    res = land_fixture(con, "pdd_api", [dict(reversed(list(rec.items())))])
    assert res.deduplicated == 1


def test_cursor_and_calls_commit_with_the_data(con):
    calls = CallLog("run-1")
    calls.add(CallRecord("taobao", "taobao.trades.sold.increment.get", T, 12.5, 200, 1, True))
    land_fixture(
        con, "taobao_api", cursor_updates={"api:taobao:tb-flagship": T.isoformat()}, calls=calls, window=(T, T)
    )
    assert get_cursor(con, "api:taobao:tb-flagship") == T.isoformat()
    assert con.execute("select count(*) from ops.api_calls where run_id = 'run-1'").fetchone()[0] == 1


def test_a_failure_inside_the_batch_rolls_back_everything(con, monkeypatch):
    calls = CallLog()
    calls.add(CallRecord("taobao", "x", T, 1.0, 200, 1, True))

    def boom(self, c):
        raise RuntimeError("disk full")

    monkeypatch.setattr(CallLog, "flush", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        land_fixture(con, "taobao_api", cursor_updates={"api:taobao:tb-flagship": T.isoformat()}, calls=calls)
    for table in ("raw.channel_orders", "hub.quarantine", "ops.ingest_batches", "ops.cursors"):
        assert con.execute(f"select count(*) from {table}").fetchone()[0] == 0, table


def test_accounting_mismatch_is_refused(con, monkeypatch):
    real = landing.LandResult

    def lying(*args):
        r = real(*args)
        r.stored += 1
        return r

    monkeypatch.setattr(landing, "LandResult", lying)
    with pytest.raises(landing.AccountingError):
        land_fixture(con, "pdd_api")
    assert con.execute("select count(*) from raw.channel_orders").fetchone()[0] == 0


# ---- ERP bridge: crash between landing and mark_synced ---------------------------------------------------


def _erp_db(path) -> str:
    from simulator.erp import SCHEMA

    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA)
        for rec in payloads("erp"):
            head = {k: v for k, v in rec.items() if k not in ("lines", "id")}
            db.execute(
                f"insert into so_header ({', '.join(head)}) values ({', '.join('?' * len(head))})", list(head.values())
            )
            for ln in rec["lines"]:
                db.execute(
                    "insert into so_line values (?, ?, ?, ?, ?)",
                    [ln["order_no"], ln["line_no"], ln["sku_code"], ln["qty"], ln["price"]],
                )
    return f"sqlite:///{path}"


class CrashingErp(ErpBridge):
    def mark_synced(self, rows):
        raise SystemExit("killed between landing and mark_synced")


def test_erp_crash_between_landing_and_mark_synced_redelivers_without_duplicates(con, tmp_path):
    url = _erp_db(tmp_path / "erp.sqlite")
    with pytest.raises(SystemExit):
        pull_erp(con, CrashingErp(url=url), report=PullReport())
    assert con.execute("select count(*) from raw.channel_orders").fetchone()[0] == 2  # landed, not marked
    report = PullReport()
    pull_erp(con, ErpBridge(url=url), report=report)
    assert [(b.received, b.stored, b.deduplicated) for b in report.batches] == [(2, 0, 2)]
    assert con.execute("select count(*) from raw.channel_orders").fetchone()[0] == 2
    with sqlite3.connect(tmp_path / "erp.sqlite") as db:
        assert db.execute("select count(*) from so_header where is_synced = 0").fetchone()[0] == 0
    rebuild(con)
    assert con.execute("select count(*) from hub.orders where channel = 'erp'").fetchone()[0] == 1


# ---- dropped seller-center exports --------------------------------------------------------------------

HEADER = [
    "订单编号",
    "买家会员名",
    "买家实际支付金额",
    "订单状态",
    "买家留言",
    "收货人姓名",
    "收货地址",
    "联系手机",
    "订单创建时间",
    "订单付款时间",
    "宝贝标题",
    "宝贝种类",
    "物流单号",
    "发货时间",
    "商家编码",
    "宝贝总数量",
    "店铺名称",
    "运费",
    "优惠金额",
]
ROWS = [
    [
        '="2612345678901111"',
        "买家甲",
        "129.00",
        "卖家已发货，等待买家确认",
        "",
        "钱五",
        "浙江省 杭州市 西湖区 xx路1号",
        '="13812345678"',
        "2026-11-11 00:03:17",
        "2026-11-11 00:04:00",
        "保温杯;杯套",
        "2",
        '="SF1"',
        "2026-11-11 12:00:00",
        "SKU-00001;SKU-00002",
        "2;1",
        "天猫奥莱店",
        "0.00",
        "10.00",
    ],
    [
        '="2612345678901112"',
        "买家乙",
        "19.90",
        "等待买家付款",
        "",
        "孙六",
        "西藏自治区 拉萨市 城关区 1号",
        '="13900000000"',
        "2026-11-11 08:00:00",
        "",
        "茶",
        "1",
        "",
        "",
        "SKU-00003",
        "1",
        "天猫奥莱店",
        "0.00",
        "0.00",
    ],
]


def _csv(rows, encoding="gbk") -> bytes:
    lines = [",".join(HEADER) + ","] + [",".join(r) + "," for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def test_gbk_export_file_end_to_end(con, orderhub_home):
    drop = orderhub_home.landing_for("taobao") / "订单报表-20261111.csv"
    drop.write_bytes(_csv(ROWS))
    report = PullReport()
    land_file(con, drop, channel="taobao", archive=orderhub_home.archive, report=report)
    assert not drop.exists() and len(report.files_archived) == 1
    assert [(b.source, b.received, b.stored, b.quarantined) for b in report.batches] == [("file", 2, 2, 0)]
    rebuild(con)
    rows = con.execute(
        "select channel_order_id, shop_id, status, paid_fen, receiver_city from hub.orders order by 1"
    ).fetchall()
    assert rows == [
        ("2612345678901111", "tm-outlet", "shipped", 12900, "杭州市"),
        ("2612345678901112", "tm-outlet", "pending_payment", 1990, "拉萨市"),
    ]
    assert con.execute("select count(*) from hub.order_lines").fetchone()[0] == 3


def test_unreadable_file_is_quarantined_whole_and_moved_to_rejected(con, orderhub_home):
    drop = orderhub_home.landing_for("taobao") / "broken.csv"
    drop.write_bytes(_csv(ROWS)[:-40] + b'\r\n"unterminated')
    report = PullReport()
    land_file(con, drop, channel="taobao", archive=orderhub_home.archive, report=report)
    assert not drop.exists() and "rejected" in report.files_rejected[0]
    assert con.execute("select count(*) from raw.channel_orders").fetchone()[0] == 0  # never half-loaded
    entity, reason, message = con.execute("select entity, reason, message from hub.quarantine").fetchone()
    assert entity == "file" and reason and message
