"""Warehouse management system: stock per (warehouse, SKU), shipment task intake, pick/pack/ship events.

Stock is a pure function of virtual now: opening stock + periodic replenishments − units the world has
shipped. Replenishment for ~10% of SKUs lags demand, so those run out (stock-outs to find).
"""

from __future__ import annotations

import hashlib

import numpy as np

from simulator import purchasing
from simulator.catalog import N_SKUS, WAREHOUSES
from simulator.hashing import unit
from simulator.server import Request, Response, ok
from simulator.timeutil import DAY, iso
from simulator.wms_events import Events


def authorized(sim, req: Request, which: str = "wms") -> bool:
    return req.headers.get("x-api-key") == sim.api_keys[which]


class Wms:
    def __init__(self, sim):
        self.sim = sim
        w = sim.world
        self.events = Events(sim)
        self.tasks: dict[str, dict] = {}
        self.purchase_batches: list[dict] = []
        n = len(WAREHOUSES) * N_SKUS
        hist = w.orders["created"].to_numpy()[w.line_owner] < w.start_now
        idx = w.order_wh[w.line_owner] * N_SKUS + w.lines["sku"].to_numpy()
        rate = np.bincount(idx[hist], weights=w.lines["qty"].to_numpy()[hist], minlength=n) / max(w.days, 1)
        ids = np.arange(n, dtype=np.uint64) + np.uint64(w.seed * 7919)
        self.t0 = w.start_now - w.days * DAY
        self.opening = np.where(rate > 0, rate * (20 + 25 * unit(ids, 61)), 20 + 40 * unit(ids, 62)).round()
        self.cycle = (10 + 15 * unit(ids, 63)) * DAY
        self.phase = unit(ids, 64) * self.cycle
        lagging = unit(np.arange(N_SKUS, dtype=np.uint64) + np.uint64(w.seed), 65) < 0.10  # per SKU, all warehouses
        factor = np.where(np.tile(lagging, len(WAREHOUSES)), 0.3 + 0.3 * unit(ids, 66), 0.8 + 0.5 * unit(ids, 67))
        self.batch = (rate * self.cycle / DAY * factor).round()
        self.locked_base = np.where(unit(ids, 68) < 0.3, 1 + (unit(ids, 69) * 5).astype(int), 0)
        self._cache: tuple[tuple, dict] | None = None

    def levels(self, now: float | None = None) -> dict[str, np.ndarray]:
        """on_hand, locked, updated_at arrays indexed by wh * N_SKUS + sku."""
        w = self.sim.world
        with w.lock:
            now = w.now() if now is None else now
            key = (now, len(w.orders), len(self.purchase_batches))
            if self._cache and self._cache[0] == key:
                return self._cache[1]
            o, ls = w.orders, w.lines
            late = o["late_s"].to_numpy()
            s1, sf = o["ship1"].to_numpy() + late <= now, o["shipped"].to_numpy() + late <= now
            own = w.line_owner
            shipped = sf[own] | (s1[own] & ls["part1"].to_numpy())
            idx = (w.order_wh[own] * N_SKUS + ls["sku"].to_numpy())[shipped]
            out = np.bincount(idx, weights=ls["qty"].to_numpy()[shipped], minlength=len(self.opening))
            reps = np.floor(np.maximum(0.0, now - self.t0 - self.phase) / self.cycle) + (now >= self.t0 + self.phase)
            bought = purchasing.orderhub_received(self, now) if self.purchase_batches else 0.0
            on_hand = np.maximum(0, self.opening + reps * self.batch + bought - out).astype(np.int64)
            last_ship = np.full(len(self.opening), self.t0)
            ship_t = np.where(sf[own], o["shipped"].to_numpy()[own], o["ship1"].to_numpy()[own])[shipped]
            np.maximum.at(last_ship, idx, ship_t)
            last_rep = self.t0 + self.phase + np.maximum(reps - 1, 0) * self.cycle
            res = {
                "on_hand": on_hand,
                "locked": np.minimum(self.locked_base, on_hand),
                "updated_at": np.maximum(last_ship, np.where(reps > 0, last_rep, self.t0)),
            }
            self._cache = (key, res)
            return res

    def ship(self, body: dict) -> Response:
        need = ("idempotency_key", "order_id", "warehouse_id", "lines")
        if not isinstance(body, dict) or any(k not in body for k in need) or not body["lines"]:
            return ok({"error": "invalid_request", "detail": f"required: {', '.join(need)} (non-empty lines)"}, 400)
        key = str(body["idempotency_key"])
        if key in self.tasks:
            return ok({**self.tasks[key]["reply"], "duplicate": True})
        if body["warehouse_id"] not in WAREHOUSES:
            return ok({"error": "unknown_warehouse", "warehouse_id": body["warehouse_id"]}, 400)
        wh = WAREHOUSES.index(body["warehouse_id"])
        lv = self.levels()
        short = []
        for line in body["lines"]:
            try:
                sku = int(str(line["sku_id"]).split("-")[1]) - 1
                qty = int(line["quantity"])
            except (KeyError, ValueError, IndexError, TypeError):
                return ok({"error": "invalid_request", "detail": f"bad line {line!r}"}, 400)
            if not 0 <= sku < N_SKUS:
                return ok({"error": "unknown_sku", "sku_id": line["sku_id"]}, 400)
            i = wh * N_SKUS + sku
            if qty > lv["on_hand"][i] - lv["locked"][i]:
                short.append(
                    {"sku_id": line["sku_id"], "requested": qty, "available": int(lv["on_hand"][i] - lv["locked"][i])}
                )
        if short:
            return ok({"error": "insufficient_stock", "lines": short}, 409)
        now = self.sim.world.now()
        task_id = "WT" + hashlib.md5(key.encode()).hexdigest()[:12].upper()
        reply = {"task_id": task_id, "status": "accepted", "created_at": iso(now)}
        self.tasks[key] = {"reply": reply, "body": body}
        self.events.add_task(task_id, str(body["order_id"]), body["warehouse_id"], now)
        self.sim.counters["shipments_received"] += 1
        return ok(reply)


