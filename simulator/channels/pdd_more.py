"""Pinduoduo after-sales, goods, stock, logistics and token methods (router: pdd.py)."""

from __future__ import annotations

from simulator import lifecycle as lc
from simulator import listings
from simulator.channels import common as c
from simulator.channels import envelopes as e
from simulator.server import Response, ok
from simulator.timeutil import bj

# the world's after-sales kinds -> after_sales_type (2 仅退款 · 3 退货退款 · 4 换货) and the buyer's reason
AS_TYPE = {0: 2, 1: 3, 2: 4, 3: 3, 4: 2}
REASON = {0: "不想要了", 1: "七天无理由退货", 2: "商家发错货", 3: "商品破损", 4: "地址填错"}
# after_sales_status: pending per type (2 仅退款待商家处理 · 3 退货退款待商家处理 · 14 换货补寄待商家处理),
# 10 退款成功 / 16 换货补寄成功, 11 买家撤销
PENDING = {2: 2, 3: 3, 4: 14}
ORDER_AS_STATUS = {lc.RF_NONE: 0, lc.RF_PENDING: 2, lc.RF_SUCCESS: 10, lc.RF_CLOSED: 11}
COMPANIES = [  # pdd.logistics.companies.get: ids and codes are the simulator's own values
    {"id": 44, "logistics_company": "顺丰快递", "code": "SF", "available": 1},
    {"id": 115, "logistics_company": "中通快递", "code": "ZTO", "available": 1},
    {"id": 85, "logistics_company": "圆通快递", "code": "YTO", "available": 1},
    {"id": 1, "logistics_company": "申通快递", "code": "STO", "available": 1},
    {"id": 121, "logistics_company": "韵达快递", "code": "YUNDA", "available": 1},
    {"id": 9, "logistics_company": "某停用快递", "code": "OLD", "available": 0},
]


MAX_WINDOW = 30 * 60
error = e.pdd_error


def window(p: dict):
    try:
        start, end = int(p["start_updated_at"]), int(p["end_updated_at"])
        page, size = int(p.get("page", 1)), int(p.get("page_size", 100))
    except (KeyError, ValueError) as exc:
        return error(10000, f"参数错误: {exc}")
    if end <= start or end - start > MAX_WINDOW:
        return error(10000, "时间范围过大")
    if page < 1 or not 1 <= size <= 100:
        return error(10000, "参数错误: page>=1, 1<=page_size<=100")
    return start, end, page, size


def listing_body(p: dict, records: list, list_key: str, total: int, page: int, size: int) -> dict:
    """use_has_next=true: has_next and no total_count (then back-to-front paging is impossible)."""
    if str(p.get("use_has_next", "")).lower() == "true":
        return {list_key: records, "has_next": page * size < total}
    return {list_key: records, "total_count": total, "has_next": page * size < total}


def refund_increment(sim, p: dict) -> Response:
    w = window(p)
    if isinstance(w, Response):
        return w
    start, end, page, size = w
    try:
        status_filter, type_filter = int(p.get("after_sales_status", 1)), int(p.get("after_sales_type", 1))
    except ValueError as exc:
        return error(10000, f"参数错误: {exc}")
    world = sim.world
    with world.lock:
        records = []
        rows, total = c.refund_page(world, "pdd", start, end, 0, 10**9)  # filters apply before paging
        for o, rf_step, m in rows:
            r = _refund(world, o, rf_step, m)
            if status_filter in (1, r["after_sales_status"]) and type_filter in (1, r["after_sales_type"]):
                records.append(r)
    page_records = records[(page - 1) * size : page * size]
    body = listing_body(p, page_records, "refund_list", len(records), page, size)
    return ok({"refund_increment_get_response": body})


def _refund(world, o, rf_step: int, modified: float) -> dict:
    key, kind = int(o["key"]), int(o["rf_type"])
    kind_type = AS_TYPE[kind]
    first = c.lines_of(world, o.r, "pdd", lc.PAID)[0]
    ids = listings.pdd_ids(listings.line_index("pdd", first.sku, first.channel_sku))
    status = {lc.RF_PENDING: PENDING[kind_type], lc.RF_SUCCESS: 16 if kind_type == 4 else 10, lc.RF_CLOSED: 11}
    return {
        "id": key * 10 + 3,
        "order_sn": c.pdd_order_sn(key, o["created"]),
        "after_sales_type": kind_type,
        "after_sales_status": status[rf_step],
        "after_sale_reason": REASON[kind],
        "refund_amount": "0.00" if kind_type == 4 else c.yuan(o["pay_fen"]),  # 退款金额（元）
        "order_amount": c.yuan(o["pay_fen"]),
        "discount_amount": c.yuan(o["discount_fen"]),
        "goods_id": ids["goods_id"],
        "sku_id": ids["sku_id"],
        "outer_id": ids["outer_id"],
        "outer_goods_id": ids["outer_goods_id"],
        "goods_name": first.title,
        "goods_number": first.qty,
        "goods_price": c.yuan(first.price_fen),
        "created_time": bj(o["rf_req"]),
        "updated_time": bj(modified),
    }


