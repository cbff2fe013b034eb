"""JD POP open platform (optional fourth channel): `POST /jd/routerjson` (see API.md)."""

from __future__ import annotations

import json

from simulator import lifecycle as lc
from simulator.channels import common as c
from simulator.server import Request, Response, ok
from simulator.timeutil import DAY, bj, parse_bj

ROOT = "jingdong_pop_order_enSearch_responce"  # sic: JD spells it "responce"
STATE = {
    lc.PAID: "WAIT_SELLER_STOCK_OUT",
    lc.PICKED: "WAIT_SELLER_STOCK_OUT",
    lc.PART_SHIPPED: "WAIT_SELLER_STOCK_OUT",
    lc.SHIPPED: "WAIT_GOODS_RECEIVE_CONFIRM",
    lc.DONE: "FINISHED_L",
    lc.CANCELLED: "TRADE_CANCELED",
    lc.REFUNDED: "TRADE_CANCELED",
}


def error(code: str, zh: str, en: str) -> Response:
    return ok({"error_response": {"code": code, "zh_desc": zh, "en_desc": en}})


def jd_yuan(fen: int) -> str:
    """JD money: yuan with up to 2 decimals ("19.9", "129", "0.05")."""
    return c.yuan(fen).rstrip("0").rstrip(".") or "0"


def handle(sim, req: Request) -> Response:
    p = dict(req.params)
    key, secret = sim.creds["jd"]
    if p.get("app_key") != key or p.get("sign", "") != c.md5_sign(secret, p):
        return error("19", "签名无效", "Invalid signature")
    if p.get("method") != "jingdong.pop.order.enSearch":
        return error("67", "方法不存在", f"Invalid method {p.get('method')}")
    try:
        biz = json.loads(p.get("360buy_param_json") or "{}")
        start, end = parse_bj(biz["start_date"]), parse_bj(biz["end_date"])
        page, size = int(biz.get("page", 1)), int(biz.get("page_size", 20))
    except (KeyError, ValueError, TypeError) as exc:
        return error("61", "参数错误", f"Invalid parameter: {exc}")
    if end <= start or end - start > DAY or page < 1 or not 1 <= size <= 100:
        return error("61", "参数错误", "end_date-start_date must be within 1 day, page>=1, 1<=page_size<=100")
    world = sim.world
    with world.lock:
        now = world.now()
        rows, total = c.paged(
            sim, "jd", lambda: world.modified_window("jd", start, end, paid_only=True), page - 1, size, end
        )
        st = world.state_cols(now)
        orders = [jd_order(sim, int(r), st, now) for r in rows]
    return ok(
        {
            ROOT: {
                "code": "0",
                "searchorderinfo_result": {
                    "apiResult": {"success": True, "resultCode": "0", "chineseErrCode": "成功"},
                    "orderTotal": total,
                    "orderInfoList": orders,
                },
            }
        }
    )


def jd_order(sim, row: int, st, now: float) -> dict:
    world = sim.world
    o = world.row(row)
    step, rf = int(st["step"][row]), int(st["rf_step"][row])
    key = int(o["key"])
    b = c.buyer_profile(int(o["buyer"]), int(o["prov"]))
    state = "LOCKED" if rf == lc.RF_PENDING and step not in (lc.CANCELLED, lc.REFUNDED) else STATE[step]
    rec = {
        "orderId": str(c.jd_order_id(key)),
        "orderState": state,
        "orderStartTime": bj(o["created"]),
        "paymentConfirmTime": bj(c.seen(world, o, "paid", now)),
        "modified": bj(st["modified"][row]),
        "orderTotalPrice": jd_yuan(o["total_fen"]),
        "sellerDiscount": jd_yuan(o["discount_fen"]),
        "freightPrice": jd_yuan(o["post_fen"]),
        "orderPayment": jd_yuan(o["pay_fen"]),
        "pin": c.open_id("jd_", int(o["buyer"]))[:16],
        "consigneeInfo": {
            "fullname": c.mask_name(b["name"]),
            "mobile": c.mask_phone(b["phone"]),
            "province": b["province"],
            "city": b["city"],
            "fullAddress": f"{b['province']}{b['city']}{b['district']}***",
        },
        "itemInfoList": [
            {
                "skuId": str(100_000_000 + ln.sku),
                "outerSkuId": ln.channel_sku,
                "skuName": ln.title,
                "itemTotal": str(ln.qty),
                "jdPrice": jd_yuan(ln.price_fen),
            }
            for ln in c.lines_of(world, row, "jd", step, sim.faults.unmapped_rate("jd"))
        ],
    }
    rec = sim.faults.corrupt("jd", key, rec, "orderPayment", "modified", "orderState")
    return sim.faults.drift("jd", rec)
