"""How a channel client makes one call: the platform's transport and signing (`_send`), the shared retry
policy with the platform's HTTP-200 throttle body retried after its ban time, the error envelope (`classify`),
and the shop's token (resources/channels/tokens.py): refreshed when due, refreshed once more when the platform
refuses it, else the shop is marked "re-authorize" and every later call of this client fails fast without a
request, so a pull stops where it is and its cursor stays.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Self

import requests
from pydantic import Field, PrivateAttr

from orderhub import http
from orderhub.calllog import CallLog
from orderhub.http import ApiError
from orderhub.sources.errors import RETRYABLE, THROTTLE, TOKEN, PlatformError
from resources.channels.tokens import ShopAuthorization
from resources.env import simulator_url

# An undecodable 200 body (truncated/garbled by a proxy) is re-requested this many extra times.
MALFORMED_BODY_RETRIES = 2


class PlatformCalls(ShopAuthorization):
    """One shop's calls to one platform: transport, retries, the platform's throttle and token errors."""

    base_url: str = Field(
        default="",
        description="API root, e.g. https://eco.taobao.com; empty = the "
        "simulator's /<channel>, resolved when a call is made",
    )
    timeout_s: float = Field(default=10, gt=0, description="Per-attempt HTTP timeout in seconds")
    max_ban_wait_s: float = Field(
        default=120,
        gt=0,
        description="Longest platform ban (throttle) a call waits out before giving up until the next run",
    )

    # Test seams (never config): where sessions come from and how retry waits sleep.
    _session_factory: Callable[[], requests.Session] | None = PrivateAttr(default=None)
    _sleep: Callable[[float], None] | None = PrivateAttr(default=None)

    def with_transport(
        self,
        session_factory: Callable[[], requests.Session] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> Self:
        """A copy using the given session factory / sleep (tests inject fakes; default: real HTTP, time.sleep)."""
        clone = self.model_copy()
        clone._session_factory = session_factory
        clone._sleep = sleep
        return clone

    @property
    def root(self) -> str:
        return (self.base_url or f"{simulator_url()}/{self.channel}").rstrip("/")

    def _send(self, session: requests.Session, endpoint: str, business: dict[str, Any], token: str, calls: CallLog):
        """Sign and post one call with this token; the decoded body (errors included)."""
        raise NotImplementedError

    def _unwrap(self, endpoint: str, body: Any) -> Any:
        """The useful part of a successful body (raises ApiError if it is not there)."""
        return body

    # ---- calls -----------------------------------------------------------------------------------
    def _call(self, session: requests.Session, endpoint: str, business: dict[str, Any], calls: CallLog) -> Any:
        """One API call with the shop's token, the platform's throttling honoured, token errors handled."""
        self._fail_fast(endpoint)
        token = self._usable_token(session, calls)
        body = self._send(session, endpoint, business, token.access_token, calls)
        err = self.classify(body)
        if err is not None and err.kind == TOKEN and token.can_refresh(self._now()):
            token = self._refresh(session, calls, token, forced=True) or token
            body = self._send(session, endpoint, business, token.access_token, calls)
            err = self.classify(body)
        if err is None:
            self._authorized(token)
            return self._unwrap(endpoint, body)
        if err.kind == TOKEN:
            raise self._unauthorized(endpoint, token, err)
        raise ApiError(self.channel, endpoint, err.describe(), 200)

    def _post(self, session: requests.Session, url: str, endpoint: str, calls: CallLog, **kwargs: Any) -> Any:
        """POST via the shared retry policy (5xx, 429, timeouts and the platform's throttle body) and decode
        the JSON body. Non-retryable HTTP errors and bodies still undecodable after a couple of re-requests
        raise ApiError."""
        return self._request(session, "POST", url, endpoint, calls, **kwargs)

    def _request(self, session, method: str, url: str, endpoint: str, calls: CallLog, **kwargs: Any) -> Any:
        for _attempt in range(MALFORMED_BODY_RETRIES + 1):
            resp = http.request(
                session,
                method,
                url,
                channel=self.channel,
                endpoint=endpoint,
                calls=calls,
                timeout=self.timeout_s,
                sleep=self._sleep or time.sleep,
                max_retry_after=self.max_ban_wait_s,
                classify=self._retry_verdict,
                **kwargs,
            )
            if resp.status_code >= 400:
                raise ApiError(self.channel, endpoint, f"HTTP {resp.status_code}: {resp.text[:300]}", resp.status_code)
            body = getattr(resp, "_orderhub_body", None)
            if body is None:
                try:
                    body = resp.json()
                except (ValueError, json.JSONDecodeError):
                    _mark_last_failed(calls, endpoint, f"undecodable body: {resp.text[:200]!r}")
                    continue
            return body
        tries = MALFORMED_BODY_RETRIES + 1
        raise ApiError(self.channel, endpoint, f"undecodable response body after {tries} tries", 200)

    def _retry_verdict(self, resp: requests.Response) -> tuple[float | None, str] | None:
        """For orderhub.http: a throttle or transient platform error in an HTTP-200 body is retried."""
        try:
            body = resp.json()
        except ValueError:
            return None  # undecodable: _request re-requests it
        resp._orderhub_body = body  # decode once
        err = self.classify(body)
        if err is None or err.kind not in (THROTTLE, RETRYABLE):
            return None
        return (err.wait_s or (1.0 if err.kind == THROTTLE else None)), f"{err.kind}: {err.describe()}"[:500]

    def classify(self, body: Any) -> PlatformError | None:
        raise NotImplementedError

    @contextmanager
    def _session(self) -> Iterator[requests.Session]:
        session = self._session_factory() if self._session_factory else requests.Session()
        try:
            yield session
        finally:
            session.close()


def _mark_last_failed(calls: CallLog, endpoint: str, error: str) -> None:
    # The HTTP layer logged a 200 as ok; the body was useless, so ops.api_calls should say so.
    for record in reversed(calls.records):
        if record.endpoint == endpoint:
            record.ok, record.error = False, error
            return
