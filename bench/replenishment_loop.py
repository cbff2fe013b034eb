"""Closed-loop replenishment bench: OrderHub's policy against three baselines on real UCI sales.

Run: `.venv/bin/python bench/replenishment_loop.py [--leads 3,7] [--weeks 26] [--service-level 0.975] [--json]`
(`--source simulator` replays the simulator's seeded world instead, with its catalogue's lead times, MOQs,
packs and its suppliers' late deliveries). Every review (weekly) the real forecaster is run on data up to
that day only (refitted every `--refit-every` reviews, calibrated on its own earlier weeks); the forecasts
are made once and shared by every lead time (`--book FILE` keeps them for the next run). Printed per lead
time: fill rate, inventory days, average units on hand, stock-out SKU-days, orders and units bought for
each policy (OrderHub at its fill-rate target, solved at every review from its own past forecasts' errors;
the baselines at z = the normal quantile of the same number); then, for each baseline, the safety factor z
and inventory it needs to reach OrderHub's fill rate (bisection on z up to 8), OrderHub's saving against it,
and the issue's done-when, met or not; wall and CPU seconds and the load average.
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


def verdict(out: dict, key: str) -> str:
    """The issue's done-when for one lead time, in words."""
    mine = out["orderhub"][key]
    fill_ok = mine["fill_rate"] >= 0.97
    better = [n for n in out if "@" not in n and n != "orderhub" and out[n][key]["fill_rate"] >= mine["fill_rate"]]
    fewer = all(mine["inventory_days"] < out[n][key]["inventory_days"] for n in better)
    matched = {n: out[n][key] for n in out if n.endswith("@matched")}
    # a baseline that cannot reach OrderHub's fill even at z = 8 needs more than it held there: OrderHub saves at
    # least 1 - its days / those days
    days = mine["inventory_days"]
    savings = {n: m.get("orderhub_saving", 1 - days / m["inventory_days"]) for n, m in matched.items()}
    saving_ok = all(s >= 0.15 for s in savings.values())
    said = ", ".join(
        f"{n.split('@')[0]} {savings[n]:+.1%}" + ("" if m["reached"] else " or more (not reached at z = 8)")
        for n, m in matched.items()
    )
    met = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    return (
        f"lead {key}: fill {mine['fill_rate']:.2%} >= 97%: {met(fill_ok)}; fewer days than every baseline with at "
        f"least its fill ({', '.join(better) or 'none'}): {met(fewer)}; >= 15% less than each baseline matched to "
        f"its fill ({said}): {met(saving_ok)}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", choices=("uci", "simulator"), default="uci")
    ap.add_argument(
        "--leads", default=None, help="lead times in days, or 'catalogue' (default uci 3,7; simulator catalogue,3,7)"
    )
    ap.add_argument("--review-days", type=int, default=7)
    ap.add_argument("--weeks", type=int, default=26, help="scored weeks, at the end of the data")
    ap.add_argument("--warmup-weeks", type=int, default=8)
    ap.add_argument(
        "--service-level", type=float, default=0.975, help="OrderHub's fill-rate target (or cycle level), production's"
    )
    ap.add_argument("--measure", choices=("fill_rate", "cycle"), default="fill_rate", help="what --service-level is")
    ap.add_argument("--min-sale-days", type=int, default=100, help="SKUs replayed (the model trains on all)")
    ap.add_argument(
        "--late-share",
        type=float,
        default=None,
        help="share of deliveries that are late (default uci 0, simulator 0.15 as its suppliers)",
    )
    ap.add_argument("--late-days-max", type=int, default=None, help="(default uci 0, simulator 6)")
    ap.add_argument("--backorders", action="store_true", help="unserved demand waits instead of being lost")
    ap.add_argument("--moq", type=int, default=1, help="uci: MOQ of every SKU (the data has none)")
    ap.add_argument("--pack", type=int, default=1, help="uci: pack size of every SKU")
    ap.add_argument("--refit-every", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seasonal", choices=("on", "off", "auto"), default="on", help="month features (forecaster)")
    ap.add_argument(
        "--book", default=None, help="forecast cache, re-used for the same setup (delete it if the forecaster changes)"
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    sim = args.source == "simulator"
    late_share = args.late_share if args.late_share is not None else (0.15 if sim else 0.0)
    late_max = args.late_days_max if args.late_days_max is not None else (6 if sim else 0)
    t0 = time.perf_counter()
    print(f"load average at start {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    world = load_world(args.source, args.min_sale_days, args.moq, args.pack)
    leads = [
        None if x == "catalogue" else int(x) for x in (args.leads or ("catalogue,3,7" if sim else "3,7")).split(",")
    ]
    longest = max(int(np.max(world.lead_days)) if lead is None else lead for lead in leads)
    params = ForecastParams(
        country=world.country,
        horizon=longest + args.review_days + late_max,
        n_threads=args.threads,
        seasonal=args.seasonal,
    )
    print(
        f"{world.name}: {len(world.skus)} SKUs replayed ({len(world.m.skus)} forecast), "
        f"{args.weeks} scored weeks after {args.warmup_weeks} warm-up weeks, review every "
        f"{args.review_days} days, {args.measure} target {args.service_level}, "
        f"{'backorders' if args.backorders else 'lost sales'}, late share {late_share} (1-{late_max} days)"
    )
    setup = loop_bench.Setup(
        world,
        args.weeks,
        args.warmup_weeks,
        args.review_days,
        args.service_level,
        late_share,
        late_max,
        args.backorders,
        args.measure,
    )
    book = load_book(args.book, setup, params, args.refit_every)
    print(f"forecasts for {len(book)} reviews ready in {time.perf_counter() - t0:.0f} s")
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
    print("\ndone when (the issue's targets):")
    for lead in leads:
        print("  " + verdict(out, str(lead if lead is not None else "catalogue")))
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\ntotal {time.perf_counter() - t0:.0f} s wall, {time.process_time():.0f} s CPU, load average {load}")
    if args.json:
        print(json.dumps(out))


def load_book(path: str | None, setup: loop_bench.Setup, params: ForecastParams, refit_every: int) -> dict:
    """The forecasts at every review: made now (data up to each review only), or read from --book when that file
    was made for the same world, reviews, forecaster parameters and refits (otherwise made again)."""
    import pickle

    key = repr((setup.world.name, list(setup.world.skus), setup.reviews, params, refit_every))
    if path and Path(path).exists():
        with open(path, "rb") as f:
            kept = pickle.load(f)
        if isinstance(kept, dict) and kept.get("key") == key:
            return kept["book"]
        print(f"{path} holds forecasts made for another setup: making them again")
    book = loop_bench.forecasts(setup, params, refit_every, log=print)
    if path:
        with open(path, "wb") as f:
            pickle.dump({"key": key, "book": book}, f)
    return book


if __name__ == "__main__":
    main()
