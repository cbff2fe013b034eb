"""Base of every channel API client: windows, paging, listings, stock push and write-back.

Each platform subclass only knows its own transport and signing (`_send`), error envelope (`classify`),
response unwrapping, parameter names and response shapes. How one call is made (token, retries, the
platform's throttle and token errors) is resources/channels/calls.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Self

import requests
from pydantic import Field, PrivateAttr

from orderhub.calllog import CallLog
from orderhub.http import ApiError
from orderhub.sources.carriers import match_company
from orderhub.sources.errors import AuthorizationError
from orderhub.sources.paging import Listing, Page, back_to_front, stable_window
from orderhub.sources.timefmt import split_windows
from resources.channels.calls import PlatformCalls

__all__ = ["ApiError", "AuthorizationError", "ChannelApi", "Listing", "Page"]


class ChannelApi(PlatformCalls):
    """A marketplace's open API for one shop: orders, after-sales, listed stock, stock push, shipment confirm."""

    page_size: int = Field(default=100, ge=1, le=100, description="Records per page (capped at the platform maximum)")
    overlap_s: int = Field(
        default=120,
        ge=0,
        description="Each fetch starts this much before the requested start, catching updates that became visible late",
    )
    max_window: ClassVar[timedelta] = timedelta(days=1)
    max_page_size: ClassVar[int] = 100
    first_page: ClassVar[int] = 1
    order_key: ClassVar[str] = "id"  # field identifying an order record (to spot orders that moved)
    after_sale_key: ClassVar[str] = "id"  # same for after-sales records
    # what this platform connector implements: "orders", "after_sales", "stock" (list/push), "shipment"
    capabilities: ClassVar[frozenset[str]] = frozenset({"orders", "after_sales", "stock", "shipment"})
    company_keys: ClassVar[tuple[str, str]] = ("code", "name")  # code and name fields of a logistics company

    # merchant code -> the platform's ids of that listing (item / product / goods, SKU), for stock pushes
    _listing_ids: dict[str, dict] = PrivateAttr(default_factory=dict)
    _companies: list[dict] | None = PrivateAttr(default=None)  # the platform's logistics companies, read once
    _listing_read: bool = PrivateAttr(default=False)

    def with_transport(
        self,
        session_factory: Callable[[], requests.Session] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> Self:
        clone = super().with_transport(session_factory, sleep)
        clone._listing_ids, clone._companies, clone._listing_read = {}, None, False
        return clone

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
    def _page_all(self, fetch: Callable[[int], Page], key: str) -> Listing:
        """Back-to-front paging; `key` is the record's id field (a dotted path for nested records)."""
        return back_to_front(fetch, self.effective_page_size, self.first_page, identity=lambda r: dig(r, key))


def dig(record: Any, path: str) -> Any:
    for part in path.split("."):
        record = record.get(part) if isinstance(record, dict) else None
    return record
