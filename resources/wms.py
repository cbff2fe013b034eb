"""Warehouse management system (WMS) API: stock, shipment tasks, pick/pack/ship events.

Settings (bound in resources/bindings.py): ``ORDERHUB_WMS_URL`` (default: the simulator's root, read when a
call is made), ``ORDERHUB_WMS_API_KEY`` (default the simulator's ``sim-wms-key``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, ClassVar

import dagster as dg
import requests
from pydantic import Field, PrivateAttr

from orderhub import http
from orderhub.calllog import CallLog
from orderhub.http import ApiError
from resources.env import simulator_url


class ApiKeyClient(dg.ConfigurableResource):
    """JSON-over-HTTP client authenticated with an ``X-Api-Key`` header, using OrderHub's retry policy."""

    base_url: str = Field(default="", description="Service root; empty = the simulator's root")
    api_key: str = ""
    timeout_s: float = 10

    _sleep: Callable[[float], None] | None = PrivateAttr(default=None)
    call_channel: ClassVar[str] = "wms"  # ops.api_calls.channel

    @property
    def root(self) -> str:
        return (self.base_url or simulator_url()).rstrip("/")

    def with_sleep(self, sleep: Callable[[float], None]) -> ApiKeyClient:
        """A copy whose retry waits use `sleep` (tests pass a no-op)."""
        clone = self.model_copy()
        clone._sleep = sleep
        return clone

    def call(
        self, method: str, path: str, endpoint: str, calls: CallLog, *, ok_statuses: tuple[int, ...] = (), **kwargs: Any
    ) -> tuple[int, Any]:
        """One logical request (retried on 5xx/429/timeouts). Returns (status, decoded body); raises ApiError
        on any other 4xx unless listed in ok_statuses, and on undecodable bodies."""
        headers = {"X-Api-Key": self.api_key} if self.api_key else {}
        with requests.Session() as session:
            resp = http.request(
                session,
                method,
                self.root + path,
                channel=self.call_channel,
                endpoint=endpoint,
                calls=calls,
                timeout=self.timeout_s,
                sleep=self._sleep or time.sleep,
                headers=headers,
                **kwargs,
            )
        if resp.status_code >= 400 and resp.status_code not in ok_statuses:
            raise ApiError(self.call_channel, endpoint, f"HTTP {resp.status_code}: {resp.text[:300]}", resp.status_code)
        try:
            return resp.status_code, resp.json()
        except (ValueError, json.JSONDecodeError) as exc:
            raise ApiError(
                self.call_channel, endpoint, f"undecodable body: {resp.text[:200]!r}", resp.status_code
            ) from exc


class WmsApi(ApiKeyClient):
    """The seller's WMS: per-warehouse stock, shipment tasks (idempotent) and operator events."""

    call_channel: ClassVar[str] = "wms"
    page_size: int = 500

    def list_stock(self, calls: CallLog) -> list[dict]:
        """Every (warehouse_id, sku_id, on_hand, locked, updated_at) row, all pages."""
        items: list[dict] = []
        page = 1
        while True:
            _, body = self.call(
                "GET", "/wms/stock", "wms/stock", calls, params={"page": page, "page_size": self.page_size}
            )
            batch = body.get("items") or []
            items.extend(batch)
            if not batch or len(items) >= int(body.get("total", 0)):
                return items
            page += 1

    def create_shipment(self, payload: dict, calls: CallLog) -> dict:
        """Send one shipment task. Same idempotency_key -> same task. A 409 (insufficient stock) is returned
        as {"error": "insufficient_stock"} rather than raised, because it is a business answer."""
        status, body = self.call("POST", "/wms/shipments", "wms/shipments", calls, ok_statuses=(409,), json=payload)
        if status == 409:
            return {"error": body.get("error", "conflict") if isinstance(body, dict) else "conflict"}
        return body

    def fetch_receipts(self, after: int, limit: int, calls: CallLog) -> tuple[list[dict], int]:
        """Goods receipts with receipt_id > after (at most `limit`) and the cursor to continue from."""
        _, body = self.call("GET", "/wms/receipts", "wms/receipts", calls, params={"after": after, "limit": limit})
        got = body.get("receipts") or []
        return got, int(body.get("next_after") or max((int(r["receipt_id"]) for r in got), default=after))

    def fetch_events(self, after: int, limit: int, calls: CallLog) -> tuple[list[dict], int]:
        """Events with event_id > after (at most `limit`) and the cursor to continue from."""
        _, body = self.call("GET", "/wms/events", "wms/events", calls, params={"after": after, "limit": limit})
        events = body.get("events") or []
        next_after = body.get("next_after")
        if next_after is None:
            next_after = max((int(e["event_id"]) for e in events), default=after)
        return events, int(next_after)
