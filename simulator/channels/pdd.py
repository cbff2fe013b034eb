"""Pinduoduo open platform router: `POST /pdd/api/router` (form or JSON body; see API.md, "Pinduoduo").

Strict (the default): every merchant API needs the shop's `access_token` (signed like every parameter),
the required parameters of each API's page, and throttling answers 70031 in an HTTP-200 body.
"""

from __future__ import annotations

import json

from simulator import lifecycle as lc
from simulator import listings
from simulator.channels import common as c
from simulator.channels import envelopes as e
from simulator.channels import pdd_more as more
from simulator.server import Request, Response, ok
from simulator.timeutil import bj

RF = {lc.RF_NONE: 1, lc.RF_PENDING: 2, lc.RF_SUCCESS: 4, lc.RF_CLOSED: 1}


error, throttled = e.pdd_error, e.pdd_throttled


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
        return error(10000, "签名错误")
    spec = METHODS.get(p.get("type", ""))
    if spec is None:
        return error(10001, f"接口不存在: {p.get('type')}")
    fn, required, needs_token = spec
    if sim.strict:
        if needs_token and sim.tokens.check("pdd", p.get("access_token")) != "ok":
            return error(10019, "access_token已过期")
        if name := c.missing(p, required):
            return error(10000, f"参数错误: {name} 不能为空")
    return fn(sim, p)


def order_increment(sim, p: dict) -> Response:
    w = more.window(p)
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
    return ok({"order_sn_increment_get_response": more.listing_body(p, out, "order_sn_list", total, page, size)})


def pdd_order(sim, row: int, st, now: float) -> dict:
    world = sim.world
    o = world.row(row)
    step, rf = int(st["step"][row]), int(st["rf_step"][row])
    shipped, done = c.seen(world, o, "shipped", now), c.seen(world, o, "done", now)
    status = 3 if done is not None else 2 if shipped is not None else 1
    key = int(o["key"])
    b = c.buyer_profile(int(o["buyer"]), int(o["prov"]))
    lines = c.lines_of(world, row, "pdd", step, sim.faults.unmapped_rate("pdd"))
    shipped_at = c.seen(world, o, "ship1", now)
    # the receiver: ciphertext only while awaiting shipment, masked always (pdd.open.decrypt.batch decrypts)
    waiting = status == 1 and step not in (lc.CANCELLED, lc.REFUNDED)
    rec = {
        "order_sn": c.pdd_order_sn(key, o["created"]),
        "order_status": status,
        "refund_status": RF[rf],
        "after_sales_status": more.ORDER_AS_STATUS[rf],
        "confirm_status": 1,
        "group_status": 1,
        "trade_type": 0,
        "risk_control_status": 0,
        "created_time": bj(o["created"]),
        "confirm_time": bj(c.seen(world, o, "paid", now)),
        "pay_time": bj(c.seen(world, o, "paid", now)),
        "shipping_time": bj(shipped_at),
        "receive_time": bj(done),
        "updated_at": bj(st["modified"][row]),
        "goods_amount": c.yuan(o["total_fen"]),
        "discount_amount": c.yuan(o["discount_fen"]),
        "seller_discount": c.yuan(o["discount_fen"]),
        "platform_discount": "0.00",
        "capital_free_discount": "0.00",
        "postage": c.yuan(o["post_fen"]),
        "pay_amount": c.yuan(o["pay_fen"]),
        "province": b["province"],
        "city": b["city"],
        "town": b["district"],
        "receiver_name": c.opaque("pdd-name", b["name"]) if waiting else "",
        "receiver_phone": c.opaque("pdd-phone", b["phone"]) if waiting else "",
        "receiver_address": c.opaque("pdd-addr", b["address"]) if waiting else "",
        "address": c.opaque("pdd-full", b["province"] + b["city"] + b["address"]) if waiting else "",
        "receiver_name_mask": c.mask_name(b["name"]),
        "receiver_phone_mask": c.mask_phone(b["phone"]),
        "receiver_address_mask": b["address"][:2] + "****",
        "address_mask": f"{b['province']}{b['city']}{b['district']}****",
        "tracking_number": c.tracking_no(key) if shipped_at is not None else "",
        "logistics_id": more.COMPANIES[0]["id"] if shipped_at is not None else 0,
    }
    rec["item_list"] = [_item(ln) for ln in lines]
    rec = sim.faults.corrupt("pdd", key, rec, "pay_amount", "updated_at", "order_status")
    return sim.faults.drift("pdd", rec)


def _item(ln) -> dict:
    ids = listings.pdd_ids(listings.line_index("pdd", ln.sku, ln.channel_sku))
    return {
        "goods_id": ids["goods_id"],
        "sku_id": ids["sku_id"],
        "outer_id": ids["outer_id"],
        "outer_goods_id": ids["outer_goods_id"],
        "goods_name": ln.title,
        "goods_spec": "默认",
        "goods_count": ln.qty,
        "goods_price": c.yuan(ln.price_fen),
    }


# type -> (handler, required parameters, needs the shop's access_token)
METHODS = {
    "pdd.order.number.list.increment.get": (
        order_increment,
        ("start_updated_at", "end_updated_at", "order_status", "refund_status", "is_lucky_flag", "page"),
        True,
    ),
    "pdd.refund.list.increment.get": (
        more.refund_increment,
        ("after_sales_status", "after_sales_type", "start_updated_at", "end_updated_at"),
        True,
    ),
    "pdd.goods.list.get": (more.goods_list, (), True),
    "pdd.goods.quantity.update": (more.quantity_update, ("goods_id", "quantity"), True),
    "pdd.logistics.companies.get": (more.companies, (), True),
    "pdd.logistics.online.send": (more.logistics_send, ("order_sn", "logistics_id", "tracking_number"), True),
    "pdd.pop.auth.token.create": (more.token_create, ("code",), False),
    "pdd.pop.auth.token.refresh": (more.token_refresh, ("refresh_token",), False),
}
