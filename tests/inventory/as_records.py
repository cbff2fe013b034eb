"""Varied after-sales records per feed for the mapping equivalence tests: every status and type code plus
unknown ones, reason keywords, exchanges, good and unreadable amounts, epoch and string times, missing,
empty, numeric and space-padded values. Values on which the compiled mappings knowingly differ from the old
SQL are not drawn here; test_inv_after_sales_mappings.py pins those one by one."""

from __future__ import annotations

import random

MISSING = object()  # the key is absent from the record

TIMES = [
    "2026-11-20 10:00:00",
    "2026-11-20 18:30:05",
    " 2026-11-20 10:00:00 ",
    1763600000,
    "1763610000",
    " 1763600000 ",
    0,
    99999999999,
    "2026-11-20T10:00:00",
    "2026-02-30 10:00:00",
    "20261120",
    "bad",
    "",
    None,
    MISSING,
]
REASONS = [
    "不想要了",
    "发错货",
    "卖家错发了颜色",
    "商品破损",
    "外包装损坏",
    "坏了",
    "地址填错",
    "wrong item sent",
    "box damaged",
    "new address please",
    "Wrong Item",
    "地址错了，而且破损",
    "说明：\n发错货",
    "",
    None,
    MISSING,
]
YUAN = [
    "19.90",
    "19.9",
    "0",
    "0.00",
    "-1.50",
    "+5.00",
    " 19.90 ",
    "1234567890123.45",
    19.9,
    20,
    "19.9x",
    "abc",
    "1,000",
    "",
    None,
    MISSING,
    {"v": 1},
]
FEN = [990, "990", " 990 ", 0, -5, "+500", "123456789012345", "abc", "", None, MISSING, [1]]
IDS = [1, "2", "A-3", " 7 ", "", None, MISSING, 12345678901234567890, *range(10, 50)]  # repeats: many versions
ORDERS = [100, "100", "200", 200, "300", " 100", "", None, MISSING]

TAOBAO = {
    "refund_id": IDS,
    "tid": ORDERS,
    "oid": [1],
    "refund_fee": YUAN,
    "reason": REASONS,
    "dispute_type": [
        "REFUND",
        "REFUND_AND_RETURN",
        "WRONG_ITEM",
        "DAMAGED",
        "WRONG_ADDRESS",
        "refund",
        "NOT_A_TYPE",
        "",
        None,
        MISSING,
    ],
    "status": ["WAIT_SELLER_AGREE", "SUCCESS", "CLOSED", "success", "UNKNOWN", 1, "", None, MISSING],
    "created": TIMES,
    "modified": TIMES,
}
DOUYIN = {
    "aftersale_id": IDS,
    "order_id": ORDERS,
    "sku_order_id": ["201"],
    "reason_text": REASONS,
    "aftersale_type": [0, 1, 2, "0", "1", "2", 3, "x", " 2", None, MISSING],
    "refund_amount": FEN,
    "aftersale_status": [6, 12, 28, "6", "12", "28", 7, "", None, MISSING],
    "create_time": TIMES,
    "update_time": TIMES,
}
PDD = {
    "id": IDS,
    "order_sn": ORDERS,
    "after_sales_reason": REASONS,
    "after_sales_type": [2, 3, 4, "2", "3", "4", 1, "x", None, MISSING],
    "refund_amount": FEN,
    "after_sales_status": [1, 10, 16, "1", "10", "16", 5, "", None, MISSING],
    "created_time": TIMES,
    "updated_time": TIMES,
}
CS_TIMES = [
    "2026-11-20T01:00:00Z",
    "2026-11-20T09:00:00+08:00",
    "2026-11-20 01:00:00",
    " 2026-11-20T01:00:00Z ",
    "2026-11-20",
    "2026-11-20T01:00:00.123Z",
    "1763600000",
    "bad",
    "",
    None,
    MISSING,
]
CS = {
    "ticket_code": ["CS-1", "CS-2", "cs 3", "", None, MISSING],
    "source": ["wechat", "email", "", None, MISSING],
    "channel": ["taobao", "douyin", "pdd", "", None, MISSING],
    "channel_order_id": ORDERS,
    "ticket_type": ["wrong_item", "wrong_address", "damaged", "return", "refund_only", "DAMAGED", "", None, MISSING],
    "status": ["open", "resolved", "closed", "CLOSED", "", None, MISSING],
    "description": ["张三 13800001234 说坏了"],
    "created_at": CS_TIMES,
    "updated_at": CS_TIMES,
}

POOLS = {"taobao": TAOBAO, "douyin": DOUYIN, "pdd": PDD, "cs": CS}


def varied(feed: str, n: int, seed: int = 7) -> list[dict]:
    """n records drawn field by field from the feed's pools (a fixed seed: the same records every run)."""
    rng = random.Random(f"{feed}-{seed}")
    out = []
    for _ in range(n):
        rec = {k: rng.choice(pool) for k, pool in POOLS[feed].items()}
        out.append({k: v for k, v in rec.items() if v is not MISSING})
    return out
