"""The pipeline process the crash test kills: ingest -> hub -> inventory, in one process, like a run would.

    python tests/operate/crash_worker.py --sim-url URL --start ISO --until ISO --now ISO [--kill SPEC]

SPEC kills this very process with SIGKILL (no cleanup, no atexit, like the OOM killer or a power cut):
  http:PHASE:N            when the N-th outbound HTTP request of PHASE is about to be sent
  commit:PHASE:N:before   inside the N-th warehouse transaction of PHASE, just before COMMIT
  commit:PHASE:N:after    right after it committed (e.g. ERP rows landed, not yet marked synced;
                          a cursor advanced, the next window not fetched)
  none                    run to completion
PHASE is one of skus, api, erp, hub, inventory. The last stdout line is the per-phase counts (JSON).
Everything time-dependent is pinned to --now so two complete runs give identical tables.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

PHASES = ("skus", "api", "erp", "hub", "inventory")
COUNTS = {phase: {"http": 0, "commits": 0} for phase in PHASES}
PHASE = ["skus"]


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def install_kill_hooks(spec: str) -> None:
    import requests

    from orderhub import transaction as transaction_module
    from orderhub import warehouse  # noqa: F401 - loads the modules whose `transaction` is replaced below

    kind, phase, n, when = ([*spec.split(":"), "", "", ""])[:4]
    at = int(n) if n else -1
    send = requests.Session.send

    def counted_send(self, request, **kwargs):
        counts = COUNTS[PHASE[0]]
        counts["http"] += 1
        if kind == "http" and PHASE[0] == phase and counts["http"] == at:
            _die()
        return send(self, request, **kwargs)

    requests.Session.send = counted_send
    original = transaction_module.transaction

    depth = transaction_module._DEPTH  # a block inside an open transaction joins it: only outermost ones commit

    @contextmanager
    def counted_transaction(con):
        if depth.get(con, 0):
            with original(con):
                yield con
            return
        counts = COUNTS[PHASE[0]]
        counts["commits"] += 1
        mine = counts["commits"] if PHASE[0] == phase else -1
        con.execute("begin transaction")
        depth[con] = 1
        try:
            yield con
        except BaseException:
            depth[con] = 0
            con.execute("rollback")
            raise
        depth[con] = 0
        if kind == "commit" and mine == at and when == "before":
            _die()
        con.execute("commit")
        if kind == "commit" and mine == at and when == "after":
            _die()

    # every module that imported `transaction` by name gets the counting one
    for module in list(sys.modules.values()):
        if getattr(module, "transaction", None) is original and module.__name__.startswith("orderhub"):
            module.transaction = counted_transaction


def run(args: argparse.Namespace) -> None:
    from orderhub import warehouse
    from orderhub.calllog import CallLog
    from orderhub.ingest.pull import PullReport, pull_api, pull_erp
    from orderhub.inventory.availability import build_availability
    from orderhub.inventory.reservations import build_reservations
    from orderhub.inventory.snapshot import land_snapshot
    from orderhub.standardize.hub import build_hub
    from orderhub.standardize.skus import load_sku_map, load_skus
    from resources.channels import channel_resources
    from resources.erp import ErpBridge
    from resources.wms import WmsApi

    install_kill_hooks(args.kill)
    start, until, now = (datetime.fromisoformat(v) for v in (args.start, args.until, args.now))
    erp = ErpBridge(url=os.environ["ORDERHUB_ERP_URL"], batch_size=args.erp_batch)
    con = warehouse.connect()
    load_skus(con, erp.read_items())
    load_sku_map(con, erp.read_channel_skus())
    PHASE[0] = "api"
    report = PullReport()
    for key, api in channel_resources().items():
        if key == "jd_api":  # JD is optional and off here
            continue
        pull_api(
            con,
            api,
            mapping=key,
            start_default=start,
            until=until,
            max_window=type(api).max_window,
            report=report,
            run_id="crash-test",
        )
    PHASE[0] = "erp"
    pull_erp(con, erp, report=report, run_id="crash-test")
    if report.errors:
        raise SystemExit(f"ingest errors: {report.errors}")
    PHASE[0] = "hub"
    first = date.fromisoformat(args.first_day)
    build_hub(con, first, (now + timedelta(hours=8)).date(), os.environ["ORDERHUB_PII_SALT"])
    PHASE[0] = "inventory"
    wms = WmsApi(base_url=args.sim_url, api_key="sim-wms-key")
    calls = CallLog("crash-test")
    land_snapshot(con, wms.list_stock(calls), now)
    build_reservations(con, now)
    build_availability(con, 2, now)
    con.close()
    print(json.dumps(COUNTS), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    for name in ("--sim-url", "--start", "--until", "--now", "--first-day"):
        ap.add_argument(name, required=True)
    ap.add_argument("--kill", default="none")
    ap.add_argument("--erp-batch", type=int, default=20)  # small: many ERP land/mark steps to hit
    run(ap.parse_args())


if __name__ == "__main__":
    main()
