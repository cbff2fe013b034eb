"""Douyin shop (抖店) open API: `POST {base_url}/{method path}`, HMAC-SHA256 over param_json.

As the official SDK sends it: the system parameters (app_key, method, timestamp in epoch seconds, v=2,
sign_method, sign, access_token) in the URL query, the business parameters as the raw JSON body
(`param_json`, keys sorted), `Content-Type: application/json`. The token is not signed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import requests

from orderhub.calllog import CallLog
from orderhub.sources.errors import classify_douyin
from orderhub.sources.paging import Page, back_to_front
from orderhub.sources.signing import douyin_param_json, douyin_sign
from orderhub.sources.timefmt import epoch_s
from resources.channels.base import ApiError, ChannelApi, Listing

REFRESH_TOKEN_LIFE = 14 * 86400


class DouyinApi(ChannelApi):
    """Douyin shop seller API. Pages count from 0 (product.listV2: from 1); windows up to 7 days."""

    channel: str = "douyin"
    shop_id: str = "dy-official"

    order_key: ClassVar[str] = "order_id"
    after_sale_key: ClassVar[str] = "aftersale_info.aftersale_id"
    # the platform documents no maximum for update_time windows; 7 days is what the simulator enforces
    max_window: ClassVar[timedelta] = timedelta(days=7)
    first_page: ClassVar[int] = 0
    # a refresh earlier than the last hour before expiry returns the same tokens (token.refresh docs)
    refresh_margin: ClassVar[timedelta] = timedelta(minutes=50)

    def classify(self, body: Any):
        return classify_douyin(body)

    def _send(self, session: requests.Session, endpoint: str, business: dict, token: str, calls: CallLog):
        param_json = douyin_param_json(business)
        timestamp, v = str(epoch_s(datetime.now(UTC))), "2"
        query = {
            "app_key": self.app_key,
            "method": endpoint,
            "timestamp": timestamp,
            "v": v,
            "sign_method": "hmac-sha256",
            "sign": douyin_sign(self.app_key, endpoint, param_json, timestamp, v, self.app_secret),
        }
        if token:
            query["access_token"] = token
        return self._post(
            session,
            self.root + "/" + endpoint.replace(".", "/"),
            endpoint,
            calls,
            params=query,
            data=param_json.encode("utf-8"),
            headers={"Content-Type": "application/json", "x-open-no-old-err-code": "1"},
        )

    def _unwrap(self, endpoint: str, body: Any) -> Any:
        data = body.get("data")
        return {} if data is None else data

    def _listing(self, key: str, session, method: str, business: dict, item_key: str, calls: CallLog) -> Listing:
        def page(page_no: int) -> Page:
            data = self._call(session, method, {**business, "page": page_no, "size": self.effective_page_size}, calls)
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
        # afterSale.List names its window update_start_time / update_end_time (not update_time_*)
        business = {
            "update_start_time": epoch_s(start),
            "update_end_time": epoch_s(end),
            "order_by": ["update_time desc"],
        }
        return self._listing(self.after_sale_key, session, "afterSale.List", business, "items", calls)

    def _listed(self, session, calls) -> list[dict]:
        """product.listV2 (online products, pages from 1), then sku.list per product: each SKU's `code`
        (the merchant's own code), stock_num and the ids sku.syncStock takes."""

        def page(page_no: int) -> Page:
            data = self._call(session, "product.listV2", {"status": 0, "page": page_no, "size": 100}, calls)
            total = data.get("total")
            return Page(list(data.get("data") or []), int(total) if total is not None else None)

        products = sorted({int(p["product_id"]) for p in back_to_front(page, 100, 1).records})
        rows = []
        for product_id in products:
            for sku in self._call(session, "sku.list", {"product_id": product_id}, calls) or []:
                rows.append(
                    {
                        "channel_sku": str(sku.get("code") or ""),
                        "quantity": int(sku.get("stock_num") or 0),
                        "ids": {"product_id": int(sku.get("product_id") or product_id), "sku_id": int(sku["id"])},
                    }
                )
        return rows

    def _push_one(self, session, channel_sku, quantity, calls) -> None:
        ids = self._ids_for(session, channel_sku, calls, "sku.syncStock")
        self._call(session, "sku.syncStock", {**ids, "stock_num": quantity, "incremental": False}, calls)

    def _confirm(self, session, order_id, tracking_no, carrier, calls) -> None:
        company = self._company(session, carrier, calls, "order.logisticsAdd")
        business = {
            "order_id": order_id,
            "company_code": company["code"],
            "company": company.get("name", ""),
            "logistics_code": tracking_no,
        }
        self._call(session, "order.logisticsAdd", business, calls)

    def _logistics_companies(self, session, calls) -> list[dict]:
        return list(self._call(session, "order.logisticsCompanyList", {}, calls) or [])

    # ---- tokens (/token/create, /token/refresh: signed, without access_token) --------------------
    def _token_call(self, session, method: str, business: dict, calls) -> dict:
        body = self._send(session, method, business, "", calls)
        err = self.classify(body)
        if err is not None:
            raise ApiError(self.channel, method, err.describe(), 200)
        # the answer carries no refresh-token expiry; the token.create docs give it 14 days
        return {"refresh_token_expires_in": REFRESH_TOKEN_LIFE, **(body.get("data") or {})}

    def _refresh_call(self, session, token, calls) -> dict:
        business = {"grant_type": "refresh_token", "refresh_token": token.refresh_token}
        return self._token_call(session, "token.refresh", business, calls)

    def _create_call(self, session, code, calls) -> dict:
        if code.startswith("self:"):  # 自用型 app: no code, the Douyin shop id instead
            business = {"grant_type": "authorization_self", "code": "", "shop_id": code.removeprefix("self:")}
        else:
            business = {"grant_type": "authorization_code", "code": code}
        return self._token_call(session, "token.create", business, calls)
