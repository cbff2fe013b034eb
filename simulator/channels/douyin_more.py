"""Douyin order lines, after-sales, products/SKUs, stock, logistics and token methods (router: douyin.py)."""

from __future__ import annotations

from simulator import lifecycle as lc
from simulator import listings
from simulator.channels import common as c
from simulator.channels import envelopes as e
from simulator.server import Response
from simulator.timeutil import DAY

# the world's after-sales kinds -> afterSale.List aftersale_type (0 退货退款 · 1 已发货仅退款 · 2 未发货仅退款 ·
# 3 换货) and the order line's after_sale_type (0 退货退款 · 1 售后退款 · 2 售前退款 · 3 换货)
AS_TYPE = {0: 2, 1: 0, 2: 3, 3: 1, 4: 2}
LINE_AS_TYPE = {0: 2, 1: 0, 2: 3, 3: 1, 4: 2}
REASON = {0: "不想要了", 1: "七天无理由退货", 2: "商家发错货", 3: "商品破损", 4: "地址填错"}
TYPE_TEXT = {0: "退货退款", 1: "已发货仅退款", 2: "未发货仅退款", 3: "换货"}
COMPANIES = [  # /order/logisticsCompanyList: ids and codes are the simulator's own values
    {"id": 7, "name": "顺丰速运", "code": "shunfeng"},
    {"id": 15, "name": "中通快递", "code": "zhongtong"},
    {"id": 12, "name": "圆通速递", "code": "yuantong"},
    {"id": 8, "name": "申通快递", "code": "shentong"},
    {"id": 9, "name": "韵达快递", "code": "yunda"},
    {"id": 1074, "name": "极兔速递", "code": "jtexpress"},
]


# per line: after_sale_info.refund_status 1 待退款 · 3 退款成功 · 4 退款失败 (0 = no after-sale)
LINE_RF = {lc.RF_NONE: 0, lc.RF_PENDING: 1, lc.RF_SUCCESS: 3, lc.RF_CLOSED: 1}
LINE_AS_STATUS = {lc.RF_NONE: 0, lc.RF_PENDING: 6, lc.RF_SUCCESS: 12, lc.RF_CLOSED: 28}


def window(biz: dict, start_key: str, end_key: str):
    try:
        start, end = int(biz[start_key]), int(biz[end_key])
        page, size = int(biz.get("page", 0)), int(biz.get("size", 10))
    except (KeyError, ValueError, TypeError) as exc:
        return e.dy_bad(f"缺少或非法参数 {exc}")
    if end <= start or end - start > 7 * DAY:
        return e.dy_bad(f"{start_key}/{end_key} 跨度不能超过7天")
    if page < 0 or not 1 <= size <= 100:
        return e.dy_bad("page>=0, 1<=size<=100")
    return start, end, page, size


def sku_order(oid: str, ln, pay: int, status: int, rf: int, rf_type: int) -> dict:
    ids = listings.douyin_ids(listings.line_index("douyin", ln.sku, ln.channel_sku))
    has_as = rf != lc.RF_NONE
    return {
        "order_id": str(int(oid) + ln.line_no + 1),
        "parent_order_id": oid,
        "order_status": status,
        "product_id": ids["product_id"],
        "sku_id": ids["sku_id"],
        "out_sku_id": 0,  # unset: the merchant's own code is `code`
        "code": ids["code"],
        "product_name": ln.title,
        "item_num": ln.qty,
        "origin_amount": ln.price_fen,
        "sum_amount": ln.price_fen * ln.qty,
        "pay_amount": pay,
        "after_sale_info": {
            "after_sale_status": LINE_AS_STATUS[rf],
            "after_sale_type": LINE_AS_TYPE.get(rf_type, 0) if has_as else 0,
            "refund_status": LINE_RF[rf] if not (has_as and rf_type == 2) else 0,
        },
    }


def after_sale_list(sim, biz: dict) -> Response:
    w = window(biz, "update_start_time", "update_end_time")
    if isinstance(w, Response):
        return w
    start, end, page, size = w
    world = sim.world
    with world.lock:
        rows, total = c.refund_page(world, "dy", start, end, page * size, size)
        items = [_after_sale(world, o, rf_step, m) for o, rf_step, m in rows]
    return e.dy_envelope(
        {"items": items, "has_more": (page + 1) * size < total, "total": total, "page": page, "size": size}
    )


def _after_sale(world, o, rf_step: int, modified: float) -> dict:
    key, kind = int(o["key"]), int(o["rf_type"])
    oid = c.dy_order_id(key)
    lines = c.lines_of(world, o.r, "douyin", lc.PAID)
    exchange = AS_TYPE[kind] == 3
    status = {lc.RF_PENDING: 6, lc.RF_SUCCESS: 14 if exchange else 12, lc.RF_CLOSED: 28}[rf_step]
    refund_status = 3 if rf_step == lc.RF_SUCCESS and not exchange else (4 if rf_step == lc.RF_CLOSED else 1)
    return {
        "aftersale_info": {
            "aftersale_id": str(int(oid) * 10 + 7)[-19:],
            "aftersale_order_type": 2,
            "aftersale_type": AS_TYPE[kind],
            "aftersale_status": status,
            "refund_status": refund_status,
            "refund_amount": 0 if exchange else int(o["pay_fen"]),
            "refund_post_amount": 0,
            "aftersale_num": sum(ln.qty for ln in lines),
            "apply_time": int(o["rf_req"]),
            "create_time": int(o["rf_req"]),
            "update_time": int(modified),
        },
        "order_info": {
            "shop_order_id": oid,
            "related_order_info": [
                {
                    "sku_order_id": str(int(oid) + ln.line_no + 1),
                    "shop_sku_code": ln.channel_sku,
                    "item_num": ln.qty,
                    "aftersale_item_num": ln.qty,
                }
                for ln in lines
            ],
        },
        "text_part": {"reason_text": REASON[kind], "aftersale_type_text": TYPE_TEXT[AS_TYPE[kind]]},
    }