def _goods(sim) -> list[tuple[int, list[dict]]]:
    out: dict[int, list[dict]] = {}
    for item in sim.stock.listed("pdd"):
        out.setdefault(listings.pdd_ids(item["i"])["goods_id"], []).append(item)
    return sorted(out.items())


def goods_list(sim, p: dict) -> Response:
    if sim.strict and not any(p.get(k) not in (None, "") for k in ("is_onsale", "outer_id", "goods_name")):
        return error(10000, "参数错误: is_onsale、outer_id、goods_name 须传一个")
    try:
        page, size = int(p.get("page", 1)), int(p.get("page_size", 100))
    except ValueError as exc:
        return error(10000, f"参数错误: {exc}")
    if page < 1 or not 1 <= size <= 100:
        return error(10000, "参数错误: page>=1, 1<=page_size<=100")
    goods = _goods(sim) if str(p.get("is_onsale", "1")) == "1" else []
    if p.get("outer_id"):
        goods = [(g, skus) for g, skus in goods if any(s["sku"] == p["outer_id"] for s in skus)]
    records = [
        {
            "goods_id": gid,
            "goods_name": sim.world.titles_py[min(skus[0]["i"], len(sim.world.titles_py) - 1)],
            "is_onsale": 1,
            "is_more_sku": int(len(skus) > 1),
            "goods_quantity": sum(s["qty"] for s in skus),
            "goods_reserve_quantity": 0,
            "sku_list": [
                {
                    "sku_id": listings.pdd_ids(s["i"])["sku_id"],
                    "outer_id": s["sku"],
                    "outer_goods_id": listings.pdd_ids(s["i"])["outer_goods_id"],
                    "sku_quantity": s["qty"],
                    "reserve_quantity": 0,
                    "is_sku_onsale": 1,
                    "spec": "默认",
                }
                for s in skus
            ],
        }
        for gid, skus in goods[(page - 1) * size : page * size]
    ]
    return ok({"goods_list_get_response": {"goods_list": records, "total_count": len(goods)}})


def quantity_update(sim, p: dict) -> Response:
    try:
        goods_id, qty, kind = int(p["goods_id"]), int(p["quantity"]), int(p.get("update_type", 1))
    except (KeyError, ValueError) as exc:
        return error(10000, f"参数错误: {exc}")
    skus = dict(_goods(sim)).get(goods_id)
    if skus is None:
        return error(10000, f"参数错误: 商品 {goods_id} 不存在")
    if p.get("sku_id"):  # "sku_id和outer_id必填一个，优先使用sku_id"
        item = next((s for s in skus if str(listings.pdd_ids(s["i"])["sku_id"]) == str(p["sku_id"])), None)
    else:
        item = next((s for s in skus if s["sku"] == p.get("outer_id")), None)
    if item is None:
        return error(10000, "参数错误: sku_id 或 outer_id 不属于该商品")
    try:
        updated = sim.stock.update("pdd", item["sku"], qty + (item["qty"] if kind == 2 else 0))
    except ValueError as exc:
        return error(10000, f"参数错误: {exc}")
    return ok({"goods_quantity_update_response": {"is_success": True, "quantity": updated["qty"]}})


def companies(sim, p: dict) -> Response:
    return ok({"logistics_companies_get_response": {"logistics_companies": [dict(co) for co in COMPANIES]}})


def logistics_send(sim, p: dict) -> Response:
    usable = {str(co["id"]) for co in COMPANIES if co["available"]}
    if sim.strict and str(p.get("logistics_id")) not in usable:
        return error(10000, "参数错误: logistics_id 须为 pdd.logistics.companies.get 中可用快递公司的 id")
    if not sim.confirm_shipment("pdd", p.get("order_sn", ""), p.get("tracking_number", ""), p.get("logistics_id", "")):
        return error(50001, "订单不存在")
    return ok({"logistics_online_send_response": {"is_success": True}})


def _token(t: dict, root: str) -> Response:
    return ok(
        {
            root: {
                "access_token": t["access_token"],
                "expires_at": t["expires_at"],
                "expires_in": t["expires_in"],
                "refresh_token": t["refresh_token"],
                "refresh_token_expires_at": t["refresh_expires_at"],
                "refresh_token_expires_in": t["refresh_expires_in"],
                "owner_id": "900000001",
                "owner_name": "sim拼多多店",
                "scope": ["pdd.order.number.list.increment.get"],
            }
        }
    )


def token_create(sim, p: dict) -> Response:
    t = sim.tokens.exchange("pdd", p.get("code", ""))
    return error(10000, f"参数错误: code {t}") if isinstance(t, str) else _token(t, "pop_auth_token_create_response")


def token_refresh(sim, p: dict) -> Response:
    t = sim.tokens.renew("pdd", p.get("refresh_token", ""))
    if isinstance(t, str):
        return error(10000, f"参数错误: refresh_token {t}")
    return _token(t, "pop_auth_token_refresh_response")
