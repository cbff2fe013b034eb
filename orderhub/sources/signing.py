"""Request signatures exactly as each platform documents them (see simulator/API.md, "Signing").

Pure functions over already-stringified parameters, so tests can check them against vectors computed by hand.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any


def stringify(params: Mapping[str, Any]) -> dict[str, str]:
    """The wire form of request parameters: booleans as true/false, None dropped, everything else str()."""
    out: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


def _concat_sorted(params: Mapping[str, str]) -> str:
    return "".join(f"{k}{params[k]}" for k in sorted(params) if k != "sign")


def top_md5_sign(params: Mapping[str, str], secret: str) -> str:
    """Taobao TOP (sign_method=md5): upper hex MD5 of secret + k1v1k2v2... + secret, keys sorted, sign excluded."""
    payload = f"{secret}{_concat_sorted(params)}{secret}"
    return hashlib.md5(payload.encode("utf-8")).hexdigest().upper()


def pdd_md5_sign(params: Mapping[str, str], secret: str) -> str:
    """Pinduoduo: the same construction as TOP's md5 signature (client_secret around sorted k/v pairs)."""
    return top_md5_sign(params, secret)


def jd_md5_sign(params: Mapping[str, str], secret: str) -> str:
    """JD routerjson: TOP-style upper MD5 over all system params incl. 360buy_param_json."""
    return top_md5_sign(params, secret)


def douyin_param_json(business: Mapping[str, Any]) -> str:
    """Douyin signs the business params as JSON with sorted keys and no spaces (non-ASCII kept as is)."""
    return json.dumps(business, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def douyin_sign(app_key: str, method: str, param_json: str, timestamp: str, v: str, secret: str) -> str:
    """Douyin (sign_method=hmac-sha256): lower hex HMAC-SHA256 keyed by the secret over
    secret + "app_key"+app_key + "method"+method + "param_json"+param_json + "timestamp"+timestamp + "v"+v + secret."""
    message = f"{secret}app_key{app_key}method{method}param_json{param_json}timestamp{timestamp}v{v}{secret}"
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()
