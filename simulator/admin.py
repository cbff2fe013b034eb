"""Admin endpoints for tests and the demo: health, clock, faults, ground truth, channel stock, tokens, stats."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from simulator import lifecycle as lc
from simulator.channels import common as c
from simulator.server import Request, Response, ok
from simulator.timeutil import iso
from simulator.world import SRC_CHANNEL, SRC_SHOP

STEP = lc.STEP_NAME
RF_NAME = np.array(["none", "pending", "refunded", "closed"])


def _iso_many(ts: np.ndarray) -> np.ndarray:
    return np.char.add(np.datetime_as_string(ts.astype(np.int64).astype("datetime64[s]"), unit="s"), "Z")


def truth_frame(sim, channel: str, shop: str | None = None) -> pd.DataFrame:
    """Every order of `channel` (optionally one shop) visible now, as the platform would show it."""
    w = sim.world
    frames = []
    with w.lock:
        now = w.now()
        st = w.state(now)
        for src, ch in SRC_CHANNEL.items():
            if ch != channel or (shop and SRC_SHOP[src] != shop):
                continue
            rows = w.channel_rows(src)
            s = st.iloc[rows]
            vis = s["visible"].to_numpy()
            if src in ("pdd", "jd"):  # PDD and JD never list unpaid orders
                vis = vis & (s["step"].to_numpy() != lc.WAIT_PAY) & ~np.isnan(w.orders["paid"].to_numpy()[rows])
            rows, s = rows[vis], s[vis]
            o = w.orders.iloc[rows]
            ids = c.channel_ids(src, o["key"].to_numpy(), o["created"].to_numpy())
            step = s["step"].to_numpy()
            frames.append(
                pd.DataFrame(
                    {
                        "channel": ch,
                        "shop_id": SRC_SHOP[src],
                        "channel_order_id": ids,
                        "order_id": [f"{ch}:{i}" for i in ids],
                        "status": lc.HUB_STATUS[step],
                        "lifecycle": STEP[step],
                        "refund": RF_NAME[s["rf_step"].to_numpy()],
                        "created_at": _iso_many(o["created"].to_numpy()),
                        "modified_at": _iso_many(s["modified"].to_numpy()),
                        "total_fen": o["total_fen"].to_numpy(),
                        "discount_fen": o["discount_fen"].to_numpy(),
                        "freight_fen": o["post_fen"].to_numpy(),
                        "pay_fen": o["pay_fen"].to_numpy(),
                        "n_lines": o["n_lines"].to_numpy().astype(int),
                    }
                )
            )
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True).sort_values(
        ["modified_at", "channel_order_id"], ascending=[False, True]
    )


def truth(sim, channel: str, shop: str | None = None) -> list[dict]:
    return json.loads(truth_frame(sim, channel, shop).to_json(orient="records", force_ascii=False) or "[]")


def handle(sim, req: Request) -> Response:
    path, p = req.path, req.params
    w = sim.world
    if path == "/admin/health":
        return ok({"ok": True, "now": iso(w.now()), "seed": w.seed, "days": w.days})
    if path == "/admin/clock":
        if req.method == "POST":
            body = req.json if isinstance(req.json, dict) else p
            try:
                seconds = float(body.get("advance_seconds", 0))
            except (TypeError, ValueError):
                return ok({"error": "invalid_request", "detail": "advance_seconds must be a number"}, 400)
            if seconds < 0:
                return ok({"error": "invalid_request", "detail": "the clock only moves forward"}, 400)
            sim.advance(seconds)
        now = w.now()
        return ok(
            {
                "now": iso(now),
                "epoch": int(now),
                "start_now": iso(w.start_now),
                "live": w.clock.live,
                "speed": w.clock.speed,
                "golive_at": iso(w.golive),
            }
        )
    if path == "/admin/faults/ban" and req.method == "POST":  # {"channel", "seconds"}: throttled meanwhile
        body = req.json if isinstance(req.json, dict) else dict(p)
        try:
            sim.faults.ban(str(body["channel"]), float(body["seconds"]))
        except (KeyError, TypeError, ValueError) as exc:
            return ok({"error": "invalid_request", "detail": str(exc)}, 400)
        return ok({"banned": body["channel"], "seconds": float(body["seconds"])})
    if path == "/admin/faults":
        if req.method == "POST":
            try:
                sim.faults.update(req.json if isinstance(req.json, dict) else dict(p))
            except (ValueError, TypeError) as exc:
                return ok({"error": "invalid_request", "detail": str(exc)}, 400)
        return ok(sim.faults.cfg)
    if path == "/admin/truth/orders":
        channel = p.get("channel", "")
        if channel not in set(SRC_CHANNEL.values()):
            return ok(
                {"error": "invalid_request", "detail": f"channel must be one of {sorted(set(SRC_CHANNEL.values()))}"},
                400,
            )
        df = truth_frame(sim, channel, p.get("shop"))
        head = json.dumps({"channel": channel, "now": iso(w.now()), "count": len(df)}, ensure_ascii=False)[:-1]
        rows = df.to_json(orient="records", force_ascii=False) if len(df) else "[]"
        return Response(200, f'{head}, "orders": {rows}}}'.encode())
    if path == "/admin/channel_stock":
        try:
            items = sim.stock.listed(p.get("channel", ""))
        except KeyError as exc:
            return ok({"error": "invalid_request", "detail": str(exc)}, 400)
        return ok(
            {
                "channel": p.get("channel"),
                "items": [
                    {"channel_sku": i["sku"], "quantity": i["qty"], "modified_at": iso(i["modified"])} for i in items
                ],
            }
        )
    if path == "/admin/tokens":  # authorization state for tests: expire / revoke / restore / issue / code
        if req.method == "POST":
            try:
                return ok(sim.tokens.admin(req.json if isinstance(req.json, dict) else dict(p)))
            except ValueError as exc:
                return ok({"error": "invalid_request", "detail": str(exc)}, 400)
        return ok({"strict": sim.strict, "tokens": sim.tokens.summary()})
    if path == "/admin/stats":
        return ok(
            {
                "requests": dict(sim.stats),
                "faults_injected": dict(sim.faults.injected),
                "waybills_created": sim.counters.get("waybills_created", 0),
                "shipments_received": sim.counters.get("shipments_received", 0),
                "stock_updates": {k[14:]: v for k, v in sim.counters.items() if k.startswith("stock_updates_")},
                "erp_rows_written": sim.erp.rows_written,
                "orders_generated": len(w.orders),
                "now": iso(w.now()),
            }
        )
    return ok({"error": "not_found", "path": path}, 404)
