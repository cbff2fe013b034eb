"""Base of every channel API client: windows, paging, retries, call logging, error bodies and the shop's token.

Each platform subclass only knows its own transport and signing (`_send`), error envelope (`classify`),
response unwrapping, parameter names and response shapes. Calls go through `_call`, which:

- uses the shop's current token (resources/channels/tokens.py), refreshed first when it is due;
- retries the platform's HTTP-200 throttle body after the platform's ban time (orderhub/http.py `classify`);
- on a token error refreshes once where the platform allows it, else marks the shop "re-authorize" and
  raises AuthorizationError; every later call of this client then fails fast without a request, so a
  pull stops where it is and its cursor stays.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Self

import requests
from pydantic import Field, PrivateAttr

from orderhub import http
from orderhub.calllog import CallLog
from orderhub.http import ApiError
from orderhub.sources.carriers import match_company
from orderhub.sources.errors import RETRYABLE, THROTTLE, TOKEN, AuthorizationError, PlatformError
from orderhub.sources.paging import Listing, Page, back_to_front, stable_window
from orderhub.sources.timefmt import split_windows
from resources.channels.tokens import ShopAuthorization
from resources.env import simulator_url

__all__ = ["ApiError", "AuthorizationError", "ChannelApi", "Listing", "Page"]

# An undecodable 200 body (truncated/garbled by a proxy) is re-requested this many extra times.
MALFORMED_BODY_RETRIES = 2


class ChannelApi(ShopAuthorization):
    """A marketplace's open API for one shop: orders, after-sales, listed stock, stock push, shipment confirm."""

    base_url: str = Field(
        default="",
        description="API root, e.g. https://eco.taobao.com; empty = the "
        "simulator's /<channel>, resolved when a call is made",
    )
    timeout_s: float = Field(default=10, gt=0, description="Per-attempt HTTP timeout in seconds")
    page_size: int = Field(default=100, ge=1, le=100, description="Records per page (capped at the platform maximum)")
    overlap_s: int = Field(
        default=120,
        ge=0,
        description="Each fetch starts this much before the requested start, catching updates that became visible late",
    )
    max_ban_wait_s: float = Field(
        default=120,
        gt=0,
        description="Longest platform ban (throttle) a call waits out before giving up until the next run",
    )

    max_window: ClassVar[timedelta] = timedelta(days=1)
    max_page_size: ClassVar[int] = 100
    first_page: ClassVar[int] = 1
    order_key: ClassVar[str] = "id"  # field identifying an order record (to spot orders that moved)
    after_sale_key: ClassVar[str] = "id"  # same for after-sales records
    # what this platform connector implements: "orders", "after_sales", "stock" (list/push), "shipment"
    capabilities: ClassVar[frozenset[str]] = frozenset({"orders", "after_sales", "stock", "shipment"})
    company_keys: ClassVar[tuple[str, str]] = ("code", "name")  # code and name fields of a logistics company

    # Test seams (never config): where sessions come from and how retry waits sleep.
    _session_factory: Callable[[], requests.Session] | None = PrivateAttr(default=None)
    _sleep: Callable[[float], None] | None = PrivateAttr(default=None)
    # merchant code -> the platform's ids of that listing (item / product / goods, SKU), for stock pushes
    _listing_ids: dict[str, dict] = PrivateAttr(default_factory=dict)
    _companies: list[dict] | None = PrivateAttr(default=None)  # the platform's logistics companies, read once
    _listing_read: bool = PrivateAttr(default=False)

    def with_transport(
        self,
        session_factory: Callable[[], requests.Session] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> Self:
        """A copy using the given session factory / sleep (tests inject fakes; default: real HTTP, time.sleep)."""
        clone = self.model_copy()
        clone._session_factory = session_factory
        clone._sleep = sleep
        clone._listing_ids, clone._companies, clone._listing_read = {}, None, False
        return clone

    @property
    def root(self) -> str:
        return (self.base_url or f"{simulator_url()}/{self.channel}").rstrip("/")

    @property
    def effective_page_size(self) -> int:
        return min(self.page_size, type(self).max_page_size)

    # ---- windows ---------------------------------------------------------------------------------
    def windows(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The platform-sized windows fetch_orders queries for [start, end): start moved back by overlap_s
        (catches updates that became visible late), split into windows of at most `max_window`."""
        return split_windows(start - timedelta(seconds=self.overlap_s), end, self.max_window)

    def fetch_orders(self, start: datetime, end: datetime, calls: CallLog) -> list[dict]:
        """Every order record modified in [start, end) (plus the overlap), exactly as received.

        `end` should lie (a little) before the platform's clock: see orderhub.sources.paging. Raises ApiError
        if any window cannot be fetched: the caller must then not advance its cursor."""
        return [r for _, _, records in self.iter_order_windows(start, end, calls) for r in records]

    def iter_order_windows(
        self, start: datetime, end: datetime, calls: CallLog
    ) -> Iterator[tuple[datetime, datetime, list[dict]]]:
        """fetch_orders one platform window at a time, oldest first: (window_start, window_end, records), so a
        long backfill can land each window and advance its cursor to window_end before fetching the next."""
        with self._session() as session:
            lister = lambda s, e: self._order_window(session, s, e, calls)  # noqa: E731
            for s, e in self.windows(start, end):
                yield s, e, stable_window(lister, s, e)

    def fetch_after_sales(self, start: datetime, end: datetime, calls: CallLog) -> list[dict]:
        """Refund / after-sales tickets modified in [start, end) (plus the overlap), exactly as received."""
        with self._session() as session:
            lister = lambda s, e: self._after_sales_window(session, s, e, calls)  # noqa: E731
            return [r for s, e in self.windows(start, end) for r in stable_window(lister, s, e)]

    def list_stock(self, calls: CallLog) -> list[dict]:
        """Stock currently listed on the platform: one {"channel_sku", "quantity"} per SKU (merchant code)."""
        with self._session() as session:
            rows = self._listed(session, calls)
        # Paging may read a listing twice; a SKU's last reading wins.
        return [{"channel_sku": k, "quantity": v["quantity"]} for k, v in self._remember(rows).items() if k]

    def push_stock(self, items: list[dict], calls: CallLog) -> list[dict]:
        """Set listed stock (full overwrite) per {"channel_sku", "quantity"}; one failure never stops the rest
        (an authorization failure stops them all: each then fails fast, and the next run pushes them)."""
        results = []
        with self._session() as session:
            for item in items:
                sku, qty = str(item["channel_sku"]), int(item["quantity"])
                try:
                    self._push_one(session, sku, qty, calls)
                    results.append({"channel_sku": sku, "quantity": qty, "ok": True, "error": None})
                except ApiError as exc:
                    results.append({"channel_sku": sku, "quantity": qty, "ok": False, "error": str(exc)})
        return results

    def confirm_shipment(self, channel_order_id: str, tracking_no: str, carrier: str, calls: CallLog) -> None:
        """Tell the platform the order shipped with this waybill; raises ApiError if it refuses."""
        with self._session() as session:
            self._confirm(session, channel_order_id, tracking_no, carrier, calls)

    def probe(self, calls: CallLog) -> int:
        """One small authorized call (orders of a one-minute window): raises ApiError (AuthorizationError when
        the token is refused) if the shop cannot be read; else the number of orders seen."""
        now = datetime.now(UTC)
        with self._session() as session:
            return len(
                self._order_window(session, now - timedelta(minutes=3), now - timedelta(minutes=2), calls).records
            )

    # ---- per platform ----------------------------------------------------------------------------
    def _order_window(self, session: requests.Session, start: datetime, end: datetime, calls: CallLog) -> Listing:
        """One back-to-front pass over the orders modified in [start, end) (a window within max_window)."""
        raise NotImplementedError

    def _after_sales_window(self, session: requests.Session, start: datetime, end: datetime, calls: CallLog) -> Listing:
        raise NotImplementedError

    def _listed(self, session: requests.Session, calls: CallLog) -> list[dict]:
        """Every listing: {"channel_sku", "quantity", "ids": {platform ids a stock push needs}}."""
        raise NotImplementedError

    def _push_one(self, session: requests.Session, channel_sku: str, quantity: int, calls: CallLog) -> None:
        raise NotImplementedError

    def _confirm(
        self, session: requests.Session, order_id: str, tracking_no: str, carrier: str, calls: CallLog
    ) -> None:
        raise NotImplementedError

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

    # ---- listings --------------------------------------------------------------------------------
    def _remember(self, rows: list[dict]) -> dict[str, dict]:
        self._listing_read = True
        by_code = {str(r["channel_sku"]): r for r in rows}
        self._listing_ids.update({code: r.get("ids", {}) for code, r in by_code.items()})
        return by_code

    def _company(self, session: requests.Session, carrier: str, calls: CallLog, endpoint: str) -> dict:
        """The platform's logistics company for OrderHub's carrier code (the platform's list, read once)."""
        if self._companies is None:
            self._companies = self._logistics_companies(session, calls)
        company = match_company(carrier, self._companies, *self.company_keys)
        if company is None:
            raise ApiError(self.channel, endpoint, f"carrier {carrier!r} is not in the platform's logistics companies")
        return company

    def _logistics_companies(self, session: requests.Session, calls: CallLog) -> list[dict]:
        raise NotImplementedError

    def _ids_for(self, session: requests.Session, channel_sku: str, calls: CallLog, endpoint: str) -> dict:
        """The platform ids of the listing with this merchant code (read once per client, then cached)."""
        if channel_sku not in self._listing_ids and not self._listing_read:  # read once, even for unknown codes
            self._remember(self._listed(session, calls))
        ids = self._listing_ids.get(channel_sku)
        if ids is None:
            raise ApiError(self.channel, endpoint, f"no listing with merchant code {channel_sku!r} on the platform")
        return ids

    # ---- shared plumbing -------------------------------------------------------------------------
    @contextmanager
    def _session(self) -> Iterator[requests.Session]:
        session = self._session_factory() if self._session_factory else requests.Session()
        try:
            yield session
        finally:
            session.close()

    def _page_all(self, fetch: Callable[[int], Page], key: str) -> Listing:
        """Back-to-front paging; `key` is the record's id field (a dotted path for nested records)."""
        return back_to_front(fetch, self.effective_page_size, self.first_page, identity=lambda r: dig(r, key))


def dig(record: Any, path: str) -> Any:
    for part in path.split("."):
        record = record.get(part) if isinstance(record, dict) else None
    return record


def _mark_last_failed(calls: CallLog, endpoint: str, error: str) -> None:
    # The HTTP layer logged a 200 as ok; the body was useless, so ops.api_calls should say so.
    for record in reversed(calls.records):
        if record.endpoint == endpoint:
            record.ok, record.error = False, error
            return
