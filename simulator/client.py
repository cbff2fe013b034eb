"""Minimal signed clients for the simulator's platform APIs (tests, demos, and a reference for connectors).

They send the demo tokens and each platform's transport; the caller gives every business parameter
(including the required ones: the strict simulator rejects a call without them, as the platform would)."""

from __future__ import annotations

import json
import time

import requests

from simulator.channels.common import douyin_sign, md5_sign
from simulator.channels.jd import STATE as _JD_STATES
from simulator.channels.taobao import ALL_REFUND_FIELDS, ALL_TRADE_FIELDS
from simulator.timeutil import bj

# The required business parameters, for callers that want "everything" (the strict simulator rejects a call
# without them, as the platforms do): TOP's fields + every trade type, PDD's status filters, JD's states.
TOP_TYPES = "fixed,auction,guarantee_trade,step,auto_delivery,ec,cod,o2o_offlinetrade"
TOP_TRADES = {"fields": ALL_TRADE_FIELDS, "type": TOP_TYPES}
TOP_REFUNDS = {"fields": ALL_REFUND_FIELDS, "type": TOP_TYPES}
PDD_ORDERS = {"order_status": 5, "refund_status": 5, "is_lucky_flag": 0, "page": 1}
PDD_REFUNDS = {"after_sales_status": 1, "after_sales_type": 1}
JD_SEARCH = {
    "order_state": ",".join(sorted(set(_JD_STATES.values()) | {"LOCKED"})),
    "optional_fields": "orderId,orderState,orderStartTime,paymentConfirmTime,modified,orderTotalPrice,sellerDiscount,"
    "freightPrice,orderPayment,pin,consigneeInfo,itemInfoList",
}


def taobao(
    url: str,
    method: str,
    key: str = "sim-tb-key",
    secret: str = "sim-tb-secret",
    timeout: float = 10,
    sign: str | None = None,
    session: str | None = "sim-tb-token",
    **params,
) -> requests.Response:
    p = {
        "method": method,
        "app_key": key,
        **({"session": session} if session else {}),
        "timestamp": bj(time.time()),
        "format": "json",
        "v": "2.0",
        "sign_method": "md5",
        **{k: str(v) for k, v in params.items()},
    }
    p["sign"] = sign or md5_sign(secret, p)
    return requests.post(f"{url}/taobao/router/rest", data=p, timeout=timeout)


def douyin(
    url: str,
    method: str,
    biz: dict,
    key: str = "sim-dy-key",
    secret: str = "sim-dy-secret",
    timeout: float = 10,
    sign: str | None = None,
    access_token: str | None = "sim-dy-token",
) -> requests.Response:
    """As the official SDK: system parameters in the URL, param_json as the raw JSON body."""
    param_json = json.dumps(biz, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    ts = str(int(time.time()))
    q = {"app_key": key, "method": method, "timestamp": ts, "v": "2", "sign_method": "hmac-sha256"}
    q["sign"] = sign or douyin_sign(secret, key, method, param_json, ts, "2")
    if access_token:
        q["access_token"] = access_token
    return requests.post(
        f"{url}/douyin/{method.replace('.', '/')}",
        params=q,
        data=param_json.encode("utf-8"),
        headers={"Content-Type": "application/json"},
        timeout=timeout,
    )


def pdd(
    url: str,
    type_: str,
    client_id: str = "sim-pdd-id",
    secret: str = "sim-pdd-secret",
    timeout: float = 10,
    sign: str | None = None,
    access_token: str | None = "sim-pdd-token",
    **params,
) -> requests.Response:
    p = {
        "type": type_,
        "client_id": client_id,
        **({"access_token": access_token} if access_token else {}),
        "timestamp": str(int(time.time())),
        "data_type": "JSON",
        **{k: str(v) for k, v in params.items()},
    }
    p["sign"] = sign or md5_sign(secret, p)
    return requests.post(f"{url}/pdd/api/router", data=p, timeout=timeout)


def jd(
    url: str,
    method: str,
    biz: dict,
    key: str = "sim-jd-key",
    secret: str = "sim-jd-secret",
    timeout: float = 10,
    sign: str | None = None,
    access_token: str | None = "sim-jd-token",
) -> requests.Response:
    from datetime import datetime

    from simulator.timeutil import BJ

    ts = datetime.now(BJ).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + "+0800"
    p = {
        "method": method,
        "app_key": key,
        **({"access_token": access_token} if access_token else {}),
        "timestamp": ts,
        "v": "2.0",
        "360buy_param_json": json.dumps(biz, ensure_ascii=False, separators=(",", ":")),
    }
    p["sign"] = sign or md5_sign(secret, p)
    return requests.post(f"{url}/jd/routerjson", data=p, timeout=timeout)
