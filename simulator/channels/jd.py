"""JD POP open platform (optional fourth channel): `POST /jd/routerjson`, `GET /jd/oauth2/*` (see API.md, "JD");
orders here, refund applications, SKUs, stock, carriers and shipment in jd_more.py.

Strict (the default): `access_token` required (error 19), `order_state` and `optional_fields` required
("不填或者为空则请求被拒绝"), page_size at most 50, only the listed states and fields come back.
"""

from __future__ import annotations

import json

import numpy as np

from simulator import lifecycle as lc
from simulator import listings
from simulator.channels import common as c
from simulator.channels import envelopes as e
from simulator.channels import jd_more as more
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
_STATE_ARR = np.array([STATE.get(s, "WAIT_SELLER_STOCK_OUT") for s in range(8)], dtype=object)
MAX_PAGE_SIZE = 50


error, throttled = e.jd_error, e.jd_throttled


def rejected(zh: str) -> Response:
    """A business failure: JD answers inside apiResult (its failure codes are not documented: PARAM_ERROR)."""
    result = {
        "apiResult": {"success": False, "resultCode": "PARAM_ERROR", "chineseErrCode": zh},
        "orderTotal": 0,
        "orderInfoList": [],
    }
    return ok({ROOT: {"code": "0", "searchorderinfo_result": result}})


def jd_yuan(fen: int) -> str:
    """JD money: yuan with up to 2 decimals ("19.9", "129", "0.05")."""
    return c.yuan(fen).rstrip("0").rstrip(".") or "0"


def handle(sim, req: Request) -> Response:
    if req.path.startswith("/jd/oauth2/"):
        return oauth(sim, req)
    p = dict(req.params)
    key, secret = sim.creds["jd"]
    if p.get("app_key") != key or p.get("sign", "") != c.md5_sign(secret, p):
        return error("12", "无效签名", "Invalid Signature")
    method = p.get("method", "")
    if method != "jingdong.pop.order.enSearch" and method not in more.METHODS:
        return error("15", "不存在的方法名", f"Invalid Method {method}")
    if sim.strict and sim.tokens.check("jd", p.get("access_token")) != "ok":
        return error("19", "无效access_token", "Invalid access_token")
    try:
        biz = json.loads(p.get("360buy_param_json") or "{}")
    except ValueError:
        biz = None
    if method in more.METHODS:
        fn, result_key, required = more.METHODS[method]
        if not isinstance(biz, dict):
            return more.failed(method, result_key, "360buy_param_json 不是合法 JSON")
        if sim.strict and (name := c.missing(biz, required)):
            return more.failed(method, result_key, f"{name} 不能为空")
        return fn(sim, biz)
    if not isinstance(biz, dict):
        return rejected("360buy_param_json 不是合法 JSON")
    if sim.strict and (name := c.missing(biz, ("start_date", "end_date", "order_state", "optional_fields"))):
        return rejected(f"{name} 不能为空")
    return en_search(sim, biz)


def en_search(sim, biz: dict) -> Response:
    try:
        start, end = parse_bj(biz["start_date"]), parse_bj(biz["end_date"])
        page, size = int(biz.get("page", 1)), int(biz.get("page_size", 20))
    except (KeyError, ValueError, TypeError) as exc:
        return rejected(f"参数错误: {exc}")
    limit = MAX_PAGE_SIZE if sim.strict else 100
    if end <= start or end - start > DAY or page < 1 or not 1 <= size <= limit:
        return rejected(f"end_date-start_date 不超过1天, page>=1, 1<=page_size<={limit}")
    wanted = {s.strip() for s in str(biz.get("order_state") or ",".join(STATE.values()) + ",LOCKED").split(",")}
    fields = {f.strip() for f in str(biz.get("optional_fields") or "").split(",") if f.strip()}
    world = sim.world
    with world.lock:
        now = world.now()
        st = world.state_cols(now)

        def rows_of_states():
            rows = world.modified_window("jd", start, end, paid_only=True)
            return rows[np.isin(states(st, rows), list(wanted))]

        rows, total = c.paged(sim, "jd", rows_of_states, page - 1, size, end)
        st = world.state_cols(now)
        orders = [jd_order(sim, int(r), st, now) for r in rows]
    if fields:
        orders = [{k: v for k, v in o.items() if k in fields} for o in orders]
    result = {
        "apiResult": {"success": True, "resultCode": "0", "chineseErrCode": "成功"},
        "orderTotal": total,
        "orderInfoList": orders,
    }
    return ok({ROOT: {"code": "0", "searchorderinfo_result": result}})


