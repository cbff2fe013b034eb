"""JD refund applications, SKUs, stock, carriers and shipment (router: jd.py; API.md, "JD").

Each method answers inside its own `<method>_responce` envelope (360buy.* methods: `..._response`), with the
business verdict inside the result (`success`), as JOS does.
"""

from __future__ import annotations

import numpy as np

from simulator import lifecycle as lc
from simulator import listings
from simulator.channels import common as c
from simulator.server import Response, ok
from simulator.timeutil import DAY, bj, parse_bj

# refundapply status (退款申请单状态): 0 未审核 · 3 京东财务审核通过 (refunded) · 11 用户撤销
STATUS = {lc.RF_PENDING: 0, lc.RF_SUCCESS: 3, lc.RF_CLOSED: 11}
REFUND_KINDS = (0, 4)  # the world's refund-only kinds (不想要了, 地址填错): before shipment, a refund application
REASON = {0: "不想要了", 4: "地址填错了"}
# 360buy.delivery.logistics.get: 465 and 467 as public JD code uses them; the others are the simulator's own
COMPANIES = [
    {"logistics_id": 467, "logistics_name": "顺丰快递", "agreed": True, "sequence": 1, "logistics_remark": ""},
    {"logistics_id": 465, "logistics_name": "邮政EMS", "agreed": True, "sequence": 2, "logistics_remark": ""},
    {"logistics_id": 1499, "logistics_name": "中通快递", "agreed": True, "sequence": 3, "logistics_remark": ""},
    {"logistics_id": 463, "logistics_name": "圆通快递", "agreed": True, "sequence": 4, "logistics_remark": ""},
    {"logistics_id": 1327, "logistics_name": "韵达快递", "agreed": True, "sequence": 5, "logistics_remark": ""},
]


def envelope(method: str, key: str, result) -> Response:
    root = method.removeprefix("360buy.").replace(".", "_") + ("_response" if method[0] == "3" else "_responce")
    return ok({root: {"code": "0", key: result}})


def failed(method: str, key: str, zh: str) -> Response:
    if key == "sopjosshipment_result":
        return envelope(method, key, {"success": False, "error_code": "PARAM_ERROR", "chinese_err_code": zh})
    if key == "success":
        return ok({method.replace(".", "_") + "_responce": {"code": "0", "success": False, "message": zh}})
    return envelope(method, key, {"success": False, "code": "PARAM_ERROR", "message": zh})


def refund_applications(sim, biz: dict) -> Response:
    method, key = "jingdong.pop.afs.soa.refundapply.queryPageList", "queryResult"
    try:
        page, size = int(biz["pageIndex"]), int(biz["pageSize"])
        span = [
            (k, parse_bj(biz[f"{k}TimeStart"]), parse_bj(biz[f"{k}TimeEnd"]))
            for k in ("apply", "check")
            if biz.get(f"{k}TimeStart")
        ]
    except (KeyError, ValueError, TypeError) as exc:
        return failed(method, key, f"参数错误: {exc}")
    if not 1 <= page <= 100 or not 1 <= size <= 50 or any(e <= s or e - s > 31 * DAY for _, s, e in span):
        return failed(method, key, "pageIndex 区间为1-100, pageSize 区间为1-50, 时间跨度不超过1个月")
    world = sim.world
    with world.lock:
        now, oc, rows = world.now(), world.ocols, world.channel_rows("jd")
        rows = rows[np.isin(oc["rf_type"][rows], REFUND_KINDS)]
        req, done, late = oc["rf_req"][rows], oc["rf_done"][rows], oc["late_s"][rows]
        keep = req + late <= now  # the application is visible
        for kind, s, e in span:
            at = req if kind == "apply" else np.where(done + late <= now, done, np.nan)
            keep &= (at >= s) & (at < e)
        if biz.get("orderId"):
            keep &= oc["key"][rows] == c.key_from_channel_id("jd", biz["orderId"])
        rows = rows[keep][np.lexsort((oc["key"][rows[keep]], -req[keep]))]
        steps = world.state_cols(now)["rf_step"]
        records = [_application(world, int(r), int(steps[int(r)])) for r in rows[(page - 1) * size :][:size]]
    if biz.get("status") not in (None, ""):
        records = [r for r in records if str(r["status"]) == str(biz["status"])]
    return envelope(method, key, {"success": True, "totalCount": len(rows), "result": records})


