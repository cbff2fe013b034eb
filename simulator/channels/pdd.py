"""Pinduoduo open platform router: `POST /pdd/api/router` (form or JSON body; see API.md)."""

from __future__ import annotations

import json

from simulator import lifecycle as lc
from simulator.channels import common as c
from simulator.server import Request, Response, ok
from simulator.timeutil import bj

RF = {lc.RF_NONE: 1, lc.RF_PENDING: 2, lc.RF_SUCCESS: 4, lc.RF_CLOSED: 1}
AS_TYPE = {0: 2, 1: 3, 2: 4, 3: 3, 4: 2}
AS_STATUS = {lc.RF_PENDING: 1, lc.RF_SUCCESS: 10, lc.RF_CLOSED: 16}
MAX_WINDOW = 30 * 60


def error(code: int, msg: str) -> Response:
    return ok({"error_response": {"error_code": code, "error_msg": msg}})


def _params(req: Request) -> dict:
    p = dict(req.params)
    if isinstance(req.json, dict):
        p.update(
            {
                k: v
                if isinstance(v, str)
                else json.dumps(v, separators=(",", ":"))
                if isinstance(v, (dict, list))
                else str(v).lower()
                if isinstance(v, bool)
                else str(v)
                for k, v in req.json.items()
            }
        )
    return p


def handle(sim, req: Request) -> Response:
    p = _params(req)
    cid, secret = sim.creds["pdd"]
    if p.get("client_id") != cid or p.get("sign", "") != c.md5_sign(secret, p):
        return error(10019, "签名错误")
    fn = METHODS.get(p.get("type", ""))
    if fn is None:
        return error(10001, f"接口不存在: {p.get('type')}")
    return fn(sim, p)


def _window(p: dict):
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


def order_increment(sim, p: dict) -> Response:
    w = _window(p)
    if isinstance(w, Response):
        return w
    start, end, page, size = w
    world = sim.world
    with world.lock:
        now = world.now()
        rows, total = c.paged(
            sim, "pdd", lambda: world.modified_window("pdd", start, end, paid_only=True), page - 1, size, end
        )
        st = world.state_cols(now)
        out = [pdd_order(sim, int(r), st, now) for r in rows]
    return ok(
        {
            "order_sn_increment_get_response": {
                "total_count": total,
                "has_next": page * size < total,
                "order_sn_list": out,
            }
        }
    )


def pdd_order(sim, row: int, st, now: float) -> dict:
    world = sim.world
    o = world.row(row)
    step, rf = int(st["step"][row]), int(st["rf_step"][row])
    shipped, done = c.seen(world, o, "shipped", now), c.seen(world, o, "done", now)
    status = 3 if done is not None else 2 if shipped is not None else 1
    key = int(o["key"])
    b = c.buyer_profile(int(o["buyer"]), int(o["prov"]))
    lines = c.lines_of(world, row, "pdd", step, sim.faults.unmapped_rate("pdd"))
    rec = {
        "order_sn": c.pdd_order_sn(key, o["created"]),
        "order_status": status,
        "refund_status": RF[rf],
        "confirm_status": 1,
        "created_time": bj(o["created"]),
        "confirm_time": bj(c.seen(world, o, "paid", now)),
        "shipping_time": bj(c.seen(world, o, "ship1", now)),
        "receive_time": bj(done),
        "updated_at": bj(st["modified"][row]),
        "goods_amount": c.yuan(o["total_fen"]),
        "discount_amount": c.yuan(o["discount_fen"]),
        "postage": c.yuan(o["post_fen"]),
        "pay_amount": c.yuan(o["pay_fen"]),
        "receiver_name": c.mask_name(b["name"]),
        "receiver_phone": c.mask_phone(b["phone"]),
        "province": b["province"],
        "city": b["city"],
        "town": b["district"],
        "address": "***",
        "buyer_open_id": c.open_id("pdd", int(o["buyer"])),
        "tracking_number": c.tracking_no(key) if c.seen(world, o, "ship1", now) is not None else "",
    }
    if o["promo"]:
        rec["promotion_name"] = o["promo"]
    rec["item_list"] = [
        {
            "goods_id": 300_000_000 + ln.sku,
            "sku_id": 1_000_000_000 + ln.sku,
            "outer_id": ln.channel_sku,
            "goods_name": ln.title,
            "goods_count": ln.qty,
            "goods_price": c.yuan(ln.price_fen),
        }
        for ln in lines
    ]
    rec = sim.faults.corrupt("pdd", key, rec, "pay_amount", "updated_at", "order_status")
    return sim.faults.drift("pdd", rec)


def refund_increment(sim, p: dict) -> Response:
    w = _window(p)
    if isinstance(w, Response):
        return w
    start, end, page, size = w
    world = sim.world
    with world.lock:
        rows, total = c.refund_page(world, "pdd", start, end, (page - 1) * size, size)
        out = []
        for o, rf_step, m in rows:
            out.append(
                {
                    "id": int(o["key"]) * 10 + 3,
                    "order_sn": c.pdd_order_sn(int(o["key"]), o["created"]),
                    "after_sales_type": AS_TYPE[int(o["rf_type"])],
                    "after_sales_reason": c.RF_REASON[int(o["rf_type"])],
                    "refund_amount": int(o["pay_fen"]),
                    "after_sales_status": AS_STATUS[rf_step],
                    "created_time": bj(o["rf_req"]),
                    "updated_time": bj(m),
                }
            )
    return ok(
        {"refund_increment_get_response": {"total_count": total, "has_next": page * size < total, "refund_list": out}}
    )


def quantity_update(sim, p: dict) -> Response:
    try:
        item = sim.stock.update("pdd", p["outer_id"], int(p["quantity"]))
    except (KeyError, ValueError) as exc:
        return error(10000, f"参数错误: {exc}")
    return ok(
        {"goods_quantity_update_response": {"is_success": True, "outer_id": item["sku"], "quantity": item["qty"]}}
    )


def stock_list(sim, p: dict) -> Response:
    page, size = int(p.get("page", 1)), min(int(p.get("page_size", 100)), 100)
    items = sim.stock.listed("pdd")
    return ok(
        {
            "goods_stock_list_response": {
                "total_count": len(items),
                "items": [{"outer_id": i["sku"], "quantity": i["qty"]} for i in items[(page - 1) * size : page * size]],
            }
        }
    )


def logistics_send(sim, p: dict) -> Response:
    if not sim.confirm_shipment("pdd", p.get("order_sn", ""), p.get("tracking_number", ""), p.get("logistics_id", "")):
        return error(50001, "订单不存在")
    return ok({"logistics_online_send_response": {"is_success": True}})


METHODS = {
    "pdd.order.number.list.increment.get": order_increment,
    "pdd.refund.list.increment.get": refund_increment,
    "pdd.goods.quantity.update": quantity_update,
    "pdd.goods.stock.list": stock_list,
    "pdd.logistics.online.send": logistics_send,
}
