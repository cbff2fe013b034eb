"""Customer-service tickets raised through WeChat / e-mail forms (GET /cs/tickets).

Most tickets accompany a platform after-sale (the buyer complains before filing it); a few are plain
complaints about shipped orders; ~2% carry a mistyped order number that matches no order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.hashing import unit
from simulator.server import Request, Response, ok
from simulator.timeutil import bj_days, iso_many, parse_iso
from simulator.wms_events import hub_order_ids
from simulator.wms_model import WRONG_KEEP_AFTER, WRONG_KEEP_BEFORE

TYPES = np.array(["refund_only", "return", "wrong_item", "damaged", "wrong_address"])
TYPES_PY = TYPES.tolist()
TEXT = {
    "refund_only": "买家申请仅退款，称不想要了",
    "return": "买家要求七天无理由退货",
    "wrong_item": "收到的商品与下单不符，发错货",
    "damaged": "快递送达时外包装破损，商品损坏",
    "wrong_address": "下单后发现收货地址填错，要求修改",
}
SRC = ["tb", "dy", "pdd", "jd", "tm", "erp"]


class Tickets:
    def __init__(self, sim):
        self.sim = sim
        self._cache: tuple[int, pd.DataFrame] | None = None

    def table(self) -> pd.DataFrame:
        w = self.sim.world
        if self._cache and self._cache[0] == len(w.orders):
            return self._cache[1]
        o = w.orders
        keys = o["key"].to_numpy().astype(np.uint64)
        rf = o["rf_type"].to_numpy()
        a = np.flatnonzero(rf >= 0)
        shipped = o["shipped"].to_numpy()
        # plain complaints: damaged parcels as always; wrong items mostly vanish with OrderHub (no re-keying)
        before = np.nan_to_num(o["paid"].to_numpy(), nan=0.0) < w.golive
        wrong = unit(keys, 84) < 0.5
        keep = ~wrong | (unit(keys, 87) < np.where(before, WRONG_KEEP_BEFORE, WRONG_KEEP_AFTER))
        b = np.flatnonzero(~np.isnan(shipped) & (rf < 0) & (unit(keys, 81) < 0.005) & keep)
        created = np.r_[
            o["rf_req"].to_numpy()[a] - 1800 - 18000 * unit(keys[a], 82),
            shipped[b] + 2 * 86400 + 2 * 86400 * unit(keys[b], 83),
        ]
        resolved = np.r_[o["rf_done"].to_numpy()[a], created[len(a) :] + 86400]
        rows = np.r_[a, b]
        kind = np.r_[
            np.array([{0: 0, 1: 1, 2: 2, 3: 3, 4: 4}[int(x)] for x in rf[a]], dtype=int),
            np.where(unit(keys[b], 84) < 0.5, 2, 3),
        ]
        t = pd.DataFrame(
            {
                "row": rows,
                "kind": kind,
                "created": np.floor(created),
                "resolved": np.floor(resolved),
                "closed": np.floor(resolved + 86400),
                "suffix": np.r_[np.zeros(len(a), int), np.ones(len(b), int)],
            }
        )
        t["typo"] = unit(keys[rows] + np.uint64(7), 85) < 0.02
        t["wechat"] = unit(keys[rows], 86) < 0.65
        self._cache = (len(w.orders), t)
        return t

    def list(self, updated_after: float, limit: int) -> list[dict]:
        w = self.sim.world
        with w.lock:
            now = w.now()
            t = self.table()
            upd = np.where(t["closed"] <= now, t["closed"], np.where(t["resolved"] <= now, t["resolved"], t["created"]))
            vis = (t["created"].to_numpy() <= now) & (upd > updated_after)
            sel = t[vis].assign(updated=upd[vis]).sort_values(["updated", "row"]).head(limit)
            rows = sel["row"].to_numpy()
            ids = hub_order_ids(w, rows)
            keys = w.ocols["key"][rows].tolist()
            out = []
            for r, hub_id, key, day, created_at, updated_at in zip(
                sel.itertuples(index=False),
                ids,
                keys,
                bj_days(sel["created"].to_numpy()),
                iso_many(sel["created"].to_numpy()),
                iso_many(sel["updated"].to_numpy()),
            ):
                channel, _, cid = hub_id.partition(":")
                if r.typo:
                    cid = cid[:-1] + str((int(cid[-1]) + 3) % 10) + "0"
                status = "closed" if r.closed <= now else "resolved" if r.resolved <= now else "open"
                kind = TYPES_PY[r.kind]
                out.append(
                    {
                        "ticket_code": f"CS-{day}-{key % 10**11:011d}{'AB'[r.suffix]}",
                        "source": "wechat" if r.wechat else "email",
                        "channel": channel,
                        "channel_order_id": cid,
                        "ticket_type": kind,
                        "status": status,
                        "description": TEXT[kind],
                        "created_at": created_at,
                        "updated_at": updated_at,
                    }
                )
            return out


def handle(sim, req: Request) -> Response:
    if req.path != "/cs/tickets":
        return ok({"error": "not_found"}, 404)
    try:
        after = parse_iso(req.params["updated_after"]) if req.params.get("updated_after") else 0.0
        limit = min(int(req.params.get("limit", 500)), 5000)
    except ValueError as exc:
        return ok({"error": "invalid_request", "detail": str(exc)}, 400)
    return ok({"tickets": sim.cs.list(after, limit)})
