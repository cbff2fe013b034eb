"""WMS receive/pick/pack/ship events: the world's history (incl. before OrderHub went live) plus API tasks.

`receive` = the WMS accepted the shipment task (re-keyed by clerks before go-live, created by OrderHub after;
see wms_model.py); it has no operator (`operator_id` null).

event_id = occurred second × 1000 + rank within that second, so ids grow with time and a reader's
`after` cursor never skips an event that becomes visible later.
"""

from __future__ import annotations

import hashlib

import numpy as np

from simulator.catalog import WAREHOUSES
from simulator.channels import common as c
from simulator.generate import SOURCES
from simulator.timeutil import iso, iso_many
from simulator.world import SRC_CHANNEL

KINDS = np.array(["receive", "pick", "pack", "ship"])
KINDS_PY = KINDS.tolist()
POOL_BEFORE, POOL_AFTER = 8, 5  # operators per warehouse: more people for the same volume before go-live


def hub_order_id(src: str, key: int, created: float) -> str:
    ch = SRC_CHANNEL[src]
    cid = {
        "taobao": lambda: str(c.tb_tid(key)),
        "douyin": lambda: c.dy_order_id(key),
        "pdd": lambda: c.pdd_order_sn(key, created),
        "jd": lambda: str(c.jd_order_id(key)),
        "erp": lambda: c.erp_order_no(key),
    }[ch]()
    return f"{ch}:{cid}"


def hub_order_ids(world, rows: np.ndarray) -> list[str]:
    """hub_order_id for many world rows at once (same strings as the scalar function)."""
    rows = np.asarray(rows, dtype=np.int64)
    out = np.empty(len(rows), dtype=object)
    src = world.ocols["src"][rows]
    for code in np.unique(src).tolist():
        at = np.flatnonzero(src == code)
        name = str(SOURCES[code])
        ids = c.channel_ids(name, world.ocols["key"][rows[at]], world.ocols["created"][rows[at]])
        out[at] = [f"{SRC_CHANNEL[name]}:{i}" for i in ids]
    return out.tolist()


class Events:
    def __init__(self, sim):
        self.sim = sim
        self._hist: tuple[int, dict] | None = None
        self.dynamic: list[dict] = []

    def _history(self) -> dict:
        w = self.sim.world
        if self._hist and self._hist[0] == len(w.orders):
            return self._hist[1]
        o = w.orders
        n = len(o)
        times = np.concatenate([o[c].to_numpy() for c in ("received", "picked", "packed", "ship1")])
        kind = np.repeat(np.arange(len(KINDS)), n)
        row = np.tile(np.arange(n), len(KINDS))
        ok = ~np.isnan(times)
        times, kind, row = np.floor(times[ok]), kind[ok], row[ok]
        order = np.lexsort((kind, o["key"].to_numpy()[row], times))
        times, kind, row = times[order], kind[order], row[order]
        sec = times.astype(np.int64)
        first = np.r_[0, np.flatnonzero(np.diff(sec)) + 1]
        rank = np.arange(len(sec)) - np.repeat(first, np.diff(np.r_[first, len(sec)]))
        ids = sec * 1000 + rank
        hist = {"ids": ids, "times": times, "kind": kind, "row": row}
        self._hist = (n, hist)
        return hist

    def _render(self, h: dict, lo: int, hi: int) -> list[dict]:
        """History events lo..hi-1, vectorised per column (a WMS page holds up to 5,000 events)."""
        w = self.sim.world
        rows = h["row"][lo:hi]
        kind = h["kind"][lo:hi]
        keys, seed = w.ocols["key"][rows], w.ocols["op_seed"][rows]
        pool = np.where(w.ocols["paid"][rows] < w.golive, POOL_BEFORE, POOL_AFTER)
        op = (np.where(kind == 1, seed, seed >> 5) % pool + 1).tolist()  # picker; packer also ships
        wh = [WAREHOUSES[i] for i in w.order_wh[rows].tolist()]
        return [
            {
                "event_id": eid,
                "task_id": f"T{key}",
                "order_id": oid,
                "event_type": KINDS_PY[k],
                "operator_id": f"OP-{whs[3:]}-{o:02d}" if k else None,
                "warehouse_id": whs,
                "occurred_at": at,
            }
            for eid, key, oid, k, o, whs, at in zip(
                h["ids"][lo:hi].tolist(),
                keys.tolist(),
                hub_order_ids(w, rows),
                kind.tolist(),
                op,
                wh,
                iso_many(h["times"][lo:hi]),
            )
        ]

    def add_task(self, task_id: str, order_id: str, warehouse_id: str, now: float) -> None:
        h = int(hashlib.md5(task_id.encode()).hexdigest()[:8], 16)
        t = float(int(now))
        for step, kind in enumerate(KINDS):
            if step:  # receive at creation, then pick/pack/ship 5–30 minutes apart
                t += 300 + (h >> ((step - 1) * 6)) % 1500
            op = f"OP-{warehouse_id[3:]}-{(h >> (step - 1)) % POOL_AFTER + 1:02d}" if step else None
            self.dynamic.append(
                {
                    "event_id": int(t) * 1000 + 900 + len(self.dynamic) % 99,
                    "task_id": task_id,
                    "order_id": order_id,
                    "event_type": str(kind),
                    "operator_id": op,
                    "warehouse_id": warehouse_id,
                    "occurred_at": iso(t),
                    "_t": t,
                }
            )

    def after(self, after: int, limit: int) -> list[dict]:
        w = self.sim.world
        with w.lock:
            now = w.now()
            h = self._history()
            lo = int(np.searchsorted(h["ids"], after, side="right"))
            hi = min(int(np.searchsorted(h["times"], now, side="right")), lo + limit)
            out = self._render(h, lo, hi) if hi > lo else []
            out += [
                {k: v for k, v in e.items() if k != "_t"}
                for e in self.dynamic
                if e["event_id"] > after and e["_t"] <= now
            ]
        out.sort(key=lambda e: e["event_id"])
        return out[:limit]
