"""Taobao/Tmall TOP router: `GET|POST /taobao/router/rest` (see API.md)."""

from __future__ import annotations

from simulator import lifecycle as lc
from simulator.channels import common as c
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
RF_DISPUTE = {0: "REFUND", 1: "REFUND_AND_RETURN", 2: "WRONG_ITEM", 3: "DAMAGED", 4: "WRONG_ADDRESS"}


def error(code: int, msg: str, sub_code: str, sub_msg: str | None = None) -> Response:
    body = {"code": code, "msg": msg, "sub_code": sub_code}
    if sub_msg:
        body["sub_msg"] = sub_msg
    return ok({"error_response": body})


def handle(sim, req: Request) -> Response:
    p = req.params
    if p.get("app_key") != sim.creds["taobao"][0] or p.get("sign", "") != c.md5_sign(sim.creds["taobao"][1], p):
        return error(25, "Invalid signature", "isv.invalid-signature")
    method = p.get("method", "")
    fn = METHODS.get(method)
    if fn is None:
        return error(22, "Invalid method", "isv.invalid-method", method)
    return fn(sim, p)


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


def _listing(p: dict, root: str, inner: str, item: str, items: list, total: int, page_no: int, size: int) -> Response:
    body: dict = {inner: {item: items}}
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
    world = sim.world
    with world.lock:
        now = world.now()
        rows, total = c.paged(sim, "taobao", lambda: world.modified_window("tb", start, end), page_no - 1, size, end)
        st = world.state_cols(now)
        trades = [trade(sim, int(r), st, now) for r in rows]
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
        "created": bj(o["created"]),
        "modified": bj(st["modified"][row]),
        "total_fee": c.yuan(o["total_fen"]),
        "discount_fee": c.yuan(o["discount_fen"]),
        "post_fee": c.yuan(o["post_fen"]),
        "payment": c.yuan(o["pay_fen"]),
        "buyer_open_uid": c.open_id("AAH", int(o["buyer"])),
        "buyer_nick": f"{b['name'][0]}**{int(o['buyer']) % 10}",
        "receiver_name": b["name"],
        "receiver_mobile": b["phone"],
        "receiver_state": b["province"],
        "receiver_city": b["city"],
        "receiver_district": b["district"],
        "receiver_address": b["address"],
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
    t["orders"] = {
        "order": [
            {
                "oid": tid + ln.line_no + 1,
                "num_iid": 600_000_000_000 + ln.sku,
                "sku_id": str(5_000_000_000_000 + ln.sku),
                "outer_sku_id": ln.channel_sku,
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
            for ln, lt, sh in zip(lines, line_totals, shares)
        ]
    }
    t = sim.faults.corrupt("taobao", key, t, "payment", "modified", "status")
    return sim.faults.drift("taobao", t)


def refunds_receive(sim, p: dict) -> Response:
    w = _window(p)
    if isinstance(w, Response):
        return w
    start, end, page_no, size = w
    world = sim.world
    with world.lock:
        rows, total = c.refund_page(world, "tb", start, end, (page_no - 1) * size, size)
        out = []
        for o, rf_step, m in rows:
            tid = c.tb_tid(int(o["key"]))
            out.append(
                {
                    "refund_id": tid * 10 + 7,
                    "tid": tid,
                    "oid": tid + 1,
                    "refund_fee": c.yuan(o["pay_fen"]),
                    "reason": c.RF_REASON[int(o["rf_type"])],
                    "dispute_type": RF_DISPUTE[int(o["rf_type"])],
                    "status": RF_STATUS[rf_step],
                    "created": bj(o["rf_req"]),
                    "modified": bj(m),
                }
            )
    return _listing(p, "refunds_receive_get_response", "refunds", "refund", out, total, page_no, size)


def quantity_update(sim, p: dict) -> Response:
    try:
        item = sim.stock.update("taobao", p["outer_id"], int(p["quantity"]))
    except (KeyError, ValueError) as exc:
        return error(41, "Invalid arguments", "isv.invalid-parameter", str(exc))
    return ok(
        {
            "item_quantity_update_response": {
                "item": {"outer_id": item["sku"], "num": item["qty"], "modified": bj(item["modified"])}
            }
        }
    )


def inventory_list(sim, p: dict) -> Response:
    page_no, size = int(p.get("page_no", 1)), min(int(p.get("page_size", 100)), 100)
    items = sim.stock.listed("taobao")
    page = items[(page_no - 1) * size : page_no * size]
    return ok(
        {
            "items_inventory_list_response": {
                "total_results": len(items),
                "items": {
                    "item": [{"outer_id": i["sku"], "num": i["qty"], "modified": bj(i["modified"])} for i in page]
                },
            }
        }
    )


def offline_send(sim, p: dict) -> Response:
    done = sim.confirm_shipment("taobao", p.get("tid", ""), p.get("out_sid", ""), p.get("company_code", ""))
    if not done:
        return error(15, "Remote service error", "isv.logistics-offline-service-error:B04", "trade not found")
    return ok({"logistics_offline_send_response": {"shipping": {"is_success": True}}})


METHODS = {
    "taobao.trades.sold.increment.get": trades_increment,
    "taobao.refunds.receive.get": refunds_receive,
    "taobao.item.quantity.update": quantity_update,
    "taobao.items.inventory.list": inventory_list,
    "taobao.logistics.offline.send": offline_send,
}
