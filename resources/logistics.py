"""Logistics (SF-style) electronic waybill API.

Environment (optional; unset = the local simulator): ``ORDERHUB_LOGISTICS_URL`` (default the simulator
root), ``ORDERHUB_LOGISTICS_API_KEY`` (default ``sim-lg-key``).
"""

from __future__ import annotations

from typing import ClassVar

from orderhub.calllog import CallLog
from resources.wms import ApiKeyClient


class LogisticsApi(ApiKeyClient):
    """Issues e-waybills. The idempotency key makes a retried or repeated request return the same waybill."""

    call_channel: ClassVar[str] = "logistics"
    sender_name: str = "OrderHub seller"

    def create_waybill(
        self,
        *,
        order_id: str,
        idempotency_key: str,
        receiver_province: str | None,
        receiver_city: str | None,
        parcel_weight_g: int,
        warehouse_id: str,
        calls: CallLog,
    ) -> dict:
        """{"waybill_no", "carrier", "created_at"} for this order."""
        payload = {
            "order_id": order_id,
            "idempotency_key": idempotency_key,
            "sender": {"name": self.sender_name, "warehouse_id": warehouse_id},
            "receiver_province": receiver_province,
            "receiver_city": receiver_city,
            "parcel_weight_g": parcel_weight_g,
        }
        _, body = self.call("POST", "/logistics/waybills", "logistics/waybills", calls, json=payload)
        return body