def states(st, rows: np.ndarray) -> np.ndarray:
    step, rf = st["step"][rows], st["rf_step"][rows]
    locked = (rf == lc.RF_PENDING) & ~np.isin(step, (lc.CANCELLED, lc.REFUNDED))
    return np.where(locked, "LOCKED", _STATE_ARR[step.astype(int)])


def jd_order(sim, row: int, st, now: float) -> dict:
    world = sim.world
    o = world.row(row)
    step = int(st["step"][row])
    key = int(o["key"])
    b = c.buyer_profile(int(o["buyer"]), int(o["prov"]))
    rec = {
        "orderId": str(c.jd_order_id(key)),
        "orderState": str(states(st, np.array([row]))[0]),
        "orderType": "22",
        "orderStartTime": bj(o["created"]),
        "paymentConfirmTime": bj(c.seen(world, o, "paid", now)),
        "modified": bj(st["modified"][row]),
        "orderTotalPrice": jd_yuan(o["total_fen"]),
        "orderSellerPrice": jd_yuan(int(o["total_fen"]) - int(o["discount_fen"])),
        "sellerDiscount": jd_yuan(o["discount_fen"]),
        "freightPrice": jd_yuan(o["post_fen"]),
        "orderPayment": jd_yuan(o["pay_fen"]),
        "pin": c.open_id("jd_", int(o["buyer"]))[:16],
        "consigneeInfo": {
            "fullname": c.mask_name(b["name"]),
            "mobile": c.opaque("jd-mobile", b["phone"]),
            "desen_mobile": c.mask_phone(b["phone"]),
            "province": b["province"],
            "city": b["city"],
            "county": b["district"],
            "fullAddress": f"{b['province']}{b['city']}{b['district']}***",
        },
        "itemInfoList": [_item(ln) for ln in c.lines_of(world, row, "jd", step, sim.faults.unmapped_rate("jd"))],
    }
    rec = sim.faults.corrupt("jd", key, rec, "orderPayment", "modified", "orderState")
    return sim.faults.drift("jd", rec)


def _item(ln) -> dict:
    ids = listings.jd_ids(listings.line_index("jd", ln.sku, ln.channel_sku))
    return {
        "skuId": str(ids["skuId"]),
        "wareId": str(ids["wareId"]),
        "outerSkuId": ids["outerSkuId"],
        "skuName": ln.title,
        "itemTotal": str(ln.qty),
        "jdPrice": jd_yuan(ln.price_fen),
    }


def oauth(sim, req: Request) -> Response:
    """open-oauth.jd.com/oauth2/access_token and /oauth2/refresh_token (plain GETs with app_key/app_secret)."""
    p = req.params
    if (p.get("app_key"), p.get("app_secret")) != sim.creds["jd"]:
        return ok({"code": 21, "msg": "无效App Key"}, status=200)
    if req.path.endswith("/access_token") and p.get("grant_type") == "authorization_code":
        t = sim.tokens.exchange("jd", p.get("code", ""))
    elif req.path.endswith("/refresh_token") and p.get("grant_type") == "refresh_token":
        t = sim.tokens.renew("jd", p.get("refresh_token", ""))
    else:
        return ok({"code": 400, "msg": "grant_type 不正确"})
    if isinstance(t, str):
        return ok({"code": 401, "msg": t})
    return ok(
        {
            "access_token": t["access_token"],
            "expires_in": t["expires_in"],
            "refresh_token": t["refresh_token"],
            "scope": "snsapi_base",
            "open_id": "sim-jd-open-id",
            "uid": "sim-jd-uid",
            "token_type": "bearer",
            "time": str(int(t["expires_at"] - t["expires_in"]) * 1000),
        }
    )
