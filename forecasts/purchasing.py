"""The supply-chain intake: `POST /erp/purchase_suggestions` (simulator contract, simulator/API.md).

Configured from the environment (unset = local simulator with its demo key):
- ORDERHUB_PURCHASING_URL  root of the purchasing intake, default $ORDERHUB_SIMULATOR_URL or
  http://127.0.0.1:8765;
- ORDERHUB_PURCHASING_API_KEY  `X-Api-Key`, default the simulator's `sim-wms-key`.
A set variable is passed as dg.EnvVar, so the value is resolved at run time and never shown in the UI.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import dagster as dg
import requests

from orderhub.calllog import CallLog
from orderhub.http import ApiError, request

ENDPOINT = "/erp/purchase_suggestions"


@dataclass
class PostResult:
    ok: bool
    batch_id: str | None = None
    accepted: int = 0
    error: str | None = None


class PurchasingApi(dg.ConfigurableResource):
    """Posts purchase suggestions to the ERP/supply-chain endpoint. Never raises: failures are results."""

    base_url: str = "http://127.0.0.1:8765"
    api_key: str = "sim-wms-key"
    timeout_seconds: float = 10.0
    retries: int = 3

    def post_suggestions(self, suggestion_date: str, lines: list[dict], calls: CallLog,
                         session: requests.Session | None = None) -> PostResult:
        body = {"suggestion_date": suggestion_date, "lines": lines}
        try:
            resp = request(
                session or requests.Session(), "POST", self.base_url.rstrip("/") + ENDPOINT, channel="purchasing",
                endpoint=ENDPOINT, calls=calls, retries=self.retries, timeout=self.timeout_seconds,
                json=body, headers={"X-Api-Key": self.api_key},
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


def _setting(name: str, default: str) -> str | dg.EnvVar:
    return dg.EnvVar(name) if os.environ.get(name) else default


def purchasing_resource() -> PurchasingApi:
    simulator = os.environ.get("ORDERHUB_SIMULATOR_URL", "http://127.0.0.1:8765").rstrip("/")
    return PurchasingApi(
        base_url=_setting("ORDERHUB_PURCHASING_URL", simulator),
        api_key=_setting("ORDERHUB_PURCHASING_API_KEY", "sim-wms-key"),
    )
