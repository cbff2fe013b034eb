"""HTTP with OrderHub's retry policy and call logging, shared by every external client.

Policy: first try + 3 retries on 5xx, 429 and timeouts/connection errors, exponential backoff with full
jitter, 429's Retry-After honoured. Every attempt becomes an ops.api_calls row via CallLog. 4xx other than
429 is not retried (it will not get better) and is returned to the caller, who knows the platform's
error body. The marketplaces throttle with HTTP 200 and an error body instead: a caller passes `classify`,
which reads such a body and returns (seconds to wait or None, reason) to have it retried like a 429.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime

import requests

from orderhub.calllog import CallLog, CallRecord

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# Douyin sends its system parameters (access_token, sign) in the URL, and requests quotes the URL in
# connection errors: never let a token reach ops.api_calls.
_SECRET_PARAM = re.compile(r"((?:access_token|refresh_token|session|sign|client_secret|app_secret)=)[^&\s'\")]+")


def redact(text: str) -> str:
    return _SECRET_PARAM.sub(r"\1***", text)


class ApiError(RuntimeError):
    """Raised when an endpoint still fails after all retries, or answers with a platform error."""

    def __init__(self, channel: str, endpoint: str, message: str, http_status: int | None = None):
        super().__init__(f"{channel} {endpoint}: {message}")
        self.channel, self.endpoint, self.http_status = channel, endpoint, http_status


def backoff_seconds(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    return rng.uniform(0, min(cap, base * 2 ** (attempt - 1)))


def _retry_after(resp: requests.Response) -> float | None:
    value = resp.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def request(
    session: requests.Session,
    method: str,
    url: str,
    *,
    channel: str,
    endpoint: str,
    calls: CallLog,
    retries: int = 3,
    timeout: float = 10.0,
    backoff_base: float = 0.5,
    backoff_cap: float = 20.0,
    max_retry_after: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
    classify: Callable[[requests.Response], tuple[float | None, str] | None] | None = None,
    **kwargs,
) -> requests.Response:
    rng = rng or random.Random()
    last_error = "no attempt made"
    for attempt in range(1, retries + 2):
        started = datetime.now(UTC)
        t0 = time.perf_counter()
        wait: float | None = None
        try:
            resp = session.request(method, url, timeout=timeout, **kwargs)
        except (requests.Timeout, requests.ConnectionError) as exc:
            last_error = redact(f"{type(exc).__name__}: {exc}")[:500]
            calls.add(CallRecord(channel, endpoint, started, _ms(t0), None, attempt, False, last_error))
        else:
            ok = resp.status_code < 400
            error = None if ok else f"HTTP {resp.status_code}: {resp.text[:300]}"
            verdict = classify(resp) if ok and classify is not None else None
            if verdict is not None:  # an HTTP 200 that says "throttled" / "try again"
                wait, error = verdict
                ok = False
            calls.add(CallRecord(channel, endpoint, started, _ms(t0), resp.status_code, attempt, ok, error))
            if ok or (verdict is None and resp.status_code not in RETRYABLE_STATUS):
                return resp
            last_error = error or ""
            if resp.status_code == 429:
                wait = _retry_after(resp)
        if wait is not None and wait > max_retry_after:  # a ban longer than we may wait: the next run retries
            raise ApiError(
                channel, endpoint, f"{last_error} (asks to wait {wait:.0f} s, more than {max_retry_after:.0f} s)"
            )
        if attempt <= retries:
            delay = backoff_seconds(attempt, backoff_base, backoff_cap, rng)
            sleep(min(max_retry_after, max(delay, wait or 0.0)))
    raise ApiError(channel, endpoint, f"failed after {retries + 1} attempts: {last_error}")


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 2)
