"""Per-channel mapping tests on recorded payloads: every hub field, and the quarantine reasons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from ingest_kit import land_fixture, payloads, rebuild

from orderhub.standardize.loader import all_mappings
from orderhub.standardize.mapping import MappingError, parse_mapping


def _order(con, order_id: str) -> dict:
    cur = con.execute("select * from hub.orders where order_id = ?", [order_id])
    cols = [d[0] for d in cur.description]
    row = cur.fetchone()
    assert row is not None, f"{order_id} not in hub.orders"
    return dict(zip(cols, row))


def _lines(con, order_id: str) -> list[tuple]:
    return con.execute(
        "select line_no, channel_sku, quantity, unit_price_fen, paid_fen, status from hub.order_lines "
        "where order_id = ? order by line_no",
        [order_id],
    ).fetchall()


def _reasons(con, channel: str) -> dict[str, str]:
    rows = con.execute(
        "select record->>'$.tid_str', reason from hub.quarantine where channel = ?", [channel]
    ).fetchall()
    return dict(rows)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_every_mapping_file_compiles_and_is_valid():
    mappings = all_mappings()
    assert {"taobao_api", "douyin_api", "pdd_api", "erp", "taobao_export"} <= set(mappings)


def test_taobao_api_trade(con):
    res = land_fixture(con, "taobao_api")
    assert (res.received, res.stored, res.quarantined) == (5, 2, 3)
    rebuild(con)
    o = _order(con, "taobao:2612345678901234")
    assert o["status"] == "paid" and o["shop_id"] == "tb-flagship"
    assert (o["total_fen"], o["discount_fen"], o["freight_fen"], o["paid_fen"]) == (25980, 2000, 0, 23980)
    assert o["created_at"] == utc(2026, 11, 10, 16, 3, 17)  # 2026-11-11 00:03:17 Beijing
    assert str(o["order_date"]) == "2026-11-11"  # Beijing business day, not the UTC day
    assert o["paid_at"] == utc(2026, 11, 10, 16, 5, 2)
    assert o["promotion_type"] == "双11狂欢" and (o["receiver_province"], o["receiver_city"]) == ("浙江省", "杭州市")
    assert _lines(con, "taobao:2612345678901234") == [
        (1, "SKU-00001", 1, 12990, 11990, "paid"),
        (2, "SKU-00002", 2, 6495, 11990, "paid"),
    ]
    cancelled = _order(con, "taobao:2612345678900001")
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"] == utc(2026, 11, 10, 17)
    assert cancelled["completed_at"] is None


def test_taobao_quarantine_reasons(con):
    land_fixture(con, "taobao_api")
    rows = con.execute(
        "select channel_order_id, reason, message from hub.quarantine q join raw.channel_orders r "
        "using (content_hash) order by 1"
    ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [
        ("2612345678900002", "bad_amount"),
        ("2612345678900003", "missing_field"),
        ("2612345678900004", "bad_timestamp"),
    ]
    assert "19.9x" in rows[0][2] and "created" in rows[1][2]
    # quarantined records stay in raw, flagged, and never reach the hub
    flagged = con.execute("select count(*) from raw.channel_orders where quarantine_reason is not null").fetchone()[0]
    assert flagged == 3
    rebuild(con)
    assert (
        con.execute("select count(*) from hub.orders where channel_order_id like '26123456789000_2'").fetchone()[0] == 0
    )


def test_unknown_extra_fields_are_kept_in_raw_not_an_error(con):
    land_fixture(con, "taobao_api")
    kept = con.execute(
        "select record->'$.some_new_field'->>'added' from raw.channel_orders "
        "where channel_order_id = '2612345678900001'"
    ).fetchone()[0]
    assert kept == "by the platform"


def test_douyin_fen_epoch_and_refund_flag(con):
    res = land_fixture(con, "douyin_api")
    assert (res.stored, res.quarantined, res.reasons) == (2, 2, {"bad_amount": 1, "unknown_status": 1})
    rebuild(con)
    o = _order(con, "douyin:6920000000000000001")
    assert (o["status"], o["paid_fen"], o["discount_fen"], o["total_fen"]) == ("shipped", 14800, 1000, 15800)
    assert o["created_at"] == utc(2025, 11, 10, 16) and o["completed_at"] is None  # finish_time 0 = not yet
    assert (o["receiver_province"], o["receiver_city"]) == ("广东省", "深圳市")
    assert _lines(con, "douyin:6920000000000000001") == [(1, "SKU-00010", 2, 7900, 14800, "shipped")]
    # the refund is reported on the line (sku_order_list[].after_sale_info.refund_status 3), not on the order
    assert _order(con, "douyin:6920000000000000009")["status"] == "refunded"


def test_pdd_yuan_strings_and_refund_status(con):
    res = land_fixture(con, "pdd_api")
    assert (res.stored, res.quarantined, res.reasons) == (2, 1, {"missing_field": 1})
    rebuild(con)
    o = _order(con, "pdd:261111-123456789012345")
    assert (o["status"], o["total_fen"], o["discount_fen"], o["paid_fen"]) == ("paid", 9900, 1000, 8900)
    assert _lines(con, "pdd:261111-123456789012345") == [(1, "SKU-00020", 3, 3300, 9900, "paid")]
    assert _order(con, "pdd:261111-123456789012346")["status"] == "refunded"


def test_erp_legacy_formats(con):
    res = land_fixture(con, "erp")
    assert (res.stored, res.quarantined) == (1, 1)
    rebuild(con)
    o = _order(con, "erp:WS20261111001")
    assert o["shop_id"] == "erp-wholesale" and o["status"] == "paid"
    assert (o["paid_fen"], o["discount_fen"], o["freight_fen"], o["total_fen"]) == (129050, 950, 0, 130000)
    assert o["created_at"] == utc(2026, 11, 11, 1)
    assert _lines(con, "erp:WS20261111001") == [
        (1, "SKU-00001", 10, 10000, 100000, "paid"),
        (2, "SKU-00002", 5, 6000, 30000, "paid"),
    ]


def test_taobao_export_rows(con):
    res = land_fixture(con, "taobao_export")
    assert (res.stored, res.quarantined) == (2, 0)
    rebuild(con)
    o = _order(con, "taobao:2612345678909999")
    assert o["shop_id"] == "tm-outlet" and o["status"] == "shipped"
    assert (o["paid_fen"], o["discount_fen"], o["total_fen"]) == (12900, 1000, 13900)
    assert (o["receiver_province"], o["receiver_city"]) == ("浙江省", "杭州市")
    # multi-SKU row: codes and quantities split on ";", the paid goods value allocated by quantity
    assert _lines(con, "taobao:2612345678909999") == [
        (1, "SKU-00001", 2, 4300, 8600, "shipped"),
        (2, "SKU-00002", 1, 4300, 4300, "shipped"),
    ]
    assert _order(con, "taobao:2612345678909998")["status"] == "refunded"  # closed after payment


def test_no_pii_reaches_the_hub(con):
    for name in ("taobao_api", "douyin_api", "pdd_api", "erp", "taobao_export"):
        land_fixture(con, name)
    rebuild(con)
    text = " ".join(
        str(v)
        for t in ("hub.orders", "hub.order_lines", "hub.order_status_history")
        for row in con.execute(f"select * from {t}").fetchall()
        for v in row
    )
    for secret in (
        "王小明",
        "13812345678",
        "文三路",
        "0571-88888888",
        "莫干山路",
        "AAHk5d-EX_7xbuyer1",
        "dy-open-1",
        "买家甲",
        "杭州某某贸易有限公司",
    ):
        assert secret not in text


@pytest.mark.parametrize(
    "doc, message",
    [
        (
            {
                "name": "x",
                "channel": "c",
                "source": "api",
                "order": {},
                "status": {"path": "s", "map": {}},
                "lines": {"path": "l"},
            },
            "required",
        ),
        (
            {
                "name": "x",
                "channel": "c",
                "source": "api",
                "order": {"bogus": "a"},
                "status": {"path": "s", "map": {}},
                "lines": {"path": "l"},
            },
            "unknown order fields",
        ),
    ],
)
def test_bad_mapping_files_are_rejected(doc, message):
    with pytest.raises(MappingError, match=message):
        parse_mapping(doc)


def test_fixtures_follow_the_contract_shapes():
    assert "trades" not in payloads("taobao_api")[0]  # records are TRADE objects, not response envelopes


def test_jd_api_order(con):
    from orderhub.ingest.landing import land

    res = land(con, source="api", channel="jd", shop_id="jd-pop", mapping="jd_api", records=payloads("jd_api"))
    assert (res.stored, res.quarantined) == (2, 0)
    rebuild(con)
    o = _order(con, "jd:300000000123")
    assert (o["status"], o["total_fen"], o["discount_fen"], o["paid_fen"]) == ("shipped", 25980, 1000, 24980)
    assert _lines(con, "jd:300000000123") == [(1, "JD00001", 2, 12990, 25980, "shipped")]
    assert _order(con, "jd:300000000124")["paid_fen"] == 5  # "0.05" yuan


def _export_row(order_no: str, **cells) -> dict:
    row = {
        "订单编号": f'="{order_no}"',
        "买家会员名": "买家丙",
        "买家实际支付金额": "0.00",
        "订单状态": "交易关闭",
        "收货地址": "浙江省 杭州市 西湖区 1号",
        "订单创建时间": "2026-11-11 09:00:00",
        "订单付款时间": "",
        "商家编码": "SKU-00001;SKU-00002",
        "宝贝总数量": "2;1",
        "运费": "8.00",
        "优惠金额": "5.00",
    }
    return {**row, **cells}


def test_taobao_export_closed_order_total(con):
    rows = [
        _export_row("2612345678900101", 总金额="99.00"),  # newer report: the goods total as stated
        _export_row("2612345678900102"),  # older report without 总金额: derived, clamped at 0
        _export_row("2612345678900103", 总金额="99.0x"),  # present but unreadable: quarantined, no fallback
        _export_row(
            "2612345678900104",
            总金额="129.00",
            买家实际支付金额="132.00",
            订单状态="交易成功",
            订单付款时间="2026-11-11 09:01:00",
        ),
    ]  # paid = total - discount + freight
    res = land_fixture(con, "taobao_export", rows)
    assert (res.stored, res.quarantined, res.reasons) == (3, 1, {"bad_amount": 1})
    rebuild(con)
    stated = _order(con, "taobao:2612345678900101")
    assert (stated["status"], stated["total_fen"], stated["paid_fen"], stated["freight_fen"]) == (
        "cancelled",
        9900,
        0,
        800,
    )
    assert _order(con, "taobao:2612345678900102")["total_fen"] == 0  # 0 - 5.00 + ... would be negative
    assert _order(con, "taobao:2612345678900104")["total_fen"] == 12900
    # lines of an unpaid order allocate nothing, never a negative amount
    assert [line[4] for line in _lines(con, "taobao:2612345678900102")] == [0, 0]
    negative = con.execute(
        "select count(*) from hub.orders where least(total_fen, discount_fen, freight_fen, paid_fen) < 0"
        " or order_id in (select order_id from hub.order_lines where paid_fen < 0)"
    ).fetchone()[0]
    assert negative == 0


def test_export_row_with_zero_quantity_is_quarantined_not_a_failed_file(con):
    rows = [
        _export_row(
            "2612345678900201",
            宝贝总数量="0",
            商家编码="SKU-00001",
            买家实际支付金额="10.00",
            订单状态="交易成功",
            订单付款时间="2026-11-11 09:01:00",
        ),
        _export_row("2612345678900202"),
    ]
    res = land_fixture(con, "taobao_export", rows)
    assert (res.stored, res.quarantined, res.reasons) == (1, 1, {"bad_quantity": 1})
