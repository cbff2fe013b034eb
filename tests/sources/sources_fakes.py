"""A tiny in-process fake of the marketplace APIs (just the shapes the connectors need), mounted as a
requests transport adapter so no sockets or sleeps are involved. Fixture: `fake_platform` in conftest.py."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.adapters import BaseAdapter

from orderhub.sources.signing import douyin_sign, top_md5_sign
from orderhub.sources.timefmt import beijing_str, epoch_s

BASE = "http://fake.test"
T0 = datetime(2026, 11, 11, 0, 0, tzinfo=UTC)


class FakeAdapter(BaseAdapter):
    def __init__(self, handler: Callable[[requests.PreparedRequest], tuple[int, dict, str]]):
        super().__init__()
        self.handler = handler

    def send(self, request, **kwargs):
        status, headers, text = self.handler(request)
        resp = requests.Response()
        resp.status_code, resp.url, resp.request = status, request.url, request
        resp.headers.update(headers)
        resp._content = text.encode("utf-8")
        resp.encoding = "utf-8"
        return resp

    def close(self):
        pass


class FakePlatform:
    """Orders are {"id": str, "modified": datetime}; listings are newest-modified first, ties by id."""

    max_window = {"taobao": timedelta(days=1), "douyin": timedelta(days=7), "pdd": timedelta(minutes=30)}

    def __init__(self, channel: str, key: str = "k", secret: str = "s"):
        self.channel, self.key, self.secret = channel, key, secret
        self.orders: list[dict] = []
        self.stock: dict[str, int] = {}
        self.faults: list[tuple] = []  # scripted: ("status", code[, retry_after]) | ("timeout",) | ("garbage",)
        self.requests: list[dict] = []  # every parsed request that got past the faults
        self.windows: list[tuple[datetime, datetime]] = []
        self.before_page: Callable[[FakePlatform, int], None] | None = None
        self.failing_skus: set[str] = set()
        self.shipments: list[dict] = []

    # ---- transport ---------------------------------------------------------------------------
    def session_factory(self) -> requests.Session:
        session = requests.Session()
        session.mount(BASE, FakeAdapter(self.handle))
        return session

    def handle(self, request: requests.PreparedRequest) -> tuple[int, dict, str]:
        if self.faults:
            fault = self.faults.pop(0)
            if fault[0] == "timeout":
                raise requests.ReadTimeout("fake read timeout")
            if fault[0] == "garbage":
                return 200, {}, '{"truncated": '
            if fault[0] == "status":
                headers = {"Retry-After": str(fault[2])} if len(fault) > 2 else {}
                return fault[1], headers, "fault"
        url = urlsplit(request.url)
        body = request.body.decode("utf-8") if isinstance(request.body, bytes) else (request.body or "")
        if self.channel == "douyin":  # system parameters in the URL, param_json as the raw JSON body
            params = dict(parse_qsl(url.query, keep_blank_values=True))
            params["param_json"] = body
        else:
            params = dict(parse_qsl(body, keep_blank_values=True))
        params["_path"] = url.path
        self.requests.append(params)
        if self.before_page:  # state changes between two page requests
            page = params.get("page_no") or params.get("page") or json.loads(params.get("param_json", "{}")).get("page")
            self.before_page(self, int(page or 0))
        return (
            200,
            {"Content-Type": "application/json"},
            json.dumps(getattr(self, f"_{self.channel}")(params), ensure_ascii=False),
        )

    # ---- shared listing ----------------------------------------------------------------------
    def _window_orders(self, start: datetime, end: datetime) -> list[dict]:
        self.windows.append((start, end))
        hits = [o for o in self.orders if start <= o["modified"] < end]
        return sorted(hits, key=lambda o: (-o["modified"].timestamp(), o["id"]))

    def _page(self, hits: list[dict], page: int, size: int, first: int) -> list[dict]:
        return hits[(page - first) * size : (page - first + 1) * size]

    # ---- taobao -------------------------------------------------------------------------------
    def _taobao(self, p: dict) -> dict:
        given = p.pop("sign")
        if p["app_key"] != self.key or top_md5_sign({k: v for k, v in p.items() if k != "_path"}, self.secret) != given:
            return {"error_response": {"code": 25, "msg": "Invalid signature", "sub_code": "isv.invalid-signature"}}
        method = p["method"]
        if method == "taobao.trades.sold.increment.get":
            start, end = _bj(p["start_modified"]), _bj(p["end_modified"])
            if end - start > self.max_window["taobao"]:
                return {"error_response": {"code": 41, "msg": "Invalid arguments", "sub_code": "isv.invalid-parameter"}}
            size, page = int(p["page_size"]), int(p["page_no"])
            hits = self._window_orders(start, end)
            total = len(hits)
            trades = [
                {"tid": int(o["id"]), "tid_str": o["id"], "modified": beijing_str(o["modified"])}
                for o in self._page(hits, page, size, 1)
            ]
            return {"trades_sold_increment_get_response": {"total_results": total, "trades": {"trade": trades}}}
        items = {1000 + i: (code, qty) for i, (code, qty) in enumerate(sorted(self.stock.items()))}
        if method == "taobao.items.onsale.get":  # item ids; items without SKUs: outer_id is the merchant code
            size, page = int(p["page_size"]), int(p["page_no"])
            listed = [{"num_iid": n} for n in items]
            page_items = listed[(page - 1) * size : page * size]
            return {"items_onsale_get_response": {"total_results": len(listed), "items": {"item": page_items}}}
        if method == "taobao.items.seller.list.get":
            wanted = [int(n) for n in p["num_iids"].split(",")]
            rows = [{"num_iid": n, "outer_id": items[n][0], "num": items[n][1]} for n in wanted if n in items]
            return {"items_seller_list_get_response": {"items": {"item": rows}}}
        if method == "taobao.item.quantity.update":
            code = items[int(p["num_iid"])][0]
            if code in self.failing_skus:
                return {"error_response": {"code": 15, "msg": "Remote service error", "sub_msg": "商品不存在"}}
            self.stock[code] = int(p["quantity"])
            return {"item_quantity_update_response": {"item": {"num_iid": p["num_iid"], "num": int(p["quantity"])}}}
        if method == "taobao.logistics.companies.get":
            companies = [{"code": "SF", "name": "顺丰速运"}, {"code": "ZTO", "name": "中通快递"}]
            return {"logistics_companies_get_response": {"logistics_companies": {"logistics_company": companies}}}
        if method == "taobao.logistics.offline.send":
            self.shipments.append(p)
            return {"logistics_offline_send_response": {"shipping": {"is_success": True}}}
        return {"error_response": {"code": 22, "msg": "Invalid method"}}

    # ---- douyin -------------------------------------------------------------------------------
    def _douyin(self, p: dict) -> dict:
        sign = douyin_sign(p["app_key"], p["method"], p["param_json"], p["timestamp"], p["v"], self.secret)
        if p["app_key"] != self.key or sign != p["sign"]:
            return {"code": 40004, "msg": "签名校验失败", "data": None}
        biz = json.loads(p["param_json"])
        if p["_path"] == "/douyin/order/searchList":
            start = datetime.fromtimestamp(biz["update_time_start"], UTC)
            end = datetime.fromtimestamp(biz["update_time_end"], UTC)
            if end - start > self.max_window["douyin"]:
                return {"code": 40001, "msg": "时间范围超过7天", "data": None}
            hits = self._window_orders(start, end)
            rows = [
                {"order_id": o["id"], "update_time": epoch_s(o["modified"])}
                for o in self._page(hits, biz["page"], biz["size"], 0)
            ]
            return {"code": 10000, "msg": "success", "data": {"shop_order_list": rows, "total": len(hits)}}
        skus = {700 + i: code for i, code in enumerate(sorted(self.stock))}
        if p["_path"] == "/douyin/product/listV2":
            return {"code": 10000, "msg": "success", "data": {"data": [{"product_id": 1}], "total": 1}}
        if p["_path"] == "/douyin/sku/list":
            rows = [{"id": i, "product_id": 1, "code": code, "stock_num": self.stock[code]} for i, code in skus.items()]
            return {"code": 10000, "msg": "success", "data": rows}
        if p["_path"] == "/douyin/sku/syncStock":
            self.stock[skus[biz["sku_id"]]] = biz["stock_num"]
            return {"code": 10000, "msg": "success", "data": {}}
        return {"code": 40002, "msg": "unknown method", "data": None}

    # ---- pdd ----------------------------------------------------------------------------------
    def _pdd(self, p: dict) -> dict:
        given = p.pop("sign")
        if (
            p["client_id"] != self.key
            or top_md5_sign({k: v for k, v in p.items() if k != "_path"}, self.secret) != given
        ):
            return {"error_response": {"error_code": 10000, "error_msg": "签名错误"}}
        if p["type"] == "pdd.order.number.list.increment.get":
            start = datetime.fromtimestamp(int(p["start_updated_at"]), UTC)
            end = datetime.fromtimestamp(int(p["end_updated_at"]), UTC)
            if end - start > self.max_window["pdd"]:
                return {"error_response": {"error_code": 10000, "error_msg": "时间范围过大"}}
            size, page = int(p["page_size"]), int(p["page"])
            hits = self._window_orders(start, end)
            rows = [
                {"order_sn": o["id"], "updated_at": beijing_str(o["modified"])} for o in self._page(hits, page, size, 1)
            ]
            return {
                "order_sn_increment_get_response": {
                    "total_count": len(hits),
                    "has_next": page < math.ceil(len(hits) / size),
                    "order_sn_list": rows,
                }
            }
        return {"error_response": {"error_code": 10001, "error_msg": "unknown type"}}


def _bj(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone(timedelta(hours=8))).astimezone(UTC)
