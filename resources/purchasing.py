"""The supply-chain intake: `POST /erp/purchase_suggestions` (simulator contract, simulator/API.md).

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
