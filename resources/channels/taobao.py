"""Taobao/Tmall open platform (TOP) router: `POST {base_url}/router/rest`, form body, md5-signed.

Every call follows its TOP API page (simulator/API.md lists them): `fields` is required wherever the API
says so (nothing that is not listed comes back), `type` lists every trade type (the default leaves some
out), the seller's token is the `session` parameter, and errors arrive as HTTP 200 `error_response` bodies.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import requests

from orderhub.calllog import CallLog
from orderhub.sources.errors import PlatformError, classify_taobao
from orderhub.sources.paging import Page, back_to_front
from orderhub.sources.signing import stringify, top_md5_sign
from orderhub.sources.timefmt import beijing_str
from resources.channels.base import ApiError, ChannelApi, Listing

# taobao.trades.sold.get's list of trade types: every one, so no trade is filtered out by the default
TRADE_TYPES = (
    "fixed,auction,guarantee_trade,step,independent_simple_trade,independent_shop_trade,auto_delivery,ec,cod,"
    "game_equipment,shopex_trade,netcn_trade,external_trade,instant_trade,b2c_cod,hotel_trade,super_market_trade,"
    "super_market_cod_trade,taohua,waimai,o2o_offlinetrade,nopaid,eticket,tmall_i18n,insurance_plus,finance,"
    "pre_auth_type,lazada"
)
# what orderhub/mappings/taobao_api.yaml reads, plus the receiver fields: `oaid` is only generated when the
# encrypted receiver fields are requested too (they stay encrypted and are never mapped)
TRADE_FIELDS = (
    "tid,tid_str,status,type,created,modified,pay_time,consign_time,end_time,total_fee,discount_fee,adjust_fee,"
    "post_fee,payment,received_payment,step_trade_status,buyer_open_uid,receiver_name,receiver_state,receiver_city,"
    "receiver_district,receiver_address,receiver_mobile,receiver_phone,oaid,promotion_details,orders"
)
REFUND_FIELDS = (
    "refund_id,tid,oid,title,total_fee,status,created,modified,refund_fee,good_status,has_good_return,payment,"
    "reason,desc,dispute_type,order_status,refund_phase,outer_id,num"
)
ITEM_FIELDS = "num_iid,outer_id,num,modified"
ITEM_DETAIL_FIELDS = "num_iid,outer_id,num,sku"
ITEMS_PER_DETAIL_CALL = 20  # taobao.items.seller.list.get: num_iids max 20


class TaobaoApi(ChannelApi):
    """Taobao/Tmall seller API (TOP). `access_token` is the seller's session key (TOP `session`)."""

    channel: str = "taobao"
    shop_id: str = "tb-flagship"

    order_key: ClassVar[str] = "tid"
    after_sale_key: ClassVar[str] = "refund_id"
    max_window: ClassVar[timedelta] = timedelta(days=1)  # trades.sold.increment.get: end - start <= 1 day
    path: ClassVar[str] = "/router/rest"
    # only 服务市场 (service-market) apps may refresh; others get fixed-length tokens: re-authorize in time
    refresh_margin: ClassVar[timedelta] = timedelta(days=3)

    def classify(self, body: Any) -> PlatformError | None:
        if not isinstance(body, dict):
            return PlatformError("permanent", "?", f"unexpected response body: {str(body)[:200]}")
        return classify_taobao(body)

    def _send(self, session: requests.Session, endpoint: str, business: dict, token: str, calls: CallLog):
        params = stringify(
            {
                "method": endpoint,
                "app_key": self.app_key,
                "session": token or None,
                "timestamp": beijing_str(datetime.now(UTC)),
                "format": "json",
                "v": "2.0",
                "sign_method": "md5",
                **business,
            }
        )
        params["sign"] = top_md5_sign(params, self.app_secret)
        return self._post(session, self.root + self.path, endpoint, calls, data=params)

    def _unwrap(self, endpoint: str, body: Any) -> dict:
        key = endpoint.removeprefix("taobao.").replace(".", "_") + "_response"
        if not isinstance(body.get(key), dict):
            raise ApiError(self.channel, endpoint, f"response lacks {key!r}: {str(body)[:200]}", 200)
        return body[key]

    def _listing(self, key: str, session, method: str, business: dict, container: str, item: str, calls) -> Listing:
        def page(page_no: int) -> Page:
            paging = {"page_no": page_no, "page_size": self.effective_page_size}
            resp = self._call(session, method, {**business, **paging}, calls)
            records = (resp.get(container) or {}).get(item) or []
            total = resp.get("total_results")
            return Page(list(records), int(total) if total is not None else None, resp.get("has_next"))

        return self._page_all(page, key)

    def _window(self, start: datetime, end: datetime) -> dict[str, str]:
        return {"start_modified": beijing_str(start), "end_modified": beijing_str(end), "type": TRADE_TYPES}

    def _order_window(self, session, start, end, calls) -> Listing:
        method, business = "taobao.trades.sold.increment.get", {**self._window(start, end), "fields": TRADE_FIELDS}
        return self._listing(self.order_key, session, method, business, "trades", "trade", calls)

    def _after_sales_window(self, session, start, end, calls) -> Listing:
        method, business = "taobao.refunds.receive.get", {**self._window(start, end), "fields": REFUND_FIELDS}
        return self._listing(self.after_sale_key, session, method, business, "refunds", "refund", calls)

    def _listed(self, session, calls) -> list[dict]:
        """items.onsale.get lists item ids (item-level `num` only); items.seller.list.get, 20 items per call,
        gives each item's SKUs. An item without SKUs is one listing under its own outer_id."""

        def page(page_no: int) -> Page:
            business = {"fields": ITEM_FIELDS, "page_no": page_no, "page_size": 200}
            resp = self._call(session, "taobao.items.onsale.get", business, calls)
            total = resp.get("total_results")
            return Page(list((resp.get("items") or {}).get("item") or []), int(total) if total is not None else None)

        ids = sorted({int(i["num_iid"]) for i in back_to_front(page, 200, 1).records})
        rows = []
        for n in range(0, len(ids), ITEMS_PER_DETAIL_CALL):
            batch = ",".join(str(i) for i in ids[n : n + ITEMS_PER_DETAIL_CALL])
            business = {"fields": ITEM_DETAIL_FIELDS, "num_iids": batch}
            resp = self._call(session, "taobao.items.seller.list.get", business, calls)
            for item in (resp.get("items") or {}).get("item") or []:
                rows.extend(_item_rows(item))
        return rows

    def _push_one(self, session, channel_sku, quantity, calls) -> None:
        method = "taobao.item.quantity.update"
        ids = self._ids_for(session, channel_sku, calls, method)
        self._call(session, method, {**ids, "quantity": quantity, "type": 1}, calls)

    def _confirm(self, session, order_id, tracking_no, carrier, calls) -> None:
        method = "taobao.logistics.offline.send"
        company = self._company(session, carrier, calls, method)
        business = {"tid": order_id, "out_sid": tracking_no, "company_code": company["code"]}
        resp = self._call(session, method, business, calls)
        if not (resp.get("shipping") or {}).get("is_success"):
            raise ApiError(self.channel, method, f"shipment not accepted: {str(resp)[:200]}", 200)

    def _logistics_companies(self, session, calls) -> list[dict]:
        business = {"fields": "id,code,name", "order_mode": "offline"}
        resp = self._call(session, "taobao.logistics.companies.get", business, calls)
        return list((resp.get("logistics_companies") or {}).get("logistics_company") or [])

    # ---- tokens (taobao.top.auth.token.*; refresh only for service-market apps) -----------------
    def _token_call(self, session, method: str, business: dict, calls) -> dict:
        body = self._send(session, method, business, "", calls)
        err = self.classify(body)
        if err is not None:
            raise ApiError(self.channel, method, err.describe(), 200)
        result = self._unwrap(method, body).get("token_result")
        return json.loads(result) if isinstance(result, str) else (result or {})

    def _refresh_call(self, session, token, calls) -> dict:
        return self._token_call(session, "taobao.top.auth.token.refresh", {"refresh_token": token.refresh_token}, calls)

    def _create_call(self, session, code, calls) -> dict:
        return self._token_call(session, "taobao.top.auth.token.create", {"code": code}, calls)


def _item_rows(item: dict) -> list[dict]:
    skus = (item.get("skus") or {}).get("sku") or []
    num_iid = int(item["num_iid"])
    if not skus:
        ids = {"num_iid": num_iid}
        return [{"channel_sku": str(item.get("outer_id") or ""), "quantity": int(item.get("num") or 0), "ids": ids}]
    return [
        {
            "channel_sku": str(s.get("outer_id") or ""),
            "quantity": int(s.get("quantity") or 0),
            "ids": {"num_iid": num_iid, "sku_id": int(s["sku_id"])},
        }
        for s in skus
    ]