def handle(sim, req: Request) -> Response:
    if not authorized(sim, req):
        return ok({"error": "unauthorized"}, 401)
    w = sim.wms
    if req.path == "/wms/stock":
        page, size = int(req.params.get("page", 1)), min(int(req.params.get("page_size", 100)), 1000)
        lv = w.levels()
        sl = slice((page - 1) * size, page * size)
        items = [
            {
                "warehouse_id": WAREHOUSES[i // N_SKUS],
                "sku_id": f"SKU-{i % N_SKUS + 1:05d}",
                "on_hand": int(lv["on_hand"][i]),
                "locked": int(lv["locked"][i]),
                "updated_at": iso(lv["updated_at"][i]),
            }
            for i in range(len(lv["on_hand"]))[sl]
        ]
        return ok({"items": items, "page": page, "total": len(lv["on_hand"])})
    if req.path == "/wms/shipments" and req.method == "POST":
        with sim.world.lock:
            return w.ship(req.json)
    if req.path == "/wms/receipts":
        after, limit = int(req.params.get("after", 0)), min(int(req.params.get("limit", 500)), 5000)
        with sim.world.lock:
            got = purchasing.receipts(w, sim.world.now(), after, limit)
        return ok({"receipts": got, "next_after": got[-1]["receipt_id"] if got else after})
    if req.path == "/wms/events":
        after, limit = int(req.params.get("after", 0)), min(int(req.params.get("limit", 500)), 5000)
        events = w.events.after(after, limit)
        return ok({"events": events, "next_after": events[-1]["event_id"] if events else after})
    return ok({"error": "not_found"}, 404)


def handle_purchase(sim, req: Request) -> Response:
    if not authorized(sim, req):
        return ok({"error": "unauthorized"}, 401)
    if req.path == "/erp/purchase_orders":
        page, size = int(req.params.get("page", 1)), min(int(req.params.get("page_size", 500)), 5000)
        with sim.world.lock:
            items = purchasing.purchase_order_items(sim.wms, sim.world.now())
        return ok({"items": items[(page - 1) * size : page * size], "page": page, "total": len(items)})
    if req.path != "/erp/purchase_suggestions":
        return ok({"error": "not_found"}, 404)
    if req.method == "GET":
        return ok({"batches": sim.wms.purchase_batches})
    body = req.json
    if not isinstance(body, dict) or not isinstance(body.get("lines"), list) or "suggestion_date" not in body:
        return ok({"error": "invalid_request", "detail": "required: suggestion_date, lines[]"}, 400)
    bad = [ln for ln in body["lines"] if not isinstance(ln, dict) or not {"sku_id", "quantity"} <= set(ln)]
    if bad:
        return ok({"error": "invalid_request", "detail": f"{len(bad)} lines without sku_id/quantity"}, 400)
    batch_id = "PS-" + hashlib.md5(repr((body["suggestion_date"], body["lines"])).encode()).hexdigest()[:10].upper()
    sim.wms.purchase_batches.append({"batch_id": batch_id, "received_at": iso(sim.world.now()), **body})
    return ok({"accepted": len(body["lines"]), "batch_id": batch_id})
