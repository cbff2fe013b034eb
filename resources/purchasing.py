"""The ERP's purchasing module: `POST /erp/purchase_suggestions` (the intake of OrderHub's suggestions) and
`GET /erp/purchase_orders` (every purchase order, OrderHub's and those raised in the ERP; simulator/API.md).

Settings (bound in resources/bindings.py): ORDERHUB_PURCHASING_URL, root of the purchasing intake (default:
the simulator's root, read when the call is made); ORDERHUB_PURCHASING_API_KEY, `X-Api-Key` (default the
simulator's `sim-wms-key`).
"""

from __future__ import annotations

import dagster as dg
import requests
from pydantic import Field

from forecasts.delivery import PostResult
from orderhub.calllog import CallLog
from orderhub.http import ApiError, request
from resources.env import simulator_url

ENDPOINT = "/erp/purchase_suggestions"
ORDERS_ENDPOINT = "/erp/purchase_orders"


class PurchasingApi(dg.ConfigurableResource):
    """Posts purchase suggestions to the ERP/supply-chain endpoint. Never raises: failures are results."""

    base_url: str = Field(default="", description="Intake root; empty = the simulator's root")
    api_key: str = "sim-wms-key"
    timeout_seconds: float = 10.0
    retries: int = 3

    def post_suggestions(
        self, suggestion_date: str, lines: list[dict], calls: CallLog, session: requests.Session | None = None
    ) -> PostResult:
        body = {"suggestion_date": suggestion_date, "lines": lines}
        try:
            resp = request(
                session or requests.Session(),
                "POST",
                (self.base_url or simulator_url()).rstrip("/") + ENDPOINT,
                channel="purchasing",
                endpoint=ENDPOINT,
                calls=calls,
                retries=self.retries,
                timeout=self.timeout_seconds,
                json=body,
                headers={"X-Api-Key": self.api_key},
            )
        except ApiError as exc:
            return PostResult(False, error=str(exc)[:500])
        except requests.RequestException as exc:  # e.g. an invalid URL: still never break the asset
            return PostResult(False, error=f"{type(exc).__name__}: {exc}"[:500])
        if resp.status_code >= 400:
            return PostResult(False, error=f"HTTP {resp.status_code}: {resp.text[:300]}")
        try:
            data = resp.json()
            return PostResult(True, str(data["batch_id"]), int(data.get("accepted", len(lines))))
        except (ValueError, KeyError, TypeError) as exc:
            return PostResult(False, error=f"unexpected response: {exc}; body {resp.text[:200]}")

    def list_purchase_orders(self, calls: CallLog, page_size: int = 500, max_pages: int = 1000) -> list[dict]:
        """Every purchase order the ERP lists, all pages. Raises ApiError: planning on a half-read list of
        what is on order would buy twice."""
        items: list[dict] = []
        with requests.Session() as session:
            for page in range(1, max_pages + 1):
                resp = request(
                    session,
                    "GET",
                    (self.base_url or simulator_url()).rstrip("/") + ORDERS_ENDPOINT,
                    channel="purchasing",
                    endpoint=ORDERS_ENDPOINT,
                    calls=calls,
                    retries=self.retries,
                    timeout=self.timeout_seconds,
                    params={"page": page, "page_size": page_size},
                    headers={"X-Api-Key": self.api_key},
                )
                if resp.status_code >= 400:
                    raise ApiError("purchasing", ORDERS_ENDPOINT, f"HTTP {resp.status_code}: {resp.text[:300]}")
                try:
                    body = resp.json()
                    batch, total = list(body.get("items") or []), int(body.get("total", 0))
                except (ValueError, TypeError, AttributeError) as exc:
                    raise ApiError("purchasing", ORDERS_ENDPOINT, f"unexpected response: {resp.text[:200]!r}") from exc
                items.extend(batch)
                if not batch or len(items) >= total:
                    return items
        raise ApiError("purchasing", ORDERS_ENDPOINT, f"more than {max_pages} pages of {page_size}: listing cut")
