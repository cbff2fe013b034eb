"""Posting one alert to one webhook through orderhub.http (retries + ops.api_calls rows, channel 'notifier')."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import requests

from orderhub import http
from orderhub.calllog import CallLog
from orderhub.notify.formats import AlertMessage, dingtalk_signed_url, payload, response_error


class DeliveryError(RuntimeError):
    pass


@dataclass(frozen=True)
class WebhookTarget:
    kind: str  # 'dingtalk' | 'wecom' | 'slack'
    url: str
    secret: str = ""
    timeout: float = 5.0
    retries: int = 2
    backoff_base: float = 0.5
    backoff_cap: float = 4.0


def post_alert(
    target: WebhookTarget,
    msg: AlertMessage,
    *,
    calls: CallLog,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Send one alert; raises DeliveryError when it did not get through (after http's retries)."""
    url = target.url
    if target.kind == "dingtalk" and target.secret:
        url = dingtalk_signed_url(url, target.secret, int(time.time() * 1000))
    try:
        resp = http.request(
            session or requests.Session(),
            "POST",
            url,
            channel="notifier",
            endpoint=target.kind,
            calls=calls,
            retries=target.retries,
            timeout=target.timeout,
            backoff_base=target.backoff_base,
            backoff_cap=target.backoff_cap,
            max_retry_after=target.backoff_cap,
            sleep=sleep,
            json=payload(target.kind, msg),
        )
    except http.ApiError as exc:
        raise DeliveryError(str(exc)) from exc
    error = response_error(target.kind, resp.status_code, resp.text)
    if error:
        raise DeliveryError(error)
