"""Pinduoduo open platform router: `POST {base_url}/api/router`, md5-signed (access_token included),
epoch-second timestamps. Every merchant API takes the shop's `access_token`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import requests

from orderhub.calllog import CallLog
from orderhub.sources.errors import classify_pdd
from orderhub.sources.paging import Page
from orderhub.sources.signing import pdd_md5_sign, stringify
from orderhub.sources.timefmt import epoch_s
from resources.channels.base import ApiError, ChannelApi, Listing

ALL = 1  # pdd.refund.list.increment.get: after_sales_status / after_sales_type 1 = 全部


class PddApi(ChannelApi):
    """Pinduoduo merchant API (app_key is PDD's client_id). Windows up to 30 minutes on updated_at."""

    channel: str = "pdd"
    shop_id: str = "pdd-store"

    order_key: ClassVar[str] = "order_sn"
    after_sale_key: ClassVar[str] = "id"
    max_window: ClassVar[timedelta] = timedelta(minutes=30)
    path: ClassVar[str] = "/api/router"
    company_keys: ClassVar[tuple[str, str]] = ("code", "logistics_company")

    def classify(self, body: Any):
        if not isinstance(body, dict):
            return classify_pdd({"error_response": {"error_code": "?", "error_msg": str(body)[:200]}})
        return classify_pdd(body)

    def _send(self, session: requests.Session, endpoint: str, business: dict, token: str, calls: CallLog):
        params = stringify(
            {
                "type": endpoint,
                "client_id": self.app_key,
                "access_token": token or None,
                "timestamp": epoch_s(datetime.now(UTC)),
                "data_type": "JSON",
                **business,
            }
        )
        params["sign"] = pdd_md5_sign(params, self.app_secret)
        return self._post(session, self.root + self.path, endpoint, calls, data=params)

    def _part(self, body: dict, key: str, endpoint: str) -> dict:
        if not isinstance(body.get(key), dict):
            raise ApiError(self.channel, endpoint, f"response lacks {key!r}: {str(body)[:200]}", 200)
        return body[key]

    def _listing(self, key: str, session, type_: str, business: dict, response_key: str, list_key: str, calls):
        def page(page_no: int) -> Page:
            paging = {"page": page_no, "page_size": self.effective_page_size}
            part = self._part(self._call(session, type_, {**business, **paging}, calls), response_key, type_)
            total = part.get("total_count")
            return Page(list(part.get(list_key) or []), int(total) if total is not None else None, part.get("has_next"))

        return self._page_all(page, key)

    def _order_window(self, session, start, end, calls) -> Listing:
        # no use_has_next: back-to-front paging (which PDD asks for) needs total_count, omitted with it
        business = {
            "start_updated_at": epoch_s(start),
            "end_updated_at": epoch_s(end),
            "is_lucky_flag": 0,
            "order_status": 5,
            "refund_status": 5,
        }
        type_ = "pdd.order.number.list.increment.get"
        return self._listing(
            self.order_key, session, type_, business, "order_sn_increment_get_response", "order_sn_list", calls
        )

    def _after_sales_window(self, session, start, end, calls) -> Listing:
        business = {
            "after_sales_status": ALL,
            "after_sales_type": ALL,
            "start_updated_at": epoch_s(start),
            "end_updated_at": epoch_s(end),
        }
        type_ = "pdd.refund.list.increment.get"
        return self._listing(
            self.after_sale_key, session, type_, business, "refund_increment_get_response", "refund_list", calls
        )

    def _listed(self, session, calls) -> list[dict]:
        """pdd.goods.list.get (goods on sale, pages from 1): every SKU's outer_id and sku_quantity."""
        rows, page_no, type_ = [], 1, "pdd.goods.list.get"
        while True:
            business = {"is_onsale": 1, "page": page_no, "page_size": self.effective_page_size}
            part = self._part(self._call(session, type_, business, calls), "goods_list_get_response", type_)
            goods = part.get("goods_list") or []
            for g in goods:
                for sku in g.get("sku_list") or []:
                    rows.append(
                        {
                            "channel_sku": str(sku.get("outer_id") or ""),
                            "quantity": int(sku.get("sku_quantity") or 0),
                            "ids": {"goods_id": int(g["goods_id"]), "sku_id": int(sku["sku_id"])},
                        }
                    )
            if not goods or page_no * self.effective_page_size >= int(part.get("total_count") or 0):
                return rows
            page_no += 1

    def _push_one(self, session, channel_sku, quantity, calls) -> None:
        type_ = "pdd.goods.quantity.update"
        ids = self._ids_for(session, channel_sku, calls, type_)
        self._call(session, type_, {**ids, "quantity": quantity, "update_type": 1}, calls)

    def _confirm(self, session, order_id, tracking_no, carrier, calls) -> None:
        type_ = "pdd.logistics.online.send"
        company = self._company(session, carrier, calls, type_)
        business = {"order_sn": order_id, "logistics_id": int(company["id"]), "tracking_number": tracking_no}
        part = self._part(self._call(session, type_, business, calls), "logistics_online_send_response", type_)
        if not part.get("is_success"):
            raise ApiError(self.channel, type_, f"shipment not accepted: {str(part)[:200]}", 200)

    def _logistics_companies(self, session, calls) -> list[dict]:
        type_ = "pdd.logistics.companies.get"
        part = self._part(self._call(session, type_, {}, calls), "logistics_companies_get_response", type_)
        return [c for c in part.get("logistics_companies") or [] if int(c.get("available", 1)) == 1]

    # ---- tokens (pdd.pop.auth.token.create / .refresh: signed, without access_token) -------------
    def _token_call(self, session, type_: str, business: dict, response_key: str, calls) -> dict:
        body = self._send(session, type_, business, "", calls)
        err = self.classify(body)
        if err is not None:
            raise ApiError(self.channel, type_, err.describe(), 200)
        return self._part(body, response_key, type_)

    def _refresh_call(self, session, token, calls) -> dict:
        business = {"refresh_token": token.refresh_token}
        return self._token_call(
            session, "pdd.pop.auth.token.refresh", business, "pop_auth_token_refresh_response", calls
        )

    def _create_call(self, session, code, calls) -> dict:
        return self._token_call(
            session, "pdd.pop.auth.token.create", {"code": code}, "pop_auth_token_create_response", calls
        )
