"""After-sales tickets: linkage, orphan quarantine, closing rule; order tags."""

import pytest
from inv_fixtures import NOW, add_order, connect

from orderhub.after_sales.tickets import close_ticket, land_tickets, record_reshipment
from orderhub.fulfilment.tags import build_order_tags
from orderhub.privacy import store
from quality.framework import Window, run_suite
from quality.suites.hub.after_sales_tickets import SUITE as TICKETS
from resources.quality_settings import QualitySettings

pytestmark = pytest.mark.both_backends  # warehouse-facing: the DuckDB file and the lake (tests/conftest.py)


def _tb(refund_id, tid, status="WAIT_SELLER_AGREE", dispute="REFUND", fee="19.90", modified="2026-11-20 11:00:00"):
    return {
        "refund_id": refund_id,
        "tid": tid,
        "oid": 1,
        "refund_fee": fee,
        "reason": "不想要了",
        "dispute_type": dispute,
        "status": status,
        "created": "2026-11-20 10:00:00",
        "modified": modified,
    }


def _cs(code, channel, order, ticket_type="damaged", status="open", updated="2026-11-20T05:00:00Z"):
    return {
        "ticket_code": code,
        "source": "wechat",
        "channel": channel,
        "channel_order_id": order,
        "ticket_type": ticket_type,
        "status": status,
        "description": "张三 13800001234 说坏了",
        "created_at": "2026-11-20T01:00:00Z",
        "updated_at": updated,
    }


def _tickets(con):
    return {
        r[0]: r[1:]
        for r in con.execute(
            "select ticket_code, order_id, ticket_type, status, refund_fen, refund_recorded_at is not null,"
            " reshipment_recorded_at is not null from hub.after_sales_tickets"
        ).fetchall()
    }


def test_linkage_types_and_orphans_quarantined(orderhub_home):
    con = connect()
    for oid in ("taobao:100", "douyin:200", "pdd:300"):
        add_order(con, oid)
    feeds = {
        "taobao": [
            _tb(1, 100, "SUCCESS", "REFUND_AND_RETURN"),
            _tb(2, 999, dispute="REFUND"),
            _tb(3, 100, dispute="NOT_A_TYPE"),
        ],
        "douyin": [
            {  # afterSale.List nests the ticket, the order and the texts
                "aftersale_info": {
                    "aftersale_id": "A1",
                    "aftersale_type": 1,
                    "refund_amount": 990,
                    "aftersale_status": 6,
                    "apply_time": 1763600000,
                    "update_time": 1763610000,
                },
                "order_info": {"shop_order_id": "200", "related_order_info": [{"sku_order_id": "201"}]},
                "text_part": {"reason_text": "发错货了"},
            }
        ],
        "pdd": [
            {
                "id": 7,
                "order_sn": "300",
                "after_sales_type": 2,
                "after_sale_reason": "不喜欢",
                "refund_amount": "5.00",  # 退款金额（元）
                "after_sales_status": 11,  # 买家撤销 (16 is 换货补寄成功: a success)
                "created_time": "2026-11-20 10:00:00",
                "updated_time": "2026-11-20 10:30:00",
            }
        ],
        "cs": [_cs("CS-1", "taobao", "100"), _cs("CS-9", "douyin", "20O")],  # CS-9: a typo'd order number
    }
    counts = land_tickets(con, feeds, NOW, batch_id="b1")
    assert counts == {
        "received": 7,
        "stored": 4,
        "quarantined": 3,
        "superseded": 0,
        "personal_values": 2,  # the two CS descriptions (the same text: one value in the store)
        "personal_data_tokenized": 0,
    }
    t = _tickets(con)
    assert t["taobao:1"] == ("taobao:100", "return", "closed", 1990, True, False)
    assert t["douyin:A1"] == ("douyin:200", "wrong_item", "open", 990, False, False)
    assert t["pdd:7"][1:3] == ("refund_only", "withdrawn")
    assert t["CS-1"][:3] == ("taobao:100", "damaged", "open")
    q = dict(con.execute("select message, reason from hub.quarantine where entity = 'ticket'").fetchall())
    assert sorted(q.values()) == ["unknown_order", "unknown_order", "unknown_type"]
    assert not con.execute(
        "select count(*) from hub.after_sales_tickets where ticket_code in ('taobao:2', 'CS-9')"
    ).fetchone()[0]
    # PII from the CS form never reaches the hub table, nor quarantine (CS-9's payload): tokens, values in the store
    assert "13800001234" not in str(con.execute("select * from hub.after_sales_tickets").fetchall())
    (cs9,) = con.execute("select record->>'description' from hub.quarantine where message like '%CS-9%'").fetchone()
    assert cs9.startswith("pii:message:") and store.lookup(con, [cs9]) == {cs9: "张三 13800001234 说坏了"}

    again = land_tickets(con, feeds, NOW, batch_id="b2")  # re-run: same rows, no duplicate quarantine
    assert again["stored"] == 4 and len(_tickets(con)) == 4
    assert con.execute("select count(*) from hub.quarantine").fetchone()[0] == 3


