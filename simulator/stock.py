"""Stock each channel lists for sale. Normally WMS available stock (last pushed on the hour), except a
few SKUs per channel whose listing drifted (oversold or stale): the conflicts inventory sync must find.
Pushes through the channel stock APIs override the listing until the next push."""

from __future__ import annotations

import numpy as np

from simulator.catalog import CHANNEL_SKU_FORMAT, N_SKUS, UNMAPPED_CODES, WAREHOUSES
from simulator.hashing import unit
from simulator.listings import index_of

CONFLICTS_PER_CHANNEL = 8


class ChannelStock:
    def __init__(self, sim):
        self.sim = sim
        self.pushed: dict[tuple[str, str], dict] = {}
        seed = sim.world.seed
        self.drift: dict[str, dict[int, int]] = {}
        for n, ch in enumerate(CHANNEL_SKU_FORMAT):
            u = unit(np.arange(N_SKUS, dtype=np.uint64) + np.uint64(seed * 31 + n * 1000), 71)
            picks = np.argsort(u)[:CONFLICTS_PER_CHANNEL]
            self.drift[ch] = {int(s): int(5 + 60 * unit(np.array([s + n], dtype=np.uint64), 72)[0]) for s in picks}

    def codes(self, channel: str) -> list[str]:
        fmt = CHANNEL_SKU_FORMAT[channel]
        # unmapped listings exist only while the unmapped_sku_rate fault sells under them
        extra = UNMAPPED_CODES.get(channel, []) if self.sim.faults.unmapped_rate(channel) > 0 else []
        return [fmt.format(i + 1) for i in range(N_SKUS)] + extra

    def listed(self, channel: str) -> list[dict]:
        if channel not in CHANNEL_SKU_FORMAT:
            raise KeyError(f"unknown channel {channel!r}")
        w = self.sim.world
        now = w.now()
        synced_at = float(int(now // 3600 * 3600))
        lv = self.sim.wms.levels(synced_at)
        avail = (lv["on_hand"] - lv["locked"]).reshape(len(WAREHOUSES), N_SKUS).sum(axis=0)
        out = []
        for i, code in enumerate(self.codes(channel)):
            qty = int(avail[i]) + self.drift[channel].get(i, 0) if i < N_SKUS else 50
            item = {"sku": code, "qty": qty, "modified": synced_at, "i": i}
            out.append(self.pushed.get((channel, code), item))
        return out

    def update(self, channel: str, code: str, qty: int) -> dict:
        if code not in set(self.codes(channel)):
            raise ValueError(f"unknown listing {code!r}")
        if qty < 0:
            raise ValueError("quantity must be >= 0")
        item = {"sku": code, "qty": int(qty), "modified": self.sim.world.now(), "i": index_of(channel, code)}
        self.pushed[(channel, code)] = item
        self.sim.counters[f"stock_updates_{channel}"] += 1
        return item
