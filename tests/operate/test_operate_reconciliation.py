"""Dual-run reconciliation on crafted mismatches: every differing order is listed with the right reason."""

from __future__ import annotations

from datetime import UTC, date, datetime

import dagster as dg
import pytest
import sqlalchemy as sa

from orderhub import warehouse
from orderhub.reconcile.run import run_reconciliation

DAY = date(2026, 11, 18)
UTC = UTC
HUB_SEEN = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # newest ERP version the hub has ingested
HEADERS = [
    "订单编号",
    "买家会员名",
    "买家实际支付金额",
    "订单状态",
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


def _hub(con, order_id: str, status: str, paid_fen: int, day: date = DAY, shop: str | None = None) -> None:
    channel, channel_order_id = order_id.split(":")
    shop = shop or ("erp-wholesale" if channel == "erp" else "tm-outlet")
    created = datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC)
    con.execute(
        """insert into hub.orders (order_id, channel, shop_id, channel_order_id, status, order_date, created_at,
                   total_fen, discount_fen, freight_fen, paid_fen, source_updated_at, ingested_at)
                   values (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)""",
        [order_id, channel, shop, channel_order_id, status, day, created, paid_fen, paid_fen, created, created],
    )


def _erp(path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{path}")
    rows = [  # order_no, status, amount, update_time (Beijing = UTC+8)
        ("SO1", "PAID", "100.5", "2026/11/18 10:00:00"),  # match
        ("SO2", "PAID", "88", "2026/11/18 10:00:00"),  # hub has 87.00
        ("SO3", "DONE", "20", "2026/11/18 10:00:00"),  # hub still 'shipped', ERP change older than the hub's watermark
        ("SO4", "NEW", "5", "2026/11/18 10:00:00"),  # never reached the hub
        ("SO6", "SHIPPED", "30", "2026/11/18 23:00:00"),  # changed after the last ingest: in flight
    ]
    with engine.begin() as c:
        c.execute(
            sa.text(
                "create table so_header (id integer primary key, order_no text unique, shop_code text, "
                "cust_name text, status text, amount text, order_time text, update_time text, "
                "is_synced integer not null default 0)"
            )
        )
        for i, (no, status, amount, updated) in enumerate(rows):
            c.execute(
                sa.text(
                    "insert into so_header values (:i, :no, 'erp-wholesale', '张三', :s, :a, "
                    "'2026/11/18 09:00:00', :u, 1)"
                ),
                {"i": i, "no": no, "s": status, "a": amount, "u": updated},
            )
    return engine


def _export(path, rows: list[dict]) -> None:
    lines = [",".join(HEADERS)] + [",".join(r.get(h, "") for h in HEADERS) for r in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))


def _row(tid: str, status: str, paid: str, paid_at: str = "", shipped_at: str = "") -> dict:
    return {
        "订单编号": f'="{tid}"',
        "买家会员名": "t**8",
        "买家实际支付金额": paid,
        "订单状态": status,
        "收货地址": "浙江省 杭州市 西湖区 xx路1号",
        "联系手机": '="13800000000"',
        "订单创建时间": "2026-11-18 09:00:00",
        "订单付款时间": paid_at,
        "发货时间": shipped_at,
        "宝贝标题": "x",
        "商家编码": "SKU-00001",
        "宝贝总数量": "1",
    }


@pytest.fixture()
def world(orderhub_home, tmp_path):
    con = warehouse.connect()
    for order_id, status, fen in [
        ("erp:SO1", "paid", 10050),
        ("erp:SO2", "paid", 8700),
        ("erp:SO3", "shipped", 2000),
        ("erp:SO5", "paid", 100),
        ("erp:SO6", "paid", 3000),
        ("taobao:1001", "paid", 12900),
        ("taobao:1002", "cancelled", 5000),
        ("taobao:1004", "paid", 100),
    ]:
        _hub(con, order_id, status, fen)
    _hub(con, "taobao:1005", "paid", 100, day=date(2026, 11, 19))  # no report for that day: not compared
    _hub(con, "taobao:9999", "paid", 100, shop="tb-flagship")  # API shop: not what the reports cover
    con.execute(
        """insert into raw.channel_orders values (md5('SO1')::uuid, 'erp', 'erp', 'erp-wholesale', 'erp', 'b1', ?,
                   'SO1', ?, ?, '{}', null)""",
        [HUB_SEEN, HUB_SEEN, DAY],
    )
    archive = orderhub_home.archive / "taobao"
    _export(
        archive / "20261118T010000-tm-outlet_orders_20261118.csv",
        [
            _row("1001", "买家已付款，等待卖家发货", "129.00", "2026-11-18 09:01:00"),
            _row("1002", "买家已付款，等待卖家发货", "50.00", "2026-11-18 09:01:00"),
            _row("1003", "买家已付款，等待卖家发货", "9.90", "2026-11-18 09:01:00"),
        ],
    )
    # downloaded again later: 1002 was refunded ("closed" after payment), that version wins
    _export(
        archive / "20261119T010000-tm-outlet_orders_20261118.csv",
        [
            _row("1001", "买家已付款，等待卖家发货", "129.00", "2026-11-18 09:01:00"),
            _row("1002", "交易关闭", "50.00", "2026-11-18 09:01:00"),
            _row("1003", "买家已付款，等待卖家发货", "9.90", "2026-11-18 09:01:00"),
        ],
    )
    _export(orderhub_home.archive / "rejected" / "taobao" / "broken.csv", [])  # rejected files are not a source
    yield con, _erp(tmp_path / "erp.sqlite"), orderhub_home.archive
    con.close()


