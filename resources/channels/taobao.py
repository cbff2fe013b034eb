"""Taobao/Tmall open platform (TOP) router: `POST {base_url}/router/rest`, md5-signed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import requests

from orderhub.calllog import CallLog
from orderhub.sources.signing import stringify, top_md5_sign
from orderhub.sources.timefmt import beijing_str
from resources.channels.base import ApiError, ChannelApi, Listing, Page


class TaobaoApi(ChannelApi):
    """Taobao/Tmall seller API (TOP). `session_key` is the seller's authorisation token (TOP `session`)."""

    channel: str = "taobao"
    shop_id: str = "tb-flagship"
    session_key: str = ""

    order_key: ClassVar[str] = "tid"
    after_sale_key: ClassVar[str] = "refund_id"
    max_window: ClassVar[timedelta] = timedelta(days=1)  # trades.sold.increment.get: end - start <= 1 day
    path: ClassVar[str] = "/router/rest"

    def _call(self, session: requests.Session, method: str, business: dict[str, Any], calls: CallLog) -> dict:
        params = stringify(
            {
                "method": method,
                "app_key": self.app_key,
                "session": self.session_key,
                "timestamp": beijing_str(datetime.now(UTC)),
                "format": "json",
                "v": "2.0",
                "sign_method": "md5",
                **business,
            }
        )
        params["sign"] = top_md5_sign(params, self.app_secret)
        body = self._post_json(session, self.root + self.path, method, calls, data=params)
        if not isinstance(body, dict):
            raise ApiError(self.channel, method, f"unexpected response body: {str(body)[:200]}", 200)
        if "error_response" in body:
            err = body["error_response"] or {}
            detail = " ".join(str(err[k]) for k in ("sub_code", "sub_msg") if err.get(k))
            message = f"platform error {err.get('code')}: {err.get('msg')} {detail}".strip()
            raise ApiError(self.channel, method, message, 200)
        key = method.removeprefix("taobao.").replace(".", "_") + "_response"
        if not isinstance(body.get(key), dict):
            raise ApiError(self.channel, method, f"response lacks {key!r}: {str(body)[:200]}", 200)
        return body[key]

    def _listing(
        self,
        key: str,
        session: requests.Session,
        method: str,
        business: dict,
        container: str,
        item: str,
        calls: CallLog,
    ) -> Listing:
        def page(page_no: int) -> Page:
            resp = self._call(session, method, {**business, "page_no": page_no, "page_size": self.page_size}, calls)
            records = (resp.get(container) or {}).get(item) or []
            total = resp.get("total_results")
            return Page(list(records), int(total) if total is not None else None, resp.get("has_next"))

        return self._page_all(page, key)

    def _window(self, start: datetime, end: datetime) -> dict[str, str]:
        return {"start_modified": beijing_str(start), "end_modified": beijing_str(end)}

    def _order_window(self, session, start, end, calls) -> Listing:
        method = "taobao.trades.sold.increment.get"
        return self._listing(self.order_key, session, method, self._window(start, end), "trades", "trade", calls)

    def _after_sales_window(self, session, start, end, calls) -> Listing:
        method = "taobao.refunds.receive.get"
        return self._listing(self.after_sale_key, session, method, self._window(start, end), "refunds", "refund", calls)

    def _stock_page(self, session, page_no, calls) -> Page:
        business = {"page_no": page_no, "page_size": self.page_size}
        resp = self._call(session, "taobao.items.inventory.list", business, calls)
        items = (resp.get("items") or {}).get("item") or []
        total = resp.get("total_results")
        rows = [{"channel_sku": str(i["outer_id"]), "quantity": int(i["num"])} for i in items]
        return Page(rows, int(total) if total is not None else None)

    def _push_one(self, session, channel_sku, quantity, calls) -> None:
        business = {"outer_id": channel_sku, "quantity": quantity, "type": 1}
        self._call(session, "taobao.item.quantity.update", business, calls)

    def _confirm(self, session, order_id, tracking_no, carrier, calls) -> None:
        method = "taobao.logistics.offline.send"
        resp = self._call(session, method, {"tid": order_id, "out_sid": tracking_no, "company_code": carrier}, calls)
        if not (resp.get("shipping") or {}).get("is_success"):
            raise ApiError(self.channel, method, f"shipment not accepted: {str(resp)[:200]}", 200)
