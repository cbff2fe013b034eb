"""SF-style electronic waybills: idempotent creation and status lookup (header `X-Api-Key`)."""

from __future__ import annotations

import hashlib

from simulator.server import Request, Response, ok
from simulator.timeutil import DAY, iso


class Logistics:
    def __init__(self, sim):
        self.sim = sim
        self.by_key: dict[str, dict] = {}
        self.by_no: dict[str, dict] = {}

    def create(self, body) -> Response:
        if not isinstance(body, dict) or not body.get("order_id") or not body.get("idempotency_key"):
            return ok({"error": "invalid_request", "detail": "order_id and idempotency_key are required"}, 400)
        key = str(body["idempotency_key"])
        if key in self.by_key:
            wb = self.by_key[key]
            return ok(
                {
                    "waybill_no": wb["waybill_no"],
                    "carrier": "SF",
                    "created_at": iso(wb["created_at"]),
                    "duplicate": True,
                }
            )
        digest = int(hashlib.sha256(f"{self.sim.world.seed}:{key}".encode()).hexdigest()[:15], 16)
        no = f"SF{digest % 10**13:013d}"
        now = self.sim.world.now()
        wb = {
            "waybill_no": no,
            "order_id": str(body["order_id"]),
            "created_at": now,
            "receiver_province": body.get("receiver_province"),
            "receiver_city": body.get("receiver_city"),
        }
        self.by_key[key], self.by_no[no] = wb, wb
        self.sim.counters["waybills_created"] += 1
        return ok({"waybill_no": no, "carrier": "SF", "created_at": iso(now)})

    def get(self, no: str) -> Response:
        wb = self.by_no.get(no)
        if wb is None:
            return ok({"error": "waybill_not_found", "waybill_no": no}, 404)
        age = self.sim.world.now() - wb["created_at"]
        status = "created" if age < 3600 else "in_transit" if age < 2 * DAY else "delivered"
        return ok({"waybill_no": no, "order_id": wb["order_id"], "status": status, "created_at": iso(wb["created_at"])})


def handle(sim, req: Request) -> Response:
    if req.headers.get("x-api-key") != sim.api_keys["logistics"]:
        return ok({"error": "unauthorized"}, 401)
    if req.path == "/logistics/waybills" and req.method == "POST":
        with sim.world.lock:
            return sim.logistics.create(req.json)
    if req.path.startswith("/logistics/waybills/") and req.method == "GET":
        return sim.logistics.get(req.path.rsplit("/", 1)[1])
    return ok({"error": "not_found"}, 404)
