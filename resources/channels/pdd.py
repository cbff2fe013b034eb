"""Pinduoduo open platform router: `POST {base_url}/api/router`, md5-signed, epoch-second timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import requests

from orderhub.calllog import CallLog
from orderhub.sources.signing import pdd_md5_sign, stringify
from orderhub.sources.timefmt import epoch_s
from resources.channels.base import ApiError, ChannelApi, Listing, Page


class PddApi(ChannelApi):
    """Pinduoduo merchant API (app_key is PDD's client_id). Windows up to 30 minutes on updated_at."""

    channel: str = "pdd"
    shop_id: str = "pdd-store"

    order_key: ClassVar[str] = "order_sn"
    after_sale_key: ClassVar[str] = "id"
    max_window: ClassVar[timedelta] = timedelta(minutes=30)
    path: ClassVar[str] = "/api/router"

    def _call(self, session: requests.Session, type_: str, business: dict[str, Any], calls: CallLog) -> dict:
        params = stringify(
            {
                "type": type_,
                "client_id": self.app_key,
                "timestamp": epoch_s(datetime.now(UTC)),
                "data_type": "JSON",
                **business,
            }
        )
        params["sign"] = pdd_md5_sign(params, self.app_secret)
        body = self._post_json(session, self.root + self.path, type_, calls, data=params)
        if not isinstance(body, dict):
            raise ApiError(self.channel, type_, f"unexpected response body: {str(body)[:200]}", 200)
        if "error_response" in body:
            err = body["error_response"] or {}
            raise ApiError(self.channel, type_, f"platform error {err.get('error_code')}: {err.get('error_msg')}", 200)
        return body

    def _part(self, body: dict, key: str, endpoint: str) -> dict:
        if not isinstance(body.get(key), dict):
            raise ApiError(self.channel, endpoint, f"response lacks {key!r}: {str(body)[:200]}", 200)
        return body[key]

    def _listing(
        self, key: str, session, type_: str, business: dict, response_key: str, list_key: str, calls
    ) -> Listing:
        def page(page_no: int) -> Page:
            body = self._call(session, type_, {**business, "page": page_no, "page_size": self.page_size}, calls)
            part = self._part(body, response_key, type_)
            total = part.get("total_count")
            return Page(list(part.get(list_key) or []), int(total) if total is not None else None, part.get("has_next"))

        return self._page_all(page, key)

    def _order_window(self, session, start, end, calls) -> Listing:
        business = {
            "start_updated_at": epoch_s(start),
            "end_updated_at": epoch_s(end),
            "is_lucky_flag": 0,
            "order_status": 5,
            "refund_status": 5,
            "use_has_next": True,
        }
        return self._listing(
            self.order_key,
            session,
            "pdd.order.number.list.increment.get",
            business,
            "order_sn_increment_get_response",
            "order_sn_list",
            calls,
        )

    def _after_sales_window(self, session, start, end, calls) -> Listing:
        business = {"start_updated_at": epoch_s(start), "end_updated_at": epoch_s(end)}
        return self._listing(
            self.after_sale_key,
            session,
            "pdd.refund.list.increment.get",
            business,
            "refund_increment_get_response",
            "refund_list",
            calls,
        )

    def _stock_page(self, session, page_no, calls) -> Page:
        type_ = "pdd.goods.stock.list"
        part = self._part(
            self._call(session, type_, {"page": page_no, "page_size": self.page_size}, calls),
            "goods_stock_list_response",
            type_,
        )
        rows = [{"channel_sku": str(i["outer_id"]), "quantity": int(i["quantity"])} for i in part.get("items") or []]
        total = part.get("total_count")
        return Page(rows, int(total) if total is not None else None)

    def _push_one(self, session, channel_sku, quantity, calls) -> None:
        business = {"outer_id": channel_sku, "quantity": quantity, "update_type": 1}
        self._call(session, "pdd.goods.quantity.update", business, calls)

    def _confirm(self, session, order_id, tracking_no, carrier, calls) -> None:
        # PDD identifies carriers by its own logistics_id; configure the carrier code accordingly for real use.
        self._call(
            session,
            "pdd.logistics.online.send",
            {"order_sn": order_id, "tracking_number": tracking_no, "logistics_id": carrier},
            calls,
        )
