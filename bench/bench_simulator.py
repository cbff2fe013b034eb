"""Simulator serving speed: per-endpoint server-side latency and a 90-day PDD pull through PddApi.

Run: `.venv/bin/python bench/bench_simulator.py [--pdd-days 90] [--all-channels] [--days 90] [--seed 7]`
(prints figures only).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator import bench  # noqa: E402

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--now", default="2026-11-25T00:00:00Z")
    ap.add_argument("--pdd-days", type=float, default=90.0, help="days pulled through the connectors")
    ap.add_argument("--all-channels", action="store_true", help="also pull taobao, douyin and jd")
    a = ap.parse_args()
    bench.main_serving(a.seed, a.days, a.now, a.pdd_days, ("taobao", "douyin", "jd") if a.all_channels else ())
