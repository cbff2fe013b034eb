"""After-sales records with personal data in declared fields (a CS form's free text, JD's buyer) and in an undeclared
one (a phone typed into Taobao's reason), for a known order (-> hub.after_sales_tickets) and for unknown ones
(-> hub.quarantine)."""

from __future__ import annotations

from datetime import UTC, datetime

from orderhub.after_sales.tickets import land_tickets

TICKET_VALUES = ("李四 13712345678 杭州市西湖区文三路100号 箱子坏了", "jd_buyer_0042", "王**", "13698765432")


def _tickets(order: str) -> dict[str, list[dict]]:
    cs = {"source": "wechat", "channel": "taobao", "ticket_type": "damaged", "status": "open"}
    cs |= {"description": TICKET_VALUES[0], "created_at": "2026-11-20T01:00:00Z", "updated_at": "2026-11-20T02:00:00Z"}
    jd = {"id": 71, "orderId": "999001", "buyerId": TICKET_VALUES[1], "buyerName": TICKET_VALUES[2]}
    jd |= {"applyTime": "2026-11-20 10:00:00", "applyRefundSum": 990, "status": 0, "reason": "不想要了"}
    tb = {"tid": order, "refund_fee": "1.00", "dispute_type": "REFUND", "status": "WAIT_SELLER_AGREE", "desc": ""}
    tb |= {
        "reason": f"不想要了 电话{TICKET_VALUES[3]}",
        "created": "2026-11-20 10:00:00",
        "modified": "2026-11-20 11:00:00",
    }
    return {
        "cs": [
            cs | {"ticket_code": "CS-P1", "channel_order_id": order},
            cs | {"ticket_code": "CS-P2", "channel_order_id": "0"},
        ],
        "jd": [jd],
        "taobao": [tb | {"refund_id": "81"}, tb | {"refund_id": "82", "tid": "999002"}],
    }


def land_tickets_with_personal_data(con) -> dict[str, int]:
    """Land them against the first Taobao order in hub.orders (the caller landed and rebuilt some)."""
    (order,) = con.execute("select channel_order_id from hub.orders where channel = 'taobao' limit 1").fetchone()
    return land_tickets(con, _tickets(order), datetime(2026, 11, 21, tzinfo=UTC))
