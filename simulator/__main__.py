"""`python -m simulator serve --port N --seed S --days D ...` (prints SIMULATOR_URL=... when ready)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m simulator")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", help="run the channel simulator on 127.0.0.1")
    s.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    s.add_argument("--seed", type=int, default=7)
    s.add_argument("--days", type=int, default=90, help="days of history before now")
    s.add_argument("--now", default=None, help="virtual now, ISO-8601 (default: wall clock floored to the minute)")
    s.add_argument(
        "--erp-db", default=None, help="legacy ERP SQLite file (default $ORDERHUB_HOME/erp/legacy_erp.sqlite)"
    )
    s.add_argument("--golive-days-ago", type=int, default=30)
    s.add_argument("--live-rate", type=float, default=0.0, help="live mode: extra orders per wall second")
    s.add_argument("--speed", type=float, default=1.0, help="live mode: virtual seconds per wall second")
    s.add_argument("--faults", default="", help="k=v,... e.g. error_rate=0.1,schema_drift=true,channels=taobao+pdd")
    s.add_argument("--rate-limit", type=float, default=200.0, help="requests/second before the platforms throttle")
    s.add_argument(
        "--lenient",
        action="store_true",
        help="accept calls the real platforms reject (no token, missing required parameters, Douyin form body)",
    )
    for ch in ("taobao", "douyin", "pdd", "jd"):
        s.add_argument(f"--{ch}-key", default=None)
        s.add_argument(f"--{ch}-secret", default=None)
    b = sub.add_parser("bench", help="print generation and serving figures")
    b.add_argument("--seed", type=int, default=7)
    b.add_argument("--days", type=int, default=90)
    b.add_argument("--now", default="2026-11-25T00:00:00Z")
    a = ap.parse_args(argv)
    if a.cmd == "bench":
        from simulator import bench

        bench.main(a.seed, a.days, a.now)
        return 0

    from simulator import start
    from simulator.app import DEFAULT_CREDS

    creds = {
        ch: (getattr(a, f"{ch}_key") or DEFAULT_CREDS[ch][0], getattr(a, f"{ch}_secret") or DEFAULT_CREDS[ch][1])
        for ch in DEFAULT_CREDS
    }
    t0 = time.perf_counter()
    sim = start(
        seed=a.seed,
        days=a.days,
        now=a.now,
        erp_db=a.erp_db,
        port=a.port,
        golive_days_ago=a.golive_days_ago,
        live_rate=a.live_rate,
        speed=a.speed,
        faults=a.faults or None,
        creds=creds,
        rate_limit_per_s=a.rate_limit,
        strict=not a.lenient,
    )
    print(f"SIMULATOR_URL={sim.url}", flush=True)
    print(
        f"simulator ready in {time.perf_counter() - t0:.1f}s: {len(sim.world.orders)} orders generated, "
        f"ERP at {sim.erp.path}",
        file=sys.stderr,
        flush=True,
    )
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
