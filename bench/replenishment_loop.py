"""Closed-loop replenishment bench: OrderHub's policy against three baselines on real UCI sales.

Run: `.venv/bin/python bench/replenishment_loop.py [--leads 3,7] [--weeks 26] [--json]`
(`--source simulator` replays the simulator's seeded world instead, with its catalogue's lead times,
MOQs and packs). Every review (weekly) the real forecaster is run on data up to that day only (refitted
every `--refit-every` reviews); the forecasts are made once and shared by every lead time. Printed per
lead time: fill rate, inventory days, average units on hand, stock-out SKU-days, orders and units bought
for each policy at the same service level; then, for each baseline, the service level and inventory it
needs to reach OrderHub's fill rate (bisection on the service level), and OrderHub's saving against it.
With --json the last line is one JSON object: {"orderhub": {"3": {"fill_rate", "inventory_days"}, "7": {...}},
"<baseline>": {...}, ..., "<baseline>@matched": {"3": {"fill_rate", "inventory_days", "z", "service_level",
"orderhub_saving"}, ...}} (a baseline raised to OrderHub's fill rate; "reached": false when even z = 8 cannot).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # idle OpenMP threads sleep on a shared 2-core box

from forecasts import loop_bench
from forecasts.accuracy import regular_sellers
from forecasts.features import DemandMatrix
from forecasts.forecaster import ForecastParams


def load_world(source: str, min_sale_days: int, moq: int, pack: int) -> loop_bench.World:
    """UCI: every SKU forecast, regular sellers replayed, MOQ/pack from the flags (the data has none).
    Simulator: its seeded world's paid demand, with the catalogue's lead times, MOQs and pack sizes."""
    if source == "uci":
        from forecasts.uci import load_daily

        m = DemandMatrix.from_frame(load_daily())
        keep = np.flatnonzero(regular_sellers(m, min_sale_days))
        ones = np.ones(len(keep), np.int64)
        return loop_bench.World("UCI Online Retail 2010-12..2011-12", m, keep, 7 * ones, moq * ones, pack * ones, "GB")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from forecast_uci import simulator_daily

    from simulator.catalog import build_catalog

    m = DemandMatrix.from_frame(simulator_daily(7, 365, "2026-11-20T12:00:00+00:00"))
    keep = np.flatnonzero(regular_sellers(m, min_sale_days))
    cat = build_catalog(7).set_index("sku_code").reindex(m.skus[keep])
    return loop_bench.World(
        "simulator world (seed 7, 365 days)",
        m,
        keep,
        cat["lead_time_days"].to_numpy(np.int64),
        cat["moq"].to_numpy(np.int64),
        cat["pack_size"].to_numpy(np.int64),
        "CN",
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", choices=("uci", "simulator"), default="uci")
    ap.add_argument("--leads", default="3,7", help="fixed lead times in days (uci)")
    ap.add_argument("--review-days", type=int, default=7)
    ap.add_argument("--weeks", type=int, default=26, help="scored weeks, at the end of the data")
    ap.add_argument("--warmup-weeks", type=int, default=8)
    ap.add_argument("--service-level", type=float, default=0.95)
    ap.add_argument("--min-sale-days", type=int, default=100, help="SKUs replayed (the model trains on all)")
    ap.add_argument("--late-share", type=float, default=0.0, help="share of deliveries that are late")
    ap.add_argument("--late-days-max", type=int, default=0)
    ap.add_argument("--backorders", action="store_true", help="unserved demand waits instead of being lost")
    ap.add_argument("--moq", type=int, default=1)
    ap.add_argument("--pack", type=int, default=1)
    ap.add_argument("--refit-every", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    t0 = time.perf_counter()
    world = load_world(args.source, args.min_sale_days, args.moq, args.pack)
    leads = [int(x) for x in args.leads.split(",")] if args.source == "uci" else [None]
    longest = max(int(np.max(world.lead_days)) if lead is None else lead for lead in leads)
    params = ForecastParams(
        country=world.country, horizon=longest + args.review_days + args.late_days_max, n_threads=args.threads
    )
    print(
        f"{world.name}: {len(world.skus)} SKUs replayed ({len(world.m.skus)} forecast), "
        f"{args.weeks} scored weeks after {args.warmup_weeks} warm-up weeks, review every "
        f"{args.review_days} days, service level {args.service_level}, "
        f"{'backorders' if args.backorders else 'lost sales'}, late share {args.late_share}"
    )
    setup = loop_bench.Setup(
        world,
        args.weeks,
        args.warmup_weeks,
        args.review_days,
        args.service_level,
        args.late_share,
        args.late_days_max,
        args.backorders,
    )
    book = loop_bench.forecasts(setup, params, args.refit_every, log=print)
    print(f"forecasts for {len(book)} reviews made in {time.perf_counter() - t0:.0f} s")
    out: dict = {}
    for lead in leads:
        res = loop_bench.compare(setup, book, lead)
        key = str(lead if lead is not None else "catalogue")
        print(f"\n== lead time {key} days\n{loop_bench.format_table(res)}")
        for name, r in res["policies"].items():
            out.setdefault(name, {})[key] = {
                "fill_rate": round(r.fill_rate, 4),
                "inventory_days": round(r.inventory_days, 2),
            }
        for name, mt in res["matched"].items():
            out.setdefault(f"{name}@matched", {})[key] = mt
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")
    if args.json:
        print(json.dumps(out))


if __name__ == "__main__":
    main()
