"""TOP item, stock, logistics and token methods (see API.md, "Taobao/Tmall (TOP)"); the router is taobao.py."""

from __future__ import annotations

import json
import time

from simulator import listings
from simulator.channels import envelopes as e
from simulator.server import Response, ok
from simulator.timeutil import bj

# taobao.logistics.companies.get: the codes are TOP's; ids and names here are the simulator's own values
COMPANIES = [
    {"id": 505, "code": "SF", "name": "顺丰速运", "reg_mail_no": "^[A-Za-z0-9]{12,15}$"},
    {"id": 500, "code": "ZTO", "name": "中通快递", "reg_mail_no": "^[0-9]{12,14}$"},
    {"id": 101, "code": "YTO", "name": "圆通速递", "reg_mail_no": "^[A-Za-z0-9]{10,18}$"},
    {"id": 100, "code": "STO", "name": "申通快递", "reg_mail_no": "^[0-9]{12,15}$"},
    {"id": 102, "code": "YUNDA", "name": "韵达快递", "reg_mail_no": "^[0-9]{13,15}$"},
    {"id": 2, "code": "EMS", "name": "EMS", "reg_mail_no": "^[A-Z0-9]{13}$"},
]


_err, _bad = e.top_error, e.top_bad


def _fields(p: dict) -> set[str]:
    return {f.strip() for f in (p.get("fields") or "num_iid,outer_id,num,sku").split(",") if f.strip()}


def _item(sim, i: int, qty: int, modified: float, fields: set[str]) -> dict:
    ids = listings.taobao_ids(i)
    title = sim.world.titles_py[i] if i < len(sim.world.titles_py) else ids["outer_iid"]
    item = {
        "num_iid": ids["num_iid"],
        "outer_id": ids["outer_iid"],
        "num": qty,
        "title": title,
        "modified": bj(modified),
        "approve_status": "onsale",
        "type": "fixed",
    }
    item = {k: v for k, v in item.items() if k in fields}
    if "sku" in fields and ids["sku_id"] is not None:  # fields says "sku", the answer says "skus"
        sku = {"sku_id": ids["sku_id"], "outer_id": ids["outer_sku_id"], "quantity": qty, "modified": bj(modified)}
        item["skus"] = {"sku": [sku]}
    return item


def onsale(sim, p: dict) -> Response:
    try:
        page_no, size = int(p.get("page_no", 1)), int(p.get("page_size", 40))
    except ValueError as exc:
        return _bad(str(exc))
    if page_no < 1 or not 1 <= size <= 200:
        return _bad("page_no>=1, 1<=page_size<=200")
    listed, fields = sim.stock.listed("taobao"), _fields(p) - {"sku"}  # sku: not an items.onsale.get field
    page = listed[(page_no - 1) * size : page_no * size]
    records = [_item(sim, it["i"], it["qty"], it["modified"], fields) for it in page]
    return ok({"items_onsale_get_response": {"total_results": len(listed), "items": {"item": records}}})


def seller_list(sim, p: dict) -> Response:
    try:
        wanted = [int(x) for x in str(p.get("num_iids", "")).split(",") if x.strip()]
    except ValueError as exc:
        return _bad(f"num_iids: {exc}")
    if len(wanted) > 20:
        return _bad("num_iids: at most 20")
    by_item = {listings.taobao_ids(it["i"])["num_iid"]: it for it in sim.stock.listed("taobao")}
    fields = _fields(p)
    records = [_item(sim, it["i"], it["qty"], it["modified"], fields) for n in wanted if (it := by_item.get(n))]
    return ok({"items_seller_list_get_response": {"items": {"item": records}}})


def quantity_update(sim, p: dict) -> Response:
    try:
        i, qty, kind = int(p["num_iid"]) - listings.TB_ITEM, int(p["quantity"]), int(p.get("type", 1))
    except (KeyError, ValueError) as exc:
        return _bad(f"bad or missing parameter: {exc}")
    codes = listings.all_codes("taobao")
    if not 0 <= i < len(codes) or codes[i] not in sim.stock.codes("taobao"):
        return _bad(f"no item {p['num_iid']}")
    ids = listings.taobao_ids(i)
    if ids["sku_id"] is not None:
        sku_ok = str(p.get("sku_id") or "") == str(ids["sku_id"]) or p.get("outer_id") == ids["outer_sku_id"]
        if not sku_ok and (sim.strict or p.get("sku_id") or p.get("outer_id")):
            return _bad("the item has SKUs: give its sku_id or SKU outer_id")
    if kind == 2:
        qty += next(it["qty"] for it in sim.stock.listed("taobao") if it["i"] == i)
    try:
        item = sim.stock.update("taobao", codes[i], qty)
    except ValueError as exc:
        return _bad(str(exc))
    body: dict = {"num_iid": ids["num_iid"], "num": item["qty"], "modified": bj(item["modified"])}
    if ids["sku_id"] is not None:
        body["skus"] = [{"sku_id": ids["sku_id"], "quantity": item["qty"], "modified": bj(item["modified"])}]
    return ok({"item_quantity_update_response": {"item": body}})


def companies(sim, p: dict) -> Response:
    fields = {f.strip() for f in p.get("fields", "id,code,name").split(",")}
    records = [{k: v for k, v in co.items() if k in fields} for co in COMPANIES]
    return ok({"logistics_companies_get_response": {"logistics_companies": {"logistics_company": records}}})


def offline_send(sim, p: dict) -> Response:
    if sim.strict and p.get("company_code") not in {co["code"] for co in COMPANIES}:
        return _bad(f"company_code {p.get('company_code')!r}: use a code from taobao.logistics.companies.get")
    done = sim.confirm_shipment("taobao", p.get("tid", ""), p.get("out_sid", ""), p.get("company_code", ""))
    if not done:
        return _err(15, "Remote service error", "isv.logistics-offline-service-error:B04", "trade not found")
    return ok({"logistics_offline_send_response": {"shipping": {"is_success": True}}})


def _token_result(t: dict) -> str:
    now_ms = int(time.time() * 1000)
    return json.dumps(
        {
            "access_token": t["access_token"],
            "token_type": "Bearer",
            "expires_in": t["expires_in"],
            "refresh_token": t["refresh_token"],
            "re_expires_in": t["refresh_expires_in"],
            "expire_time": now_ms + t["expires_in"] * 1000,
            "refresh_token_valid_time": now_ms + t["refresh_expires_in"] * 1000,
            "taobao_user_nick": "sim旗舰店",
            "taobao_user_id": "2200000000001",
        }
    )


def token_create(sim, p: dict) -> Response:
    t = sim.tokens.exchange("taobao", p.get("code", ""))
    if isinstance(t, str):
        return _bad(f"authorization code: {t}")
    return ok({"top_auth_token_create_response": {"token_result": _token_result(t)}})


def token_refresh(sim, p: dict) -> Response:
    t = sim.tokens.renew("taobao", p.get("refresh_token", ""))
    if isinstance(t, str):
        return _bad(f"refresh_token: {t}")
    return ok({"top_auth_token_refresh_response": {"token_result": _token_result(t)}})
