"""Each marketplace's own answer envelopes and error bodies (API.md, "Errors"), shared by a platform's router
and its method modules."""

from __future__ import annotations

import hashlib
import math

from simulator.server import Response, ok


# ---- Taobao TOP ----------------------------------------------------------------------------------------
def top_error(code: int, msg: str, sub_code: str | None = None, sub_msg: str | None = None) -> Response:
    body: dict = {"code": code, "msg": msg}
    if sub_code:
        body["sub_code"] = sub_code
    if sub_msg:
        body["sub_msg"] = sub_msg
    return ok({"error_response": body})


def top_bad(msg: str) -> Response:
    return top_error(41, "Invalid arguments", "isv.invalid-parameter", msg)


def top_throttled(ban: float) -> Response:
    seconds = max(1, math.ceil(ban))
    sub_msg = f"This ban will last for {seconds} more seconds"
    return top_error(7, "App Call Limited", "accesscontrol.limited-by-app-access-count", sub_msg)


# ---- Douyin --------------------------------------------------------------------------------------------
def dy_envelope(data, code: int = 10000, msg: str = "success", sub_code: str = "", sub_msg: str = "") -> Response:
    log_id = hashlib.md5(f"{code}{msg}{sub_code}".encode()).hexdigest()[:20]
    return ok({"code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg, "log_id": log_id, "data": data})


def dy_bad(msg: str) -> Response:
    return dy_envelope(None, 40004, "非法的参数（业务校验）", "isv.business-failed", msg)


def dy_missing(name: str) -> Response:
    return dy_envelope(None, 40002, "缺少必选参数（业务校验）", "isv.missing-parameter", f"缺少参数 {name}")


def dy_throttled(ban: float) -> Response:
    return dy_envelope(None, 60000, "触发限流，请稍后重试")


# ---- Pinduoduo -----------------------------------------------------------------------------------------
def pdd_error(code: int, msg: str) -> Response:
    request_id = hashlib.md5(msg.encode()).hexdigest()[:20]
    return ok(
        {
            "error_response": {
                "error_code": code,
                "error_msg": msg,
                "sub_code": None,
                "sub_msg": "",
                "request_id": request_id,
            }
        }
    )


def pdd_throttled(ban: float) -> Response:
    return pdd_error(70031, "调用过于频繁，请调整调用频率")


# ---- JD ------------------------------------------------------------------------------------------------
def jd_error(code: str, zh: str, en: str) -> Response:
    return ok({"error_response": {"code": code, "zh_desc": zh, "en_desc": en}})


def jd_throttled(ban: float) -> Response:
    return jd_error("2", "限制时间内调用失败次数", "App Call Limited")
