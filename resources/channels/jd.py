"""JD POP open platform router: `POST {base_url}/routerjson`, TOP-style md5 over 360buy_param_json.

Only order search is wired: JD's after-sales status codes, the response of its SKU lookup
(`jingdong.sku.read.searchSkuList`, needed to push stock by skuId) and its carrier ids (`logiCoprId`) were
not found in the public documentation reachable here, so after-sales, stock and shipment raise
NotImplementedError and `capabilities` says so (simulator/API.md, "JD").
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import requests
from pydantic import Field

from orderhub.calllog import CallLog
from orderhub.sources.errors import classify_jd
from orderhub.sources.paging import Page
from orderhub.sources.signing import douyin_param_json, jd_md5_sign, stringify
from orderhub.sources.timefmt import beijing_str, jd_timestamp
from resources.channels.base import ApiError, ChannelApi, Listing

ORDER_STATES = (
    "WAIT_SELLER_STOCK_OUT,WAIT_SELLER_DELIVERY,WAIT_GOODS_RECEIVE_CONFIRM,FINISHED_L,TRADE_CANCELED,LOCKED,PAUSE,"
    "POP_ORDER_PAUSE"
)
# what orderhub/mappings/jd_api.yaml reads ("不填或者为空则请求被拒绝")
OPTIONAL_FIELDS = (
    "orderId,orderState,orderType,orderTotalPrice,orderSellerPrice,orderPayment,freightPrice,sellerDiscount,"
    "orderStartTime,paymentConfirmTime,orderEndTime,modified,pin,consigneeInfo,itemInfoList"
)
REAL_OAUTH = "https://open-oauth.jd.com"


class JdApi(ChannelApi):
    """JD POP seller API. `access_token` is the seller's authorization token."""

    channel: str = "jd"
    shop_id: str = "jd-pop"
    oauth_url: str = Field(
        default="",
        description="JD OAuth root (token refresh/exchange); empty = https://open-oauth.jd.com when base_url is "
        "api.jd.com, else base_url itself (the simulator serves /jd/oauth2/*)",
    )

    order_key: ClassVar[str] = "orderId"
    max_window: ClassVar[timedelta] = timedelta(days=1)
    max_page_size: ClassVar[int] = 50  # enSearch: "最大 page_size 50条"
    capabilities: ClassVar[frozenset[str]] = frozenset({"orders"})
    path: ClassVar[str] = "/routerjson"

    def classify(self, body: Any):
        if not isinstance(body, dict):
            return classify_jd({"error_response": {"code": "?", "zh_desc": str(body)[:200]}})
        return classify_jd(body)

    def _send(self, session: requests.Session, endpoint: str, business: dict, token: str, calls: CallLog):
        params = stringify(
            {
                "method": endpoint,
                "app_key": self.app_key,
                "access_token": token or None,
                "timestamp": jd_timestamp(datetime.now(UTC)),
                "v": "2.0",
                "360buy_param_json": douyin_param_json(business),  # same compact sorted JSON
            }
        )
        params["sign"] = jd_md5_sign(params, self.app_secret)
        return self._post(session, self.root + self.path, endpoint, calls, data=params)

    def _unwrap(self, endpoint: str, body: Any) -> dict:
        root = endpoint.replace(".", "_") + "_responce"  # sic: JD's own spelling
        result = (body.get(root) or {}).get("searchorderinfo_result")
        if not isinstance(result, dict):
            raise ApiError(self.channel, endpoint, f"response lacks {root!r}: {str(body)[:200]}", 200)
        api_result = result.get("apiResult") or {}
        if api_result.get("success") is False:
            code, text = api_result.get("resultCode"), api_result.get("chineseErrCode")
            raise ApiError(self.channel, endpoint, f"platform error {code}: {text}", 200)
        return result

    def _order_window(self, session, start, end, calls) -> Listing:
        business = {
            "start_date": beijing_str(start),
            "end_date": beijing_str(end),
            "order_state": ORDER_STATES,
            "optional_fields": OPTIONAL_FIELDS,
            "dateType": 0,  # by modification time (1 = by creation)
            "sortType": 1,  # newest first
        }

        def page(page_no: int) -> Page:
            paging = {"page": page_no, "page_size": self.effective_page_size}
            result = self._call(session, "jingdong.pop.order.enSearch", {**business, **paging}, calls)
            total = result.get("orderTotal")
            return Page(list(result.get("orderInfoList") or []), int(total) if total is not None else None)

        return self._page_all(page, self.order_key)

    def _after_sales_window(self, session, start, end, calls) -> Listing:
        raise NotImplementedError("JD after-sales are not connected (capabilities: orders)")

    def _listed(self, session, calls) -> list[dict]:
        raise NotImplementedError("JD stock listing is not connected (capabilities: orders)")

    def _push_one(self, session, channel_sku, quantity, calls) -> None:
        raise NotImplementedError("JD stock push is not connected (capabilities: orders)")

    def _confirm(self, session, order_id, tracking_no, carrier, calls) -> None:
        raise NotImplementedError("JD shipment confirmation is not connected (capabilities: orders)")

    # ---- tokens (open-oauth.jd.com/oauth2/*, plain GETs) -----------------------------------------
    @property
    def oauth_root(self) -> str:
        return (self.oauth_url or (REAL_OAUTH if "api.jd.com" in self.base_url else self.root)).rstrip("/")

    def _oauth(self, session, path: str, query: dict, calls) -> dict:
        params = {"app_key": self.app_key, "app_secret": self.app_secret, **query}
        body = self._request(session, "GET", f"{self.oauth_root}/oauth2/{path}", f"oauth2/{path}", calls, params=params)
        if not isinstance(body, dict) or not body.get("access_token"):
            raise ApiError(self.channel, f"oauth2/{path}", f"no token in the answer: {str(body)[:200]}", 200)
        return body

    def _refresh_call(self, session, token, calls) -> dict:
        query = {"grant_type": "refresh_token", "refresh_token": token.refresh_token}
        return self._oauth(session, "refresh_token", query, calls)

    def _create_call(self, session, code, calls) -> dict:
        return self._oauth(session, "access_token", {"grant_type": "authorization_code", "code": code}, calls)
