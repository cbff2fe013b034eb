"""Douyin shop open platform: `POST /douyin/{method path}` (see API.md)."""

from __future__ import annotations

import hashlib
import json

from simulator import lifecycle as lc
from simulator.channels import common as c
from simulator.server import Request, Response, ok
from simulator.timeutil import DAY, epoch_int

STATUS = {lc.WAIT_PAY: 1, lc.PAID: 105, lc.PICKED: 2, lc.PART_SHIPPED: 101, lc.SHIPPED: 3, lc.DONE: 5, lc.CANCELLED: 4}
DESC = {1: "待支付", 105: "已支付", 2: "备货中", 101: "部分发货", 3: "已发货", 4: "已取消", 5: "已完成"}
RF = {lc.RF_NONE: 0, lc.RF_PENDING: 1, lc.RF_SUCCESS: 3, lc.RF_CLOSED: 0}
AS_TYPE = {0: 1, 1: 0, 2: 2, 3: 0, 4: 1}  # our dispute kind → 0 return+refund, 1 refund only, 2 exchange
AS_STATUS = {lc.RF_PENDING: 6, lc.RF_SUCCESS: 12, lc.RF_CLOSED: 28}


def envelope(data, code: int = 10000, msg: str = "success") -> Response:
    return ok({"code": code, "msg": msg, "data": data})


def bad(msg: str) -> Response:
    return envelope(None, 40001, f"参数错误: {msg}")


def handle(sim, req: Request) -> Response:
    p = dict(req.params)
    if isinstance(req.json, dict):
        p.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in req.json.items()})
    key, secret = sim.creds["douyin"]
    expected = c.douyin_sign(
        secret,
        p.get("app_key", ""),
        p.get("method", ""),
        p.get("param_json", ""),
        p.get("timestamp", ""),
        p.get("v", ""),
    )
    if p.get("app_key") != key or p.get("sign", "") != expected:
        return envelope(None, 40004, "签名校验失败")
    method = req.path[len("/douyin/") :].replace("/", ".")
    fn = METHODS.get(method)
    if fn is None or p.get("method", method) != method:
        return envelope(None, 40002, f"方法不存在: {p.get('method')}")
    try:
        biz = json.loads(p.get("param_json") or "{}")
    except ValueError:
        return bad("param_json 不是合法 JSON")
    return fn(sim, biz)


def _window(biz: dict):
    try:
        start, end = int(biz["update_time_start"]), int(biz["update_time_end"])
        page, size = int(biz.get("page", 0)), int(biz.get("size", 10))
    except (KeyError, ValueError, TypeError) as exc:
        return bad(f"缺少或非法参数 {exc}")
    if end <= start or end - start > 7 * DAY:
        return bad("update_time 跨度不能超过7天")
    if page < 0 or not 1 <= size <= 100:
        return bad("page>=0, 1<=size<=100")
    return start, end, page, size


def search_list(sim, biz: dict) -> Response:
    w = _window(biz)
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


def _opaque(text: str) -> str:
    return "#" + hashlib.sha256(("dy-enc:" + text).encode()).hexdigest()[:32] + "#"


def shop_order(sim, row: int, st, now: float) -> dict:
    world = sim.world
    o = world.row(row)
    step, rf = int(st["step"][row]), int(st["rf_step"][row])
    status = STATUS.get(step) or _last_status(world, o, now)
    key = int(o["key"])
    oid = c.dy_order_id(key)
    b = c.buyer_profile(int(o["buyer"]), int(o["prov"]))
    lines = c.lines_of(world, row, "douyin", step, sim.faults.unmapped_rate("douyin"))
    totals = [ln.price_fen * ln.qty for ln in lines]
    shares = c.allocate(totals, int(o["discount_fen"]))

    def t(col: str) -> int:
        return epoch_int(c.seen(world, o, col, now))

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
        "mask_post_addr": {
            "province": {"name": b["province"]},
            "city": {"name": b["city"]},
            "town": {"name": b["district"]},
            "detail": "***",
        },
        "encrypt_post_receiver": _opaque(b["name"]),
        "encrypt_post_tel": _opaque(b["phone"]),
        "after_sale_info": {"refund_status": RF[rf]},
    }
    if o["promo"]:
        rec["promotion_tag"] = {"双11狂欢": "双11", "618年中大促": "618"}.get(o["promo"], o["promo"])
    rec["sku_order_list"] = [
        {
            "order_id": str(int(oid) + ln.line_no + 1),
            "sku_id": str(1_700_000_000_000 + ln.sku),
            "out_sku_id": ln.channel_sku,
            "product_name": ln.title,
            "item_num": ln.qty,
            "origin_amount": ln.price_fen,
            "pay_amount": lt - sh,
            "order_status": (3 if ln.shipped else 2) if status == 101 else status,
        }
        for ln, lt, sh in zip(lines, totals, shares)
    ]
    rec = sim.faults.corrupt("douyin", key, rec, "pay_amount", "update_time", "order_status")
    return sim.faults.drift("douyin", rec)


def after_sale_list(sim, biz: dict) -> Response:
    w = _window(biz)
    if isinstance(w, Response):
        return w
    start, end, page, size = w
    world = sim.world
    with world.lock:
        rows, total = c.refund_page(world, "dy", start, end, page * size, size)
        items = []
        for o, rf_step, m in rows:
            oid = c.dy_order_id(int(o["key"]))
            items.append(
                {
                    "aftersale_id": str(int(oid) * 10 + 7)[-19:],
                    "order_id": oid,
                    "sku_order_id": str(int(oid) + 1),
                    "aftersale_type": AS_TYPE[int(o["rf_type"])],
                    "reason_text": c.RF_REASON[int(o["rf_type"])],
                    "refund_amount": int(o["pay_fen"]),
                    "aftersale_status": AS_STATUS[rf_step],
                    "create_time": int(o["rf_req"]),
                    "update_time": int(m),
                }
            )
    return envelope({"items": items, "total": total, "page": page, "size": size})


def sync_stock(sim, biz: dict) -> Response:
    try:
        item = sim.stock.update("douyin", str(biz["out_sku_id"]), int(biz["stock_num"]))
    except (KeyError, ValueError, TypeError) as exc:
        return bad(str(exc))
    return envelope({"out_sku_id": item["sku"], "stock_num": item["qty"]})


def stock_list(sim, biz: dict) -> Response:
    page, size = int(biz.get("page", 0)), min(int(biz.get("size", 100)), 100)
    items = sim.stock.listed("douyin")
    return envelope(
        {
            "items": [{"out_sku_id": i["sku"], "stock_num": i["qty"]} for i in items[page * size : (page + 1) * size]],
            "total": len(items),
        }
    )


def logistics_add(sim, biz: dict) -> Response:
    if not sim.confirm_shipment(
        "douyin", str(biz.get("order_id", "")), str(biz.get("logistics_code", "")), str(biz.get("company", ""))
    ):
        return envelope(None, 50002, "订单不存在")
    return envelope({"result": True})


METHODS = {
    "order.searchList": search_list,
    "afterSale.List": after_sale_list,
    "sku.syncStock": sync_stock,
    "sku.stockList": stock_list,
    "order.logisticsAdd": logistics_add,
}
