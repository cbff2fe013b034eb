"""`python -m simulator bench`: how fast the world is generated and served (figures, no assertions)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pandas as pd


def run(seed: int = 7, days: int = 90, now: str = "2026-11-25T00:00:00Z") -> dict:
    from simulator import client, start
    from simulator.timeutil import bj, parse_iso
    from simulator.world import World

    t0 = time.perf_counter()
    world = World(seed=seed, days=days, now=parse_iso(now))
    gen_s = time.perf_counter() - t0
    st = world.state()
    vis = world.orders[st["visible"].to_numpy()]
    per_day = pd.to_datetime(vis["created"], unit="s", utc=True).dt.tz_convert("Asia/Shanghai").dt.date.value_counts()
    full = per_day.sort_index().iloc[1:-1]  # first and last day are partial
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        sim = start(seed=seed, days=days, now=now, erp_db=Path(tmp) / "erp.sqlite")
        start_s = time.perf_counter() - t0
        end = int(parse_iso(now))
        t0 = time.perf_counter()
        for p in range(1, 6):
            client.taobao(
                sim.url,
                "taobao.trades.sold.increment.get",
                start_modified=bj(end - 86400),
                end_modified=bj(end),
                page_no=p,
                page_size=100,
                **client.TOP_TRADES,
            ).raise_for_status()
        page_s = (time.perf_counter() - t0) / 5
        sim.stop()
    return {
        "days": days,
        "orders_generated": len(world.orders),
        "orders_visible": len(vis),
        "lines_generated": len(world.lines),
        "generate_s": round(gen_s, 3),
        "start_with_erp_s": round(start_s, 3),
        "orders_per_day_median": int(full.median()),
        "orders_per_day_min": int(full.min()),
        "orders_per_day_max": int(full.max()),
        "peak_day": str(full.idxmax()),
        "taobao_page_of_100_s": round(page_s, 3),
    }


def main(seed: int, days: int, now: str) -> None:
    for k, v in run(seed, days, now).items():
        print(f"{k:>26}: {v}")
