"""JD POP open platform router: `POST {base_url}/routerjson`, TOP-style md5 over 360buy_param_json.

Only order search is wired (it is all the simulator offers): after-sales, stock and shipment calls raise
NotImplementedError, and `capabilities` says so, so callers can skip JD for those.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import requests

from orderhub.calllog import CallLog
from orderhub.sources.signing import douyin_param_json, jd_md5_sign, stringify
from orderhub.sources.timefmt import beijing_str, jd_timestamp
from resources.channels.base import ApiError, ChannelApi, Listing, Page

ROOT = "jingdong_pop_order_enSearch_responce"  # sic: JD's own spelling


class JdApi(ChannelApi):
    """JD POP seller API. `access_token` is the seller's authorisation token (sent only when set)."""

    channel: str = "jd"
    shop_id: str = "jd-pop"
    access_token: str = ""

    order_key: ClassVar[str] = "orderId"
    max_window: ClassVar[timedelta] = timedelta(days=1)
    capabilities: ClassVar[frozenset[str]] = frozenset({"orders"})
    path: ClassVar[str] = "/routerjson"

    def _call(self, session: requests.Session, method: str, business: dict[str, Any], calls: CallLog) -> dict:
        params = stringify(
            {
                "method": method,
                "app_key": self.app_key,
                "access_token": self.access_token or None,
                "timestamp": jd_timestamp(datetime.now(UTC)),
                "v": "2.0",
                "360buy_param_json": douyin_param_json(business),  # same compact sorted JSON
            }
        )
        params["sign"] = jd_md5_sign(params, self.app_secret)
        body = self._post_json(session, self.root + self.path, method, calls, data=params)
        if not isinstance(body, dict):
            raise ApiError(self.channel, method, f"unexpected response body: {str(body)[:200]}", 200)
        if "error_response" in body:
            err = body["error_response"] or {}
            raise ApiError(
                self.channel,
                method,
                f"platform error {err.get('code')}: {err.get('zh_desc')} {err.get('en_desc') or ''}".strip(),
                200,
            )
        result = (body.get(ROOT) or {}).get("searchorderinfo_result")
        if not isinstance(result, dict):
            raise ApiError(self.channel, method, f"response lacks {ROOT!r}: {str(body)[:200]}", 200)
        api_result = result.get("apiResult") or {}
        if api_result.get("success") is False:
            raise ApiError(
                self.channel,
                method,
                f"platform error {api_result.get('resultCode')}: {api_result.get('chineseErrCode')}",
                200,
            )
        return result

    def _order_window(self, session, start, end, calls) -> Listing:
        business = {"start_date": beijing_str(start), "end_date": beijing_str(end), "date_type": 0}

        def page(page_no: int) -> Page:
            result = self._call(
                session,
                "jingdong.pop.order.enSearch",
                {**business, "page": page_no, "page_size": self.page_size},
                calls,
            )
            total = result.get("orderTotal")
            return Page(list(result.get("orderInfoList") or []), int(total) if total is not None else None)

        return self._page_all(page, self.order_key)

    def _after_sales_window(self, session, start, end, calls) -> Listing:
        raise NotImplementedError("JD after-sales are not connected (capabilities: orders)")

    def _stock_page(self, session, page_no, calls) -> Page:
        raise NotImplementedError("JD stock listing is not connected (capabilities: orders)")

    def _push_one(self, session, channel_sku, quantity, calls) -> None:
        raise NotImplementedError("JD stock push is not connected (capabilities: orders)")

    def _confirm(self, session, order_id, tracking_no, carrier, calls) -> None:
        raise NotImplementedError("JD shipment confirmation is not connected (capabilities: orders)")