def _diffs(con, source: str) -> set[tuple]:
    return set(
        con.execute(
            "select order_id, reason, is_in_flight from ops.reconciliation_diffs where source = ?", [source]
        ).fetchall()
    )


def test_every_differing_order_is_listed_with_its_reason(world):
    con, engine, archive = world
    report = run_reconciliation(con, erp_engine=engine, archive=archive)
    assert report.problems == []
    assert _diffs(con, "erp_db") == {
        ("erp:SO2", "amount_mismatch", False),
        ("erp:SO3", "status_mismatch", False),
        ("erp:SO4", "missing_in_hub", False),
        ("erp:SO5", "missing_in_source", False),
        ("erp:SO6", "status_mismatch", True),
    }
    assert _diffs(con, "export_file") == {
        ("taobao:1002", "status_mismatch", False),
        ("taobao:1003", "missing_in_hub", False),
        ("taobao:1004", "missing_in_source", False),
    }
    row = con.execute("""select source_status, hub_status, source_paid_fen, hub_paid_fen from ops.reconciliation_diffs
                         where order_id = 'erp:SO2'""").fetchone()
    assert row == ("paid", "paid", 8800, 8700)
    assert con.execute(
        "select source_status from ops.reconciliation_diffs where order_id = 'taobao:1002'"
    ).fetchone() == ("refunded",)
    summary = con.execute("""select source, recon_date, source_orders, hub_orders, matched_orders, missing_in_hub,
                             missing_in_source, amount_mismatch, status_mismatch, in_flight, is_match
                             from ops.reconciliation order by source""").fetchall()
    assert summary == [
        ("erp_db", DAY, 5, 5, 1, 1, 1, 1, 2, 1, False),
        ("export_file", DAY, 3, 3, 1, 1, 1, 0, 1, 0, False),
    ]
    assert report.diffs_not_in_flight == 7


def test_rerun_replaces_and_a_fixed_hub_matches(world):
    con, engine, archive = world
    run_reconciliation(con, erp_engine=engine, archive=None)
    con.execute("update hub.orders set paid_fen = 8800 where order_id = 'erp:SO2'")
    con.execute("update hub.orders set status = 'completed' where order_id = 'erp:SO3'")
    con.execute("delete from hub.orders where order_id = 'erp:SO5'")
    _hub(con, "erp:SO4", "pending_payment", 500)
    report = run_reconciliation(con, erp_engine=engine, archive=None)
    assert _diffs(con, "erp_db") == {("erp:SO6", "status_mismatch", True)}
    assert report.diffs_not_in_flight == 0
    assert con.execute("select count(*), bool_and(is_match) from ops.reconciliation").fetchone() == (1, True)


def test_an_unreadable_source_is_reported_not_skipped(world, tmp_path):
    con, _, archive = world
    report = run_reconciliation(
        con, erp_engine=sa.create_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}"), archive=archive
    )
    assert any(p.startswith("erp_db:") for p in report.problems)
    assert "export_file:taobao:tm-outlet" in report.by_scope


def test_asset_warns_on_mismatch(world, monkeypatch):
    import assets.ops.reconciliation as recon
    from quality.checks import build_checks
    from resources.bindings import bound
    from resources.erp import ErpBridge
    from resources.warehouse import Warehouse

    con, engine, _ = world
    con.close()
    monkeypatch.setattr(recon, "_since", lambda days: date(2026, 11, 1))
    checks = build_checks({"ops.reconciliation": False, "ops.reconciliation_diffs": False})
    result = dg.materialize(
        [recon.reconciliation, *checks],
        resources={**bound(), "warehouse": Warehouse(), "erp": ErpBridge(url=str(engine.url))},
        raise_on_error=True,
    )
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert evaluations.pop("key_unique").passed  # the key no constraint enforces
    (check,) = evaluations.values()
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert check.metadata["failing_count"].value == 7


def test_since_limits_both_sides(world):
    con, engine, archive = world
    report = run_reconciliation(con, erp_engine=engine, archive=archive, since=date(2026, 11, 19))
    assert report.by_scope["erp_db:erp:erp-wholesale"]["orders_compared"] == 0
    assert con.execute("select count(*) from ops.reconciliation_diffs").fetchone()[0] == 0


def test_a_report_excel_saved_again_is_read_with_its_dates(world):
    """Excel leaves "2026/11/18 9:01" (no seconds, no zero padding) and plain ids: the same orders reconcile."""
    con, engine, archive = world
    resaved = archive / "taobao" / "20261120T010000-tm-outlet_orders_20261118.csv"
    rows = [
        {**_row("1001", "买家已付款，等待卖家发货", "129.00", "2026/11/18 9:01"), "订单创建时间": "2026/11/18 9:00"},
        {**_row("1003", "买家已付款，等待卖家发货", "9.90", "2026/11/18 9:01"), "订单创建时间": "2026/11/18 9:00"},
    ]
    _export(resaved, [{**r, "订单编号": r["订单编号"][2:-1]} for r in rows])
    report = run_reconciliation(con, erp_engine=engine, archive=archive)
    assert report.problems == []
    assert ("taobao:1003", "missing_in_hub", False) in _diffs(con, "export_file")
    summary = con.execute("select source_orders from ops.reconciliation where source = 'export_file'").fetchone()
    assert summary == (3,)
