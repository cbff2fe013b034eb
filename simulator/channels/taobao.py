"""Taobao/Tmall TOP router: `GET|POST /taobao/router/rest` (see API.md, "Taobao/Tmall (TOP)").

Strict (the default) it answers like TOP: a missing `session` is error 26, an unknown or expired one 27, a
missing required argument 40, and only the fields listed in `fields` come back. Trades of types that the
`type` filter leaves out are not returned (the default filter lists only five types).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from simulator import lifecycle as lc
from simulator import listings
from simulator.channels import common as c
from simulator.channels import envelopes as e
from simulator.channels import taobao_items as items
from simulator.hashing import mix, mix_int
from simulator.server import Request, Response, ok
from simulator.timeutil import DAY, bj, parse_bj

STATUS = {
    lc.WAIT_PAY: "WAIT_BUYER_PAY",
    lc.PAID: "WAIT_SELLER_SEND_GOODS",
    lc.PICKED: "WAIT_SELLER_SEND_GOODS",
    lc.PART_SHIPPED: "SELLER_CONSIGNED_PART",
    lc.SHIPPED: "WAIT_BUYER_CONFIRM_GOODS",
    lc.DONE: "TRADE_FINISHED",
    lc.CANCELLED: "TRADE_CLOSED_BY_TAOBAO",
    lc.REFUNDED: "TRADE_CLOSED",
}
LINE_REFUND = {
    lc.RF_NONE: "NO_REFUND",
    lc.RF_PENDING: "WAIT_SELLER_AGREE",
    lc.RF_SUCCESS: "SUCCESS",
    lc.RF_CLOSED: "CLOSED",
}
RF_STATUS = {lc.RF_PENDING: "WAIT_SELLER_AGREE", lc.RF_SUCCESS: "SUCCESS", lc.RF_CLOSED: "CLOSED"}
# the world's after-sales kinds -> TOP dispute_type (退款类型) and the buyer's reason text: TOP has no
# "wrong item" or "damaged" type, the reason says it
RF_DISPUTE = {0: "REFUND", 1: "REFUND_AND_RETURN", 2: "REFUND_AND_RETURN", 3: "REFUND_AND_RETURN", 4: "REFUND"}
RF_REASON = {0: "不想要了", 1: "七天无理由退换货", 2: "卖家发错货", 3: "收到商品破损", 4: "收货地址填写错误"}
# trade types: the default `type` filter is guarantee_trade (= fixed + auction), auto_delivery, ec, cod, step
DEFAULT_TYPES = "guarantee_trade,auto_delivery,ec,cod,step"
REFUND_DEFAULT_TYPES = "guarantee_trade,auto_delivery"
NEEDS_SESSION = "session"  # every method below except the token ones


error, throttled = e.top_error, e.top_throttled


def handle(sim, req: Request) -> Response:
    p = req.params
    if p.get("app_key") != sim.creds["taobao"][0] or p.get("sign", "") != c.md5_sign(sim.creds["taobao"][1], p):
        return error(25, "Invalid signature", "isv.invalid-signature")
    method = p.get("method", "")
    spec = METHODS.get(method)
    if spec is None:
        return error(22, "Invalid method", "isv.invalid-method", method)
    fn, required, session = spec
    if sim.strict:
        if session:
            state = sim.tokens.check("taobao", p.get("session"))
            if state == "missing":
                return error(26, "Missing session")
            if state != "ok":
                return error(27, "Invalid session", "invalid-sessionkey", f"session {state}")
        if name := c.missing(p, required):
            return error(40, f"Missing required arguments:{name}")
    return fn(sim, p)


def _fields(p: dict, default: str) -> frozenset[str]:
    return frozenset(f.strip() for f in (p.get("fields") or default).split(",") if f.strip())


def select(record: dict, fields: frozenset[str], nested: dict[str, str]) -> dict:
    """Only the listed fields (TOP: "返回的字段由fields决定"); `orders` alone = every order sub-field,
    `orders.title` = that one. `nested` maps a container field to its list wrapper (orders -> order)."""
    out = {k: v for k, v in record.items() if k in fields}
    for container, inner in nested.items():
        subs = _subfields(fields, container)
        if container not in fields and subs and container in record:
            out[container] = {inner: [{k: v for k, v in r.items() if k in subs} for r in record[container][inner]]}
    return out


@cache
def _subfields(fields: frozenset[str], container: str) -> frozenset[str]:
    return frozenset(f.split(".", 1)[1] for f in fields if f.startswith(container + "."))


def _types(p: dict, default: str) -> set[str]:
    wanted = {t.strip() for t in (p.get("type") or default).split(",") if t.strip()}
    if "guarantee_trade" in wanted:
        wanted |= {"fixed", "auction"}
    return wanted


TRADE_TYPES = np.array(["fixed", "step", "o2o_offlinetrade"], dtype=object)


def trade_types(keys: np.ndarray) -> np.ndarray:
    """Each trade's `type`: mostly fixed price; ~3% presale (step), ~2% store O2O trades (o2o_offlinetrade,
    which the default filter leaves out)."""
    u = mix(np.asarray(keys, dtype=np.uint64), 73) % np.uint64(100)
    return TRADE_TYPES[np.where(u < 3, 1, np.where(u < 5, 2, 0))]


def trade_type(key: int) -> str:
    """trade_types for one trade, without numpy's per-call cost (same values)."""
    u = mix_int(key, 73) % 100
    return "step" if u < 3 else "o2o_offlinetrade" if u < 5 else "fixed"