def _application(world, row: int, step: int) -> dict:
    o = world.row(row)
    key = int(o["key"])
    checked = step in (lc.RF_SUCCESS, lc.RF_CLOSED)  # reviewed (the world shows a decision only once visible)
    return {
        "id": key * 10 + 7,
        "orderId": str(c.jd_order_id(key)),
        "buyerId": c.open_id("jd_", int(o["buyer"]))[:16],
        "buyerName": c.mask_name(c.buyer_profile(int(o["buyer"]), int(o["prov"]))["name"]),
        "applyTime": bj(o["rf_req"]),
        "checkTime": bj(o["rf_done"]) if checked else "",
        "applyRefundSum": int(o["pay_fen"]),  # in fen, as JD's list reports it
        "status": STATUS.get(step, 0),
        "reason": REASON[int(o["rf_type"])],
        "checkUserName": "sim-reviewer" if checked else "",
        "systemId": 11,  # 退款来源 11: 网站
    }


def search_skus(sim, biz: dict) -> Response:
    method, key = "jingdong.sku.read.searchSkuList", "page"
    try:
        page, size = int(biz.get("pageNo", 1)), int(biz.get("page_size", 20))
    except (ValueError, TypeError) as exc:
        return failed(method, key, f"参数错误: {exc}")
    if page < 1 or not 1 <= size <= 100:
        return failed(method, key, "pageNo>=1, 1<=page_size<=100")
    fields = {f.strip() for f in str(biz.get("field") or "").split(",")} | {"skuId"}
    wanted = {s.strip() for s in str(biz.get("skuStatuValue") or "1").split(",")}
    items = sim.stock.listed("jd") if "1" in wanted else []  # every listing is on sale (上架)
    if biz.get("outId"):
        items = [it for it in items if it["sku"] == biz["outId"]]
    data = [{k: v for k, v in _sku(sim, it).items() if k in fields} for it in items[(page - 1) * size : page * size]]
    return envelope(method, key, {"data": data, "pageNo": page, "pageSize": size, "totalItem": len(items)})


def _sku(sim, item: dict) -> dict:
    ids = listings.jd_ids(item["i"])
    titles = sim.world.titles_py
    return {
        "skuId": ids["skuId"],
        "wareId": ids["wareId"],
        "outerId": item["sku"],
        "stockNum": item["qty"],
        "status": 1,
        "skuName": titles[min(item["i"], len(titles) - 1)],
    }


def update_stock(sim, biz: dict) -> Response:
    method = "jingdong.stock.write.updateSkuStock"
    try:
        sku_id, qty = int(biz["skuId"]), int(biz["stockNum"])
    except (KeyError, ValueError, TypeError) as exc:
        return failed(method, "success", f"参数错误: {exc}")
    item = next((it for it in sim.stock.listed("jd") if listings.jd_ids(it["i"])["skuId"] == sku_id), None)
    if item is None:
        return failed(method, "success", f"skuId {sku_id} 不存在")
    try:
        sim.stock.update("jd", item["sku"], qty)
    except ValueError as exc:
        return failed(method, "success", f"参数错误: {exc}")
    return envelope(method, "success", True)


def logistics_companies(sim, biz: dict) -> Response:
    return envelope("360buy.delivery.logistics.get", "logistics_companies", {"logistics_list": list(COMPANIES)})


def shipment(sim, biz: dict) -> Response:
    method, key = "jingdong.pop.order.shipment", "sopjosshipment_result"
    if sim.strict and str(biz.get("logiCoprId")) not in {str(co["logistics_id"]) for co in COMPANIES}:
        return failed(method, key, "logiCoprId 只可通过获取商家物流公司接口获得")
    if not sim.confirm_shipment("jd", str(biz.get("orderId", "")), str(biz.get("logiNo", "")), biz["logiCoprId"]):
        return failed(method, key, "订单不存在")
    return envelope(method, key, {"success": True, "chinese_err_code": "成功", "english_err_code": "success"})


# method -> (handler, result key for failures, required business parameters in strict mode)
METHODS = {
    "jingdong.pop.afs.soa.refundapply.queryPageList": (refund_applications, "queryResult", ("pageIndex", "pageSize")),
    "jingdong.sku.read.searchSkuList": (search_skus, "page", ("field",)),
    "jingdong.stock.write.updateSkuStock": (update_stock, "success", ("skuId", "stockNum")),
    "360buy.delivery.logistics.get": (logistics_companies, "logistics_companies", ()),
    "jingdong.pop.order.shipment": (shipment, "sopjosshipment_result", ("orderId", "logiCoprId", "logiNo")),
}