def _products(sim) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for item in sim.stock.listed("douyin"):
        out.setdefault(listings.douyin_ids(item["i"])["product_id"], []).append(item)
    return out


def product_list(sim, biz: dict) -> Response:
    try:
        page, size = int(biz.get("page", 1)), int(biz.get("size", 10))
    except (TypeError, ValueError) as exc:
        return e.dy_bad(str(exc))
    if page < 1 or not 1 <= size <= 100 or page * size > 10_000:
        return e.dy_bad("page 从1开始, 1<=size<=100, page*size<=10000")
    products = sorted(_products(sim).items()) if int(biz.get("status", 0)) == 0 else []
    data = [
        {
            "product_id": pid,
            "status": 0,
            "check_status": 3,
            "name": sim.world.titles_py[min(skus[0]["i"], len(sim.world.titles_py) - 1)],
            "update_time": int(skus[0]["modified"]),
            "outer_product_id": f"P{pid % 10**6:06d}",
        }
        for pid, skus in products[(page - 1) * size : page * size]
    ]
    return e.dy_envelope({"data": data, "total": len(products), "page": page, "size": size})


def _sku(item: dict) -> dict:
    ids = listings.douyin_ids(item["i"])
    return {
        "id": ids["sku_id"],
        "product_id": ids["product_id"],
        "product_id_str": str(ids["product_id"]),
        "out_sku_id": 0,
        "code": ids["code"],
        "sku_type": 0,
        "stock_num": item["qty"],
        "prehold_stock_num": 0,
    }


def sku_list(sim, biz: dict) -> Response:
    try:
        product_id = int(biz["product_id"])
    except (KeyError, TypeError, ValueError) as exc:
        return e.dy_bad(f"product_id: {exc}")
    return e.dy_envelope([_sku(it) for it in _products(sim).get(product_id, [])])


def sync_stock(sim, biz: dict) -> Response:
    by_sku = {listings.douyin_ids(it["i"])["sku_id"]: it for it in sim.stock.listed("douyin")}
    item = None
    if biz.get("sku_id") not in (None, ""):
        item = by_sku.get(int(biz["sku_id"]))
    elif biz.get("code"):
        item = next((it for it in by_sku.values() if it["sku"] == biz["code"]), None)
    if item is None:
        return e.dy_bad("找不到该sku: 请传 sku_id 或 code")
    ids = listings.douyin_ids(item["i"])
    if biz.get("product_id") not in (None, "") and int(biz["product_id"]) != ids["product_id"]:
        return e.dy_bad("sku 不属于该商品")
    if biz.get("incremental") is True and not biz.get("idempotent_id"):
        return e.dy_missing("idempotent_id")
    try:
        qty = int(biz["stock_num"]) + (item["qty"] if biz.get("incremental") is True else 0)
        updated = sim.stock.update("douyin", item["sku"], qty)
    except (TypeError, ValueError) as exc:
        return e.dy_bad(str(exc))
    return e.dy_envelope({"sku_id": ids["sku_id"], "stock_num": updated["qty"]})


def companies(sim, biz: dict) -> Response:
    return e.dy_envelope([dict(co) for co in COMPANIES])


def logistics_add(sim, biz: dict) -> Response:
    if sim.strict and biz.get("company_code") not in {co["code"] for co in COMPANIES}:
        return e.dy_bad("company_code 不存在: 请用 /order/logisticsCompanyList 的 code")
    if not sim.confirm_shipment(
        "douyin", str(biz.get("order_id", "")), str(biz.get("logistics_code", "")), str(biz.get("company_code", ""))
    ):
        return e.dy_envelope(None, 50002, "业务处理失败", "isv.business-failed", "订单不存在")
    return e.dy_envelope({})


def _token_data(t: dict) -> dict:
    return {
        "access_token": t["access_token"],
        "expires_in": t["expires_in"],
        "refresh_token": t["refresh_token"],
        "scope": "SCOPE",
        "shop_id": 8_000_001,
        "shop_name": "sim官方旗舰店",
        "authority_id": "",
        "auth_subject_type": "MiniApp",
    }


def token_create(sim, biz: dict) -> Response:
    if biz.get("grant_type") == "authorization_self":
        t = sim.tokens.issue("douyin")
    elif biz.get("grant_type") == "authorization_code":
        t = sim.tokens.exchange("douyin", str(biz.get("code", "")))
    else:
        return e.dy_bad("grant_type 须为 authorization_code 或 authorization_self")
    if isinstance(t, str):
        return e.dy_envelope(None, 50001, "平台处理失败", f"dop.token-generate-failed:{t}", "code 无效或已过期")
    return e.dy_envelope(_token_data(t))


def token_refresh(sim, biz: dict) -> Response:
    # earlier than the last hour before expiry the same tokens come back (token.refresh docs)
    t = sim.tokens.renew("douyin", str(biz.get("refresh_token", "")), same_if_early=3600)
    if isinstance(t, str):
        return e.dy_envelope(
            None, 50001, "平台处理失败", f"dop.token-generate-failed:{t}", "refresh_token 无效或已过期"
        )
    return e.dy_envelope(_token_data(t))
