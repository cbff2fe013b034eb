"""JD POP open platform router: `POST {base_url}/routerjson`, TOP-style md5 over 360buy_param_json.

Calls (simulator/API.md, "JD", names the page each follows): orders `jingdong.pop.order.enSearch`; after-sales
= refund applications `jingdong.pop.afs.soa.refundapply.queryPageList` (售前退款: by application time and by
review time, so a decision on an older application is seen); listings `jingdong.sku.read.searchSkuList`
(merchant code `outerId` -> `skuId`); stock `jingdong.stock.write.updateSkuStock`; write-back
`jingdong.pop.order.shipment` with the carrier id from `360buy.delivery.logistics.get` ("只可通过获取商家物流公司
接口获得"). After-shipment service orders (`jingdong.asc.query.list`) are not read.
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
SKU_FIELDS = "wareId,skuId,outerId,stockNum,status,skuName"  # searchSkuList `field`: what comes back
ON_SALE = "1"  # skuStatuValue: 1 上架 (2 下架, 4 删除)
# the method's result object inside its "<method>_responce" envelope (360buy.* methods answer "..._response")
RESULT_KEY = {
    "jingdong.pop.order.enSearch": "searchorderinfo_result",
    "jingdong.pop.afs.soa.refundapply.queryPageList": "queryResult",
    "jingdong.sku.read.searchSkuList": "page",
    "jingdong.stock.write.updateSkuStock": "success",
    "jingdong.pop.order.shipment": "sopjosshipment_result",
    "360buy.delivery.logistics.get": "logistics_companies",
}


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
    after_sale_key: ClassVar[str] = "id"
    path: ClassVar[str] = "/routerjson"
    company_keys: ClassVar[tuple[str, str]] = ("logistics_id", "logistics_name")

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

    def _unwrap(self, endpoint: str, body: Any) -> Any:
        if endpoint.startswith("360buy."):
            root = endpoint.removeprefix("360buy.").replace(".", "_") + "_response"
        else:
            root = endpoint.replace(".", "_") + "_responce"  # sic: JD's own spelling
        envelope = body.get(root) if isinstance(body, dict) else None
        result = envelope.get(RESULT_KEY[endpoint]) if isinstance(envelope, dict) else None
        if result is None:
            raise ApiError(
                self.channel, endpoint, f"response lacks {root}.{RESULT_KEY[endpoint]}: {str(body)[:200]}", 200
            )
        # business failures come inside the result (apiResult / success=false), with HTTP 200 and code 0
        verdict = result.get("apiResult", result) if isinstance(result, dict) else {"success": result}
        if verdict.get("success") is False:
            code = verdict.get("resultCode") or verdict.get("error_code") or verdict.get("code")
            text = verdict.get("chineseErrCode") or verdict.get("chinese_err_code") or verdict.get("message")
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
        """Applications made in the window, then those reviewed in it (a decision on an older application)."""
        passes = [
            self._refund_applications(session, f"{kind}TimeStart", f"{kind}TimeEnd", start, end, calls)
            for kind in ("apply", "check")
        ]
        return Listing([r for p in passes for r in p.records], any(p.unstable for p in passes))

    def _refund_applications(self, session, lo: str, hi: str, start, end, calls) -> Listing:
        method = "jingdong.pop.afs.soa.refundapply.queryPageList"
        business = {lo: beijing_str(start), hi: beijing_str(end)}  # no status: every state ("不传是查询全部状态")

        def page(page_no: int) -> Page:
            paging = {"pageIndex": page_no, "pageSize": self.effective_page_size}
            result = self._call(session, method, {**business, **paging}, calls)
            total = result.get("totalCount")
            return Page(list(result.get("result") or []), int(total) if total is not None else None)

        return self._page_all(page, self.after_sale_key)

    def _listed(self, session, calls) -> list[dict]:
        """jingdong.sku.read.searchSkuList (SKUs on sale, pages from 1): every SKU's outerId and stockNum."""
        rows, page_no, method = [], 1, "jingdong.sku.read.searchSkuList"
        while True:
            business = {
                "skuStatuValue": ON_SALE,
                "field": SKU_FIELDS,
                "pageNo": page_no,
                "page_size": self.effective_page_size,
            }
            result = self._call(session, method, business, calls)
            skus = result.get("data") or []
            rows += [
                {
                    "channel_sku": str(sku.get("outerId") or ""),
                    "quantity": int(sku.get("stockNum") or 0),
                    "ids": {"skuId": int(sku["skuId"]), "wareId": int(sku["wareId"])},
                }
                for sku in skus
            ]
            if not skus or page_no * self.effective_page_size >= int(result.get("totalItem") or 0):
                return rows
            page_no += 1

    def _push_one(self, session, channel_sku, quantity, calls) -> None:
        method = "jingdong.stock.write.updateSkuStock"
        ids = self._ids_for(session, channel_sku, calls, method)
        self._call(session, method, {"skuId": ids["skuId"], "stockNum": quantity}, calls)

    def _confirm(self, session, order_id, tracking_no, carrier, calls) -> None:
        method = "jingdong.pop.order.shipment"
        company = self._company(session, carrier, calls, method)
        business = {"orderId": order_id, "logiCoprId": str(company["logistics_id"]), "logiNo": tracking_no}
        self._call(session, method, business, calls)

    def _logistics_companies(self, session, calls) -> list[dict]:
        result = self._call(session, "360buy.delivery.logistics.get", {}, calls)
        return list(result.get("logistics_list") or [])

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
