"""The platforms' own error envelopes, read before a 200 is taken as success (see simulator/API.md, "Errors").

Every platform answers throttling and token problems with HTTP 200 and an error body. `classify_<platform>`
turns a decoded body into None (success) or a PlatformError whose `kind` decides what the client does:

- ``throttle``: wait (TOP says how long: "This ban will last for N more seconds") and retry;
- ``retryable``: a server-side hiccup (TOP ``isp.*``, Douyin 20000/20001, PDD 52102/52103, JD 65): retry;
- ``token``: the seller's authorization is missing, expired or revoked: refresh once where the platform
  allows it, else stop that shop and ask for re-authorization;
- ``permanent``: anything else (bad parameter, signature, permission): fail the call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from orderhub.http import ApiError

THROTTLE, RETRYABLE, TOKEN, PERMANENT = "throttle", "retryable", "token", "permanent"
_BAN = re.compile(r"ban will last for (\d+) more seconds", re.IGNORECASE)


@dataclass(frozen=True)
class PlatformError:
    kind: str
    code: str
    message: str
    wait_s: float | None = None  # the platform's own ban time, when it says one

    def describe(self) -> str:
        return f"platform error {self.code}: {self.message}".strip()


class AuthorizationError(ApiError):
    """The platform refused the shop's authorization token (missing, expired, revoked): re-authorize."""

    def __init__(self, channel: str, shop_id: str, endpoint: str, error: PlatformError | str):
        detail = error.describe() if isinstance(error, PlatformError) else error
        super().__init__(
            channel,
            endpoint,
            f"{detail}; re-authorize shop {shop_id} (orderhub shops authorize {channel}); "
            "its pulls stop with cursors kept until then",
            200,
        )
        self.shop_id, self.detail = shop_id, detail


def _text(*parts: Any) -> str:
    return " ".join(str(p) for p in parts if p not in (None, ""))


def classify_taobao(body: Any) -> PlatformError | None:
    """TOP: {"error_response": {"code", "msg", "sub_code", "sub_msg"}}; codes from the TOP error table."""
    err = body.get("error_response") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return None
    code, sub = str(err.get("code", "")), str(err.get("sub_code") or "")
    message = _text(err.get("msg"), sub, err.get("sub_msg"))
    if code == "7":
        ban = _BAN.search(str(err.get("sub_msg") or ""))
        return PlatformError(THROTTLE, code, message, float(ban.group(1)) if ban else None)
    if code in ("4", "5", "6", "8"):  # user / session / partner call limited, frequency exceeded
        return PlatformError(THROTTLE, code, message)
    if code in ("26", "27"):  # Missing Session / Invalid Session
        return PlatformError(TOKEN, code, message)
    if code == "10" or sub.startswith("isp."):  # service unavailable; isp.* = platform side, retry later
        return PlatformError(RETRYABLE, code, message)
    return PlatformError(PERMANENT, code, message)


DOUYIN_TOKEN_SUB_CODES = (
    "isv.access-token-missing",
    "isv.access-token-expired",
    "isv.access-token-no-existed",
    "isv.access-token-invalid",
    "dop.authorization-no-existed",
    "dop.authorization-closed",
)


def classify_douyin(body: Any) -> PlatformError | None:
    """Douyin: {"code": 10000, "msg", "sub_code", "sub_msg", "data"}; anything but 10000 is an error."""
    if not isinstance(body, dict):
        return PlatformError(PERMANENT, "?", f"unexpected response body: {str(body)[:200]}")
    code = str(body.get("code", ""))
    if code == "10000":
        return None
    sub = str(body.get("sub_code") or "")
    message = _text(body.get("msg"), sub, body.get("sub_msg"))
    if code == "60000":
        return PlatformError(THROTTLE, code, message)
    if sub.startswith(DOUYIN_TOKEN_SUB_CODES):
        return PlatformError(TOKEN, code, message)
    if code in ("20000", "20001"):
        return PlatformError(RETRYABLE, code, message)
    return PlatformError(PERMANENT, code, message)


def classify_pdd(body: Any) -> PlatformError | None:
    """Pinduoduo: {"error_response": {"error_code", "error_msg", "sub_code", "sub_msg"}}."""
    err = body.get("error_response") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return None
    code = str(err.get("error_code", ""))
    message = _text(err.get("error_msg"), err.get("sub_code"), err.get("sub_msg"))
    if code in ("70031", "52101"):  # 调用过于频繁 / 当前接口被限流
        return PlatformError(THROTTLE, code, message)
    if code in ("52102", "52103"):  # 当前接口暂时不可用 / 服务暂时不可用
        return PlatformError(RETRYABLE, code, message)
    if code == "10019":  # access_token已过期
        return PlatformError(TOKEN, code, message)
    return PlatformError(PERMANENT, code, message)


def classify_jd(body: Any) -> PlatformError | None:
    """JD: {"error_response": {"code", "zh_desc", "en_desc"}}; business failures inside the method's result."""
    err = body.get("error_response") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return None
    code = str(err.get("code", ""))
    message = _text(err.get("zh_desc"), err.get("en_desc"))
    if code == "2":  # App Call Limited
        return PlatformError(THROTTLE, code, message)
    if code == "19":  # 无效access_token
        return PlatformError(TOKEN, code, message)
    if code == "65":  # 系统处理超时
        return PlatformError(RETRYABLE, code, message)
    return PlatformError(PERMANENT, code, message)
