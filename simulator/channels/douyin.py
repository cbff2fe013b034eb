"""Douyin shop open platform: `POST /douyin/{method path}` (see API.md, "Douyin shop").

Strict (the default) it takes what the official SDK sends and nothing else: system parameters (app_key,
method, timestamp, v, sign, sign_method, access_token) in the URL query and the business parameters as
the raw JSON body; the signature is checked over that body text as sent.
"""

from __future__ import annotations

import json

from simulator import lifecycle as lc
from simulator.channels import common as c
from simulator.channels import douyin_more as more
from simulator.channels import envelopes as e
from simulator.server import Request, Response
from simulator.timeutil import epoch_int

STATUS = {lc.WAIT_PAY: 1, lc.PAID: 105, lc.PICKED: 2, lc.PART_SHIPPED: 101, lc.SHIPPED: 3, lc.DONE: 5, lc.CANCELLED: 4}
DESC = {1: "待支付", 105: "已支付", 2: "备货中", 101: "部分发货", 3: "已发货", 4: "已取消", 5: "已完成"}
SYSTEM = ("app_key", "method", "timestamp", "v", "sign")
NO_TOKEN = {"token.create", "token.refresh"}


envelope, bad, missing, throttled = e.dy_envelope, e.dy_bad, e.dy_missing, e.dy_throttled


TOKEN_ERRORS = {
    "missing": (40001, "缺少必选参数（平台校验）", "isv.access-token-missing", "access_token不能为空"),
    "unknown": (40003, "非法的参数（平台校验）", "isv.access-token-no-existed", "access_token不存在"),
    "expired": (40003, "非法的参数（平台校验）", "isv.access-token-expired", "access_token已过期"),
    "revoked": (30001, "操作权限不足", "dop.authorization-closed", "店铺授权已被关闭"),
}


def _request_parts(sim, req: Request) -> tuple[dict, str] | Response:
    """(system params, param_json text) as sent; strict: query + raw JSON body, else also one form body."""
    if req.body and not req.params.get("param_json"):
        sysp, param_json = dict(req.query), req.body.decode("utf-8", "replace")
    else:
        sysp, param_json = dict(req.params), req.params.get("param_json") or ""
        if sim.strict:  # the old single-form transport: the gateway finds no system params in the URL
            sysp = dict(req.query)
    for name, sub in (("app_key", "isv.app-id-missing"), ("sign", "isv.signature-missing")):
        if not sysp.get(name):
            return envelope(None, 40001, "缺少必选参数（平台校验）", sub, f"缺少 {name}（系统参数须在 URL 中）")
    return sysp, param_json


def handle(sim, req: Request) -> Response:
    parts = _request_parts(sim, req)
    if isinstance(parts, Response):
        return parts
    p, param_json = parts
    key, secret = sim.creds["douyin"]
    expected = c.douyin_sign(
        secret, p.get("app_key", ""), p.get("method", ""), param_json, p.get("timestamp", ""), p.get("v", "")
    )
    if p.get("app_key") != key or p.get("sign", "") != expected:
        return envelope(None, 40003, "非法的参数（平台校验）", "isv.signature-invalid", "签名校验失败")
    method = req.path[len("/douyin/") :].replace("/", ".")
    spec = METHODS.get(method)
    if spec is None or p.get("method", method) != method:
        return envelope(None, 70000, "接口服务已下线", "isp.api-service-off", f"方法不存在: {method}")
    fn, required = spec
    if sim.strict and method not in NO_TOKEN:
        state = sim.tokens.check("douyin", p.get("access_token"))
        if state != "ok":
            return envelope(None, *TOKEN_ERRORS[state])
    try:
        biz = json.loads(param_json or "{}")
    except ValueError:
        return bad("param_json 不是合法 JSON")
    if not isinstance(biz, dict):
        return bad("param_json 必须是 JSON 对象")
    if sim.strict and (name := c.missing(biz, required)):
        return missing(name)
    return fn(sim, biz)


