"""Simulator serving speed: per-endpoint server-side latency and a 90-day PDD pull through OrderHub's PddApi.

Run: `.venv/bin/python bench/bench_simulator.py [--pdd-days 90] [--all-channels] [--days 90] [--seed 7]`
(prints figures only). It lives here, not in the simulator, because it drives OrderHub's real connectors and
the simulator imports nothing from OrderHub.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _timed_server(sim):
    """Serve `sim` through a wrapper that times dispatch + JSON encoding (the server-side cost of a call)."""
    import json
    from collections import defaultdict

    from simulator.server import Response, Server

    timings: dict[str, list[float]] = defaultdict(list)

    def timed(req):
        t0 = time.perf_counter()
        resp = sim.dispatch(req)
        if isinstance(resp.body, (dict, list)):
            resp = Response(
                resp.status, json.dumps(resp.body, ensure_ascii=False).encode("utf-8"), resp.headers, resp.content_type
            )
        name = req.path + (":" + req.params.get("type", req.params.get("method", "")) if "router" in req.path else "")
        timings[name].append(time.perf_counter() - t0)
        return resp

    sim.server = Server(timed).start()
    return timings


def serving(
    seed: int = 7,
    days: int = 90,
    now: str = "2026-11-25T00:00:00Z",
    pdd_days: float = 90.0,
    others: tuple[str, ...] = (),
) -> dict:
    """Per-endpoint server-side latency (median ms) and the wall time of a PddApi pull of `pdd_days` days
    (and of the same days through the connectors of `others`, e.g. ("taobao", "douyin", "jd"))."""
    from datetime import datetime, timedelta

    from simulator import client
    from simulator.app import Simulator
    from simulator.timeutil import bj, parse_iso

    end = int(parse_iso(now))
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        sim = Simulator(seed=seed, days=days, now=parse_iso(now), erp_db=Path(tmp) / "erp.sqlite", rate_limit_per_s=1e9)
        timings = _timed_server(sim)
        url, day = sim.url, 86400
        try:
            for d in range(1, 6):  # first pages (of 100) of five full days: orders, refunds, WMS, CS, exports
                s, e = bj(end - (d + 5) * day), bj(end - (d + 4) * day)
                window = dict(start_modified=s, end_modified=e, page_no=1, page_size=100)
                client.taobao(url, "taobao.trades.sold.increment.get", **window, **client.TOP_TRADES)
                client.taobao(url, "taobao.refunds.receive.get", **window, **client.TOP_REFUNDS)
                lo, hi = end - (d + 5) * day, end - (d + 4) * day
                client.douyin(
                    url, "order.searchList", {"update_time_start": lo, "update_time_end": hi, "page": 0, "size": 100}
                )
                client.douyin(
                    url, "afterSale.List", {"update_start_time": lo, "update_end_time": hi, "page": 0, "size": 100}
                )
                jd_biz = {"start_date": s, "end_date": e, "page": 1, "page_size": 50, **client.JD_SEARCH}
                client.jd(url, "jingdong.pop.order.enSearch", jd_biz)
                client.pdd(
                    url,
                    "pdd.refund.list.increment.get",
                    start_updated_at=lo,
                    end_updated_at=lo + 1800,
                    page_size=100,
                    **client.PDD_REFUNDS,
                )
                hdr = {"X-Api-Key": "sim-wms-key"}
                import requests

                requests.get(f"{url}/wms/stock", params={"page": 1, "page_size": 900}, headers=hdr, timeout=30)
                requests.get(
                    f"{url}/wms/events",
                    params={"after": (end - (d + 5) * day) * 1000, "limit": 5000},
                    headers=hdr,
                    timeout=30,
                )
                requests.get(f"{url}/cs/tickets", params={"limit": 5000}, timeout=30)
                requests.get(
                    f"{url}/admin/exports/taobao", params={"date": bj(end - (d + 5) * day, "%Y-%m-%d")}, timeout=30
                )
            hi = datetime.fromtimestamp(end, UTC)
            for channel in ("pdd", *others):  # PDD first: its 30-minute windows make it the long pull
                out.update(_pull(url, channel, hi - timedelta(days=pdd_days), hi, timings))
        finally:
            sim.stop()
    for name, ts in sorted(timings.items()):
        ts = sorted(ts)
        out[f"{name} median ms (n={len(ts)})"] = round(1000 * ts[len(ts) // 2], 2)
    return out


def _pull(url: str, channel: str, start, end, timings) -> dict:
    """Pull [start, end) through OrderHub's real connector for `channel` (its own window size, pages of 100)."""
    from orderhub.calllog import CallLog
    from resources.channels import CHANNEL_APIS

    cls, key, secret, shop, token = CHANNEL_APIS[channel]
    api = cls(
        base_url=f"{url}/{channel}", app_key=key, app_secret=secret, shop_id=shop, access_token=token, overlap_s=0
    )
    before = sum(len(v) for v in timings.values())
    server0 = sum(sum(v) for v in timings.values())
    t0 = time.perf_counter()
    records = api.fetch_orders(start, end, CallLog())
    wall = time.perf_counter() - t0
    tag = f"{channel}_pull"
    return {
        f"{tag}_days": round((end - start).total_seconds() / 86400, 2),
        f"{tag}_calls": sum(len(v) for v in timings.values()) - before,
        f"{tag}_records": len(records),
        f"{tag}_wall_s": round(wall, 2),
        f"{tag}_server_s": round(sum(sum(v) for v in timings.values()) - server0, 2),
    }


def main_serving(
    seed: int = 7,
    days: int = 90,
    now: str = "2026-11-25T00:00:00Z",
    pdd_days: float = 90.0,
    others: tuple[str, ...] = (),
) -> None:
    for k, v in serving(seed, days, now, pdd_days, others).items():
        print(f"{k:>70}: {v}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--now", default="2026-11-25T00:00:00Z")
    ap.add_argument("--pdd-days", type=float, default=90.0, help="days pulled through the connectors")
    ap.add_argument("--all-channels", action="store_true", help="also pull taobao, douyin and jd")
    a = ap.parse_args()
    main_serving(a.seed, a.days, a.now, a.pdd_days, ("taobao", "douyin", "jd") if a.all_channels else ())
