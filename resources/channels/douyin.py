"""Douyin shop (抖店) open API: `POST {base_url}/{method path}`, HMAC-SHA256 signed over param_json."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import requests

from orderhub.calllog import CallLog
from orderhub.sources.signing import douyin_param_json, douyin_sign
from orderhub.sources.timefmt import beijing_str, epoch_s
from resources.channels.base import ApiError, ChannelApi, Listing, Page

SUCCESS = 10000
# OrderHub carrier code -> Douyin logistics company code; unknown codes are passed through.
CARRIERS = {
    "SF": "shunfeng",
    "ZTO": "zhongtong",
    "YTO": "yuantong",
    "STO": "shentong",
    "YD": "yunda",
    "JT": "jtexpress",
    "EMS": "ems",
    "JD": "jd",
}


class DouyinApi(ChannelApi):
    """Douyin shop seller API. Pages count from 0; windows up to 7 days on update_time (epoch seconds)."""

    channel: str = "douyin"
    shop_id: str = "dy-official"

    order_key: ClassVar[str] = "order_id"
    after_sale_key: ClassVar[str] = "aftersale_id"
    max_window: ClassVar[timedelta] = timedelta(days=7)
    first_page: ClassVar[int] = 0

    def _call(self, session: requests.Session, method: str, business: dict[str, Any], calls: CallLog) -> Any:
        param_json = douyin_param_json(business)
        timestamp, v = beijing_str(datetime.now(UTC)), "2"
        form = {
            "app_key": self.app_key,
            "method": method,
            "param_json": param_json,
            "timestamp": timestamp,
            "v": v,
            "sign_method": "hmac-sha256",
            "sign": douyin_sign(self.app_key, method, param_json, timestamp, v, self.app_secret),
        }
        url = self.root + "/" + method.replace(".", "/")
        body = self._post_json(session, url, method, calls, data=form)
        if not isinstance(body, dict) or body.get("code") != SUCCESS:
            code, msg = (body.get("code"), body.get("msg")) if isinstance(body, dict) else (None, str(body)[:200])
            raise ApiError(self.channel, method, f"platform error {code}: {msg}", 200)
        return body.get("data") or {}

    def _listing(self, key: str, session, method: str, business: dict, item_key: str, calls: CallLog) -> Listing:
        def page(page_no: int) -> Page:
            data = self._call(session, method, {**business, "page": page_no, "size": self.page_size}, calls)
            total = data.get("total")
            return Page(list(data.get(item_key) or []), int(total) if total is not None else None)

        return self._page_all(page, key)

    def _order_window(self, session, start, end, calls) -> Listing:
        business = {
            "update_time_start": epoch_s(start),
            "update_time_end": epoch_s(end),
            "order_by": "update_time",
            "order_asc": False,
        }
        return self._listing(self.order_key, session, "order.searchList", business, "shop_order_list", calls)

    def _after_sales_window(self, session, start, end, calls) -> Listing:
        business = {"update_time_start": epoch_s(start), "update_time_end": epoch_s(end)}
        return self._listing(self.after_sale_key, session, "afterSale.List", business, "items", calls)

    def _stock_page(self, session, page_no, calls) -> Page:
        data = self._call(session, "sku.stockList", {"page": page_no, "size": self.page_size}, calls)
        rows = [{"channel_sku": str(i["out_sku_id"]), "quantity": int(i["stock_num"])} for i in data.get("items") or []]
        total = data.get("total")
        return Page(rows, int(total) if total is not None else None)

    def _push_one(self, session, channel_sku, quantity, calls) -> None:
        business = {"out_sku_id": channel_sku, "stock_num": quantity, "incremental": False}
        self._call(session, "sku.syncStock", business, calls)

    def _confirm(self, session, order_id, tracking_no, carrier, calls) -> None:
        company = CARRIERS.get(carrier.upper(), carrier)
        business = {"order_id": order_id, "logistics_code": tracking_no, "company": company}
        self._call(session, "order.logisticsAdd", business, calls)