def _of_types(world, rows: np.ndarray, types: set[str]) -> np.ndarray:
    return rows[np.isin(trade_types(world.ocols["key"][rows]), list(types))]


def _window(p: dict) -> tuple[float, float, int, int] | Response:
    try:
        start, end = parse_bj(p["start_modified"]), parse_bj(p["end_modified"])
        page_no, size = int(p.get("page_no", 1)), int(p.get("page_size", 40))
    except (KeyError, ValueError) as exc:
        return error(41, "Invalid arguments", "isv.invalid-parameter", f"bad or missing parameter: {exc}")
    if end <= start or end - start > DAY:
        return error(
            41, "Invalid arguments", "isv.invalid-parameter", "end_modified-start_modified must be within 1 day"
        )
    if page_no < 1 or not 1 <= size <= 100:
        return error(41, "Invalid arguments", "isv.invalid-parameter", "page_no>=1, 1<=page_size<=100")
    return start, end, page_no, size


def _listing(p: dict, root: str, inner: str, item: str, records: list, total: int, page_no: int, size: int) -> Response:
    body: dict = {inner: {item: records}}
    if str(p.get("use_has_next", "")).lower() == "true":
        body["has_next"] = page_no * size < total
    else:
        body["total_results"] = total
    return ok({root: body})


def trades_increment(sim, p: dict) -> Response:
    w = _window(p)
    if isinstance(w, Response):
        return w
    start, end, page_no, size = w
    world, types, fields = sim.world, _types(p, DEFAULT_TYPES), _fields(p, ALL_TRADE_FIELDS)
    with world.lock:
        now = world.now()
        rows, total = c.paged(
            sim,
            "taobao",
            lambda: _of_types(world, world.modified_window("tb", start, end), types),
            page_no - 1,
            size,
            end,
        )
        st = world.state_cols(now)
        trades = [select(trade(sim, int(r), st, now), fields, {"orders": "order"}) for r in rows]
    return _listing(p, "trades_sold_increment_get_response", "trades", "trade", trades, total, page_no, size)


def trade(sim, row: int, st, now: float) -> dict:
    world = sim.world
    o = world.row(row)
    step, rf = int(st["step"][row]), int(st["rf_step"][row])
    key = int(o["key"])
    tid = c.tb_tid(key)
    b = c.buyer_profile(int(o["buyer"]), int(o["prov"]))
    lines = c.lines_of(world, row, "taobao", step, sim.faults.unmapped_rate("taobao"))
    line_totals = [ln.price_fen * ln.qty for ln in lines]
    shares = c.allocate(line_totals, int(o["discount_fen"]))
    t = {
        "tid": tid,
        "tid_str": str(tid),
        "status": STATUS[step],
        "type": trade_type(key),
        "created": bj(o["created"]),
        "modified": bj(st["modified"][row]),
        "total_fee": c.yuan(o["total_fen"]),
        "discount_fee": c.yuan(o["discount_fen"]),
        "post_fee": c.yuan(o["post_fen"]),
        "payment": c.yuan(o["pay_fen"]),
        "buyer_open_uid": c.open_id("AAH", int(o["buyer"])),
        "buyer_nick": f"{b['name'][0]}**{int(o['buyer']) % 10}",
        # receiver data arrives encrypted (OAID); only province / city / district are clear
        "receiver_name": c.opaque("tb-name", b["name"]),
        "receiver_mobile": c.opaque("tb-mobile", b["phone"]),
        "receiver_phone": "",
        "receiver_address": c.opaque("tb-address", b["address"]),
        "receiver_state": b["province"],
        "receiver_city": b["city"],
        "receiver_district": b["district"],
        "oaid": "oaid" + c.opaque("tb-oaid", str(int(o["buyer"])))[1:25],
    }
    for field, col in (("pay_time", "paid"), ("consign_time", "ship1")):
        if (v := c.seen(world, o, col, now)) is not None:
            t[field] = bj(v)
    end_col = {lc.DONE: "done", lc.CANCELLED: "cancelled", lc.REFUNDED: "rf_done"}.get(step)
    end = c.seen(world, o, end_col, now) if end_col else None
    if end is not None:
        t["end_time"] = bj(end)
    if o["promo"]:
        t["promotion_details"] = {
            "promotion_detail": [{"promotion_name": o["promo"], "discount_fee": c.yuan(o["discount_fen"])}]
        }
    t["orders"] = {"order": [_order(tid, step, rf, ln, lt, sh) for ln, lt, sh in zip(lines, line_totals, shares)]}
    t = sim.faults.corrupt("taobao", key, t, "payment", "modified", "status")
    return sim.faults.drift("taobao", t)


