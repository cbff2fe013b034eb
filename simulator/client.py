"""Minimal signed clients for the simulator's platform APIs (tests, demos, and a reference for connectors)."""

from __future__ import annotations

import json
import time

import requests

from simulator.channels.common import douyin_sign, md5_sign
from simulator.timeutil import bj


def taobao(
    url: str,
    method: str,
    key: str = "sim-tb-key",
    secret: str = "sim-tb-secret",
    timeout: float = 10,
    sign: str | None = None,
    **params,
) -> requests.Response:
    p = {
        "method": method,
        "app_key": key,
        "session": "sim-session",
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
) -> requests.Response:
    param_json = json.dumps(biz, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    ts = bj(time.time())
    p = {
        "app_key": key,
        "method": method,
        "param_json": param_json,
        "timestamp": ts,
        "v": "2",
        "sign_method": "hmac-sha256",
    }
    p["sign"] = sign or douyin_sign(secret, key, method, param_json, ts, "2")
    return requests.post(f"{url}/douyin/{method.replace('.', '/')}", data=p, timeout=timeout)


def pdd(
    url: str,
    type_: str,
    client_id: str = "sim-pdd-id",
    secret: str = "sim-pdd-secret",
    timeout: float = 10,
    sign: str | None = None,
    **params,
) -> requests.Response:
    p = {
        "type": type_,
        "client_id": client_id,
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
) -> requests.Response:
    from datetime import datetime

    from simulator.timeutil import BJ

    ts = datetime.now(BJ).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + "+0800"
    p = {
        "method": method,
        "app_key": key,
        "timestamp": ts,
        "v": "2.0",
        "360buy_param_json": json.dumps(biz, ensure_ascii=False, separators=(",", ":")),
    }
    p["sign"] = sign or md5_sign(secret, p)
    return requests.post(f"{url}/jd/routerjson", data=p, timeout=timeout)