def search_list(sim, biz: dict) -> Response:
    w = more.window(biz, "update_time_start", "update_time_end")
    if isinstance(w, Response):
        return w
    start, end, page, size = w
    world = sim.world
    with world.lock:
        now = world.now()
        rows, total = c.paged(sim, "douyin", lambda: world.modified_window("dy", start, end), page, size, end)
        st = world.state_cols(now)
        orders = [shop_order(sim, int(r), st, now) for r in rows]
    return envelope({"shop_order_list": orders, "page": page, "size": size, "total": total})


def _last_status(world, o, now: float) -> int:
    for col, code in (("done", 5), ("shipped", 3), ("ship1", 101), ("picked", 2), ("paid", 105)):
        if c.seen(world, o, col, now) is not None and (col != "ship1" or o["partial"]):
            return code
    return 1


def shop_order(sim, row: int, st, now: float) -> dict:
    world = sim.world
    o = world.row(row)
    step, rf = int(st["step"][row]), int(st["rf_step"][row])
    status = STATUS.get(step) or _last_status(world, o, now)  # a refunded order keeps its last status
    key = int(o["key"])
    oid = c.dy_order_id(key)
    b = c.buyer_profile(int(o["buyer"]), int(o["prov"]))
    lines = c.lines_of(world, row, "douyin", step, sim.faults.unmapped_rate("douyin"))
    totals = [ln.price_fen * ln.qty for ln in lines]
    shares = c.allocate(totals, int(o["discount_fen"]))

    def t(col: str) -> int:
        return epoch_int(c.seen(world, o, col, now))

    area = {"province": {"name": b["province"]}, "city": {"name": b["city"]}, "town": {"name": b["district"]}}
    rec = {
        "order_id": oid,
        "order_status": status,
        "order_status_desc": DESC[status],
        "create_time": int(o["created"]),
        "update_time": int(st["modified"][row]),
        "pay_time": t("paid"),
        "ship_time": t("ship1"),
        "finish_time": t("done"),
        "order_amount": int(o["total_fen"]),
        "pay_amount": int(o["pay_fen"]),
        "post_amount": int(o["post_fen"]),
        "promotion_amount": int(o["discount_fen"]),
        "doudian_open_id": c.open_id("dy", int(o["buyer"])),
        "mask_post_receiver": c.mask_name(b["name"]),
        "mask_post_tel": c.mask_phone(b["phone"]),
        "mask_post_addr": {**area, "detail": "***"},
        "encrypt_post_receiver": c.opaque("dy-name", b["name"]),
        "encrypt_post_tel": c.opaque("dy-tel", b["phone"]),
        "post_addr": {**area, "detail": "", "encrypt_detail": c.opaque("dy-addr", b["address"])},
    }
    rec["sku_order_list"] = [
        more.sku_order(oid, ln, lt - sh, (3 if ln.shipped else 2) if status == 101 else status, rf, int(o["rf_type"]))
        for ln, lt, sh in zip(lines, totals, shares)
    ]
    rec = sim.faults.corrupt("douyin", key, rec, "pay_amount", "update_time", "order_status")
    return sim.faults.drift("douyin", rec)


METHODS = {
    "order.searchList": (search_list, ("update_time_start", "update_time_end")),
    "afterSale.List": (more.after_sale_list, ("update_start_time", "update_end_time")),
    "product.listV2": (more.product_list, ()),
    "sku.list": (more.sku_list, ("product_id",)),
    "sku.syncStock": (more.sync_stock, ("stock_num",)),
    "order.logisticsCompanyList": (more.companies, ()),
    "order.logisticsAdd": (more.logistics_add, ("order_id", "company_code", "logistics_code")),
    "token.create": (more.token_create, ("grant_type",)),
    "token.refresh": (more.token_refresh, ("grant_type", "refresh_token")),
}