def test_ticket_closes_only_with_refund_or_reshipment(orderhub_home):
    con = connect()
    add_order(con, "taobao:100")
    add_order(con, "douyin:200")
    land_tickets(
        con,
        {
            "cs": [
                _cs("CS-1", "taobao", "100", status="closed"),
                _cs("CS-2", "douyin", "200", "wrong_address", status="closed"),
            ]
        },
        NOW,
    )
    assert _tickets(con)["CS-1"][2] == "resolved"  # source says closed, nothing recorded: not closed
    with pytest.raises(ValueError, match="no refund or reshipment"):
        close_ticket(con, "CS-1", NOW)
    # another writer closing it anyway (no CHECK constraint: a DuckLake has none) is caught by a blocking check
    con.execute("begin")
    con.execute("update hub.after_sales_tickets set status = 'closed' where ticket_code = 'CS-1'")
    (bad,) = run_suite(con, TICKETS, QualitySettings(), Window(), only={"closed_tickets_resolved"})
    con.execute("rollback")
    assert not bad.passed and bad.failing_count == 1 and bad.rule.blocking

    # A channel refund for the same order is recorded -> the CS ticket closes on the next landing.
    land_tickets(con, {"taobao": [_tb(1, 100, "SUCCESS")], "cs": [_cs("CS-1", "taobao", "100", status="closed")]}, NOW)
    assert _tickets(con)["CS-1"][2:] == ("closed", None, True, False)

    record_reshipment(con, "CS-2", "SF0000000000009", NOW)
    close_ticket(con, "CS-2", NOW)
    assert _tickets(con)["CS-2"][2:] == ("closed", None, False, True)
    # an older version arriving late does not reopen it
    land_tickets(con, {"cs": [_cs("CS-2", "douyin", "200", "wrong_address", "open", "2026-11-19T00:00:00Z")]}, NOW)
    assert _tickets(con)["CS-2"][2] == "closed"


def test_order_tags(orderhub_home):
    con = connect()
    add_order(con, "taobao:1", paid_fen=150_000, buyer_key="bk-a", paid_minutes_ago=300)
    add_order(con, "douyin:2", paid_fen=5_000, buyer_key="bk-a", province="新疆维吾尔自治区", paid_minutes_ago=100)
    add_order(con, "pdd:3", paid_fen=99_999, buyer_key="bk-b", province="Tibet")
    add_order(con, "pdd:4", status="pending_payment", paid_fen=500_000, buyer_key="bk-b", province="青海省")
    add_order(con, "pdd:5", buyer_key=None, province="内蒙古自治区")
    counts = build_order_tags(con, high_value_fen=100_000, now=NOW)
    tags = {
        (r[0], r[1]): r[2]
        for r in con.execute("select order_id, tag, expected_delivery_days from hub.order_tags").fetchall()
    }
    assert tags == {
        ("taobao:1", "high_value"): None,
        ("douyin:2", "repeat_buyer"): None,
        ("douyin:2", "remote_region"): 7,
        ("pdd:3", "remote_region"): 8,
        ("pdd:5", "remote_region"): 5,
    }
    assert counts == {"high_value": 1, "repeat_buyer": 1, "remote_region": 3}