def _order(tid: int, step: int, rf: int, ln, lt: int, sh: int) -> dict:
    ids = listings.taobao_ids(listings.line_index("taobao", ln.sku, ln.channel_sku))
    oid = tid + ln.line_no + 1
    line = {
        "oid": oid,
        "oid_str": str(oid),
        "num_iid": ids["num_iid"],
        "outer_iid": ids["outer_iid"],
        "title": ln.title,
        "price": c.yuan(ln.price_fen),
        "num": ln.qty,
        "total_fee": c.yuan(lt),
        "payment": c.yuan(lt - sh),
        "status": STATUS[step]
        if step != lc.PART_SHIPPED
        else ("WAIT_BUYER_CONFIRM_GOODS" if ln.shipped else "WAIT_SELLER_SEND_GOODS"),
        "refund_status": LINE_REFUND[rf],
    }
    if ids["sku_id"] is not None:  # an item without SKU variants has no sku_id / outer_sku_id
        line.update(sku_id=str(ids["sku_id"]), outer_sku_id=ids["outer_sku_id"])
    return line


# every field the simulator can return (the default when `fields` is absent in lenient mode)
ALL_TRADE_FIELDS = (
    "tid,tid_str,status,type,created,modified,pay_time,consign_time,end_time,total_fee,discount_fee,"
    "post_fee,payment,buyer_open_uid,buyer_nick,receiver_name,receiver_mobile,receiver_phone,"
    "receiver_address,receiver_state,receiver_city,receiver_district,oaid,promotion_details,orders"
)
ALL_REFUND_FIELDS = (
    "refund_id,tid,oid,title,total_fee,status,created,modified,refund_fee,good_status,has_good_return,"
    "payment,reason,desc,dispute_type,order_status,refund_phase,outer_id,num"
)


def refunds_receive(sim, p: dict) -> Response:
    w = _window(p)
    if isinstance(w, Response):
        return w
    start, end, page_no, size = w
    world, types, fields = sim.world, _types(p, REFUND_DEFAULT_TYPES), _fields(p, ALL_REFUND_FIELDS)
    with world.lock:
        keep = lambda rows: np.isin(trade_types(world.ocols["key"][rows]), list(types))  # noqa: E731
        rows, total = c.refund_page(world, "tb", start, end, (page_no - 1) * size, size, keep=keep)
        out = [select(_refund(world, o, rf_step, m), fields, {}) for o, rf_step, m in rows]
    return _listing(p, "refunds_receive_get_response", "refunds", "refund", out, total, page_no, size)


def _refund(world, o, rf_step: int, modified: float) -> dict:
    key, kind = int(o["key"]), int(o["rf_type"])
    tid = c.tb_tid(key)
    first = c.lines_of(world, o.r, "taobao", lc.PAID)[0]
    returning = RF_DISPUTE[kind] == "REFUND_AND_RETURN"
    return {
        "refund_id": str(tid * 10 + 7),
        "tid": tid,
        "oid": tid + 1,
        "title": first.title,
        "num": first.qty,
        "outer_id": first.channel_sku,
        "total_fee": c.yuan(o["total_fen"]),
        "payment": c.yuan(o["pay_fen"]),
        "refund_fee": c.yuan(o["pay_fen"]),
        "reason": RF_REASON[kind],
        "desc": "",
        "dispute_type": RF_DISPUTE[kind],
        "status": RF_STATUS[rf_step],
        "good_status": "BUYER_RETURNED_GOODS" if returning and rf_step == lc.RF_SUCCESS else "BUYER_NOT_RECEIVED",
        "has_good_return": returning,
        "refund_phase": "aftersale" if returning else "onsale",
        "order_status": "TRADE_CLOSED" if rf_step == lc.RF_SUCCESS else "WAIT_BUYER_CONFIRM_GOODS",
        "created": bj(o["rf_req"]),
        "modified": bj(modified),
    }


# method -> (handler, required parameters, needs the seller's session)
METHODS = {
    "taobao.trades.sold.increment.get": (trades_increment, ("fields", "start_modified", "end_modified"), True),
    "taobao.refunds.receive.get": (refunds_receive, ("fields",), True),
    "taobao.items.onsale.get": (items.onsale, ("fields",), True),
    "taobao.items.seller.list.get": (items.seller_list, ("fields", "num_iids"), True),
    "taobao.item.quantity.update": (items.quantity_update, ("num_iid", "quantity"), True),
    "taobao.logistics.companies.get": (items.companies, ("fields",), True),
    "taobao.logistics.offline.send": (items.offline_send, ("tid", "out_sid", "company_code"), True),
    "taobao.top.auth.token.create": (items.token_create, ("code",), False),
    "taobao.top.auth.token.refresh": (items.token_refresh, ("refresh_token",), False),
}
