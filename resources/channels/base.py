"""Base of every channel API client: windows, paging, retries, call logging and error bodies.

Each platform subclass only knows its own signing, parameter names and response shapes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, ClassVar, Self

import dagster as dg
import requests
from pydantic import Field, PrivateAttr

from orderhub import http
from orderhub.calllog import CallLog
from orderhub.http import ApiError
from orderhub.sources.paging import Listing, Page, back_to_front, stable_window
from orderhub.sources.timefmt import split_windows
from resources.env import simulator_url

__all__ = ["ApiError", "ChannelApi", "Listing", "Page"]

# An undecodable 200 body (truncated/garbled by a proxy) is re-requested this many extra times.
MALFORMED_BODY_RETRIES = 2


class ChannelApi(dg.ConfigurableResource):
    """A marketplace's open API for one shop: orders, after-sales, listed stock, stock push, shipment confirm."""

    channel: str = Field(description="OrderHub channel code: taobao | douyin | pdd | jd")
    shop_id: str = Field(description="OrderHub's id of the shop these credentials belong to")
    base_url: str = Field(
        default="",
        description="API root, e.g. https://eco.taobao.com; empty = the "
        "simulator's /<channel>, resolved when a call is made",
    )
    app_key: str = Field(description="App key (PDD: client_id)")
    app_secret: str = Field(description="App secret used for signing; pass as EnvVar")
    timeout_s: float = Field(default=10, gt=0, description="Per-attempt HTTP timeout in seconds")
    page_size: int = Field(default=100, ge=1, le=100, description="Records per page (platform maximum 100)")
    overlap_s: int = Field(
        default=120,
        ge=0,
        description="Each fetch starts this much before the requested start, catching updates that became visible late",
    )

    max_window: ClassVar[timedelta] = timedelta(days=1)
    first_page: ClassVar[int] = 1
    order_key: ClassVar[str] = "id"  # field identifying an order record (to spot orders that moved)
    after_sale_key: ClassVar[str] = "id"  # same for after-sales records
    # what this platform connector implements: "orders", "after_sales", "stock" (list/push), "shipment"
    capabilities: ClassVar[frozenset[str]] = frozenset({"orders", "after_sales", "stock", "shipment"})

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
        """Stock currently listed on the platform: one {"channel_sku", "quantity"} per SKU."""
        with self._session() as session:
            fetch = lambda p: self._stock_page(session, p, calls)  # noqa: E731
            rows = back_to_front(fetch, self.page_size, self.first_page).records
        # Paging may read a page twice; a SKU's last reading (page 1 is read last) wins.
        return list({row["channel_sku"]: row for row in rows}.values())

    def push_stock(self, items: list[dict], calls: CallLog) -> list[dict]:
        """Set listed stock (full overwrite) per {"channel_sku", "quantity"}; one failure never stops the rest."""
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

    # ---- per platform ----------------------------------------------------------------------------
    def _order_window(self, session: requests.Session, start: datetime, end: datetime, calls: CallLog) -> Listing:
        """One back-to-front pass over the orders modified in [start, end) (a window within max_window)."""
        raise NotImplementedError

    def _after_sales_window(self, session: requests.Session, start: datetime, end: datetime, calls: CallLog) -> Listing:
        raise NotImplementedError

    def _stock_page(self, session: requests.Session, page_no: int, calls: CallLog) -> Page:
        """One page of listed stock, records already as {"channel_sku": str, "quantity": int}."""
        raise NotImplementedError

    def _push_one(self, session: requests.Session, channel_sku: str, quantity: int, calls: CallLog) -> None:
        raise NotImplementedError

    def _confirm(
        self, session: requests.Session, order_id: str, tracking_no: str, carrier: str, calls: CallLog
    ) -> None:
        raise NotImplementedError

    # ---- shared plumbing -------------------------------------------------------------------------
    @contextmanager
    def _session(self) -> Iterator[requests.Session]:
        session = self._session_factory() if self._session_factory else requests.Session()
        try:
            yield session
        finally:
            session.close()

    def _page_all(self, fetch: Callable[[int], Page], key: str) -> Listing:
        return back_to_front(fetch, self.page_size, self.first_page, identity=lambda r: r.get(key))

    def _post_json(self, session: requests.Session, url: str, endpoint: str, calls: CallLog, **kwargs: Any) -> Any:
        """POST via the shared retry policy and decode the JSON body. Non-retryable HTTP errors and bodies
        that are still undecodable after a couple of re-requests raise ApiError."""
        for _attempt in range(MALFORMED_BODY_RETRIES + 1):
            resp = http.request(
                session,
                "POST",
                url,
                channel=self.channel,
                endpoint=endpoint,
                calls=calls,
                timeout=self.timeout_s,
                sleep=self._sleep or time.sleep,
                **kwargs,
            )
            if resp.status_code >= 400:
                raise ApiError(self.channel, endpoint, f"HTTP {resp.status_code}: {resp.text[:300]}", resp.status_code)
            try:
                return resp.json()
            except (ValueError, json.JSONDecodeError):
                _mark_last_failed(calls, endpoint, f"undecodable body: {resp.text[:200]!r}")
        tries = MALFORMED_BODY_RETRIES + 1
        raise ApiError(self.channel, endpoint, f"undecodable response body after {tries} tries", 200)


def _mark_last_failed(calls: CallLog, endpoint: str, error: str) -> None:
    # The HTTP layer logged a 200 as ok; the body was useless, so ops.api_calls should say so.
    for record in reversed(calls.records):
        if record.endpoint == endpoint:
            record.ok, record.error = False, error
            return
