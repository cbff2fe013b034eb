"""`orderhub demo` (`make demo`): start the simulator, load ~90 days of history through every asset, print
where to look.

Everything runs through the Dagster instance in `$ORDERHUB_HOME/dagster_home`, so `orderhub ui` shows the
runs, materializations, partitions and check results afterwards. Running it again lands nothing twice:
raw records dedupe by content hash and every hub partition is rebuilt, not appended.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import requests

from orderhub import settings

BEIJING = ZoneInfo(settings.BUSINESS_TZ)
# quarantine rows that are not order records, explained where the demo prints them
QUARANTINE_WHY = {
    ("ticket", "unknown_order"): ": customer-service form tickets naming an order the hub does not have (the "
    "simulated CS desk also logs tickets for orders outside the 90 days or from other shops); they are "
    "linked when the order arrives",
}


@dataclass(frozen=True)
class DemoArgs:
    days: int
    seed: int
    export_days: int


def step(msg: str) -> float:
    print(f"\n==> {msg}", flush=True)
    return time.perf_counter()


def done(t0: float, what: str = "") -> None:
    print(f"    done in {time.perf_counter() - t0:.1f}s {what}", flush=True)


def drop_exports(sim_url: str, landing: Path, days: list[date]) -> list[Path]:
    """What a seller does by hand: download the Tmall outlet's seller-center reports into the drop folder.
    Most days as the combined file (GBK or UTF-8 CSV, XLSX); every fifth day as the real pair, an order report
    and an item report (GBK CSV; every other pair as Excel saves it again)."""
    folder = landing / "taobao"
    folder.mkdir(parents=True, exist_ok=True)
    dropped = []
    for i, day in enumerate(days):
        fmt, enc = ("xlsx", "utf-8-sig") if i % 4 == 3 else ("csv", "gbk" if i % 2 == 0 else "utf-8-sig")
        downloads = [({"encoding": enc, "format": fmt}, f"tm-outlet_orders_{day:%Y%m%d}.{fmt}")]
        if i % 5 == 4:  # the real download: the file names are the seller center's own
            resaved = "excel" if i % 10 == 9 else ""
            downloads = [({"layout": "pair", "report": r, "resaved": resaved}, None) for r in ("order", "item")]
        for params, name in downloads:
            resp = requests.get(
                f"{sim_url}/admin/exports/taobao", params={"date": day.isoformat(), **params}, timeout=30
            )
            resp.raise_for_status()
            name = name or resp.headers["Content-Disposition"].split('filename="')[1].rstrip('"')
            path = folder / name
            path.write_bytes(resp.content)
            old = time.time() - 60  # the sensor waits for files to settle; these are complete
            os.utime(path, (old, old))
            dropped.append(path)
    return dropped


def run_job(defs, instance, name: str, *, run_config: dict | None = None, tags: dict | None = None) -> None:
    """One demo step through the Dagster instance, with live progress (cli/runs.py); stops the demo on failure."""
    from cli.runs import report
    from cli.runs import run_job as run_with_progress

    outcome = run_with_progress(name, run_config=run_config, tags=tags, defs=defs)
    if outcome.checks_passed or outcome.checks_failed or outcome.checks_warned:
        bad = sorted({c.split(":")[1].split("@")[0] for c in outcome.checks_failed + outcome.checks_warned})
        print(
            f"    asset checks: {outcome.checks_passed} passed, {len(outcome.checks_failed)} blocking failed, "
            f"{len(outcome.checks_warned)} warnings {bad or ''}"
        )
    if not outcome.success:
        report(outcome, what=name)
        raise SystemExit(f"demo: job {name} failed (see the run in the Dagster UI: orderhub ui)")
    print(f"    {outcome.seconds:.1f}s wall, {outcome.cpu_seconds:.1f} CPU s", flush=True)


def summary(paths: settings.Paths) -> None:
    from orderhub import warehouse

    con = warehouse.connect(read_only=True)
    rows = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema not in ('information_schema', 'pg_catalog') "
        "order by 1"
    ).fetchall()
    print("\nTables (rows):")
    for (table,) in rows:
        n = con.execute(f"select count(*) from {table}").fetchone()[0]
        print(f"    {table:<42} {n:>10,}")
    batches = con.execute(
        "select sum(received), sum(stored), sum(deduplicated), sum(quarantined) from ops.ingest_batches"
    ).fetchone()
    print(
        f"\nIngest accounting (order records): received {batches[0]:,} = stored {batches[1]:,} + deduplicated"
        f" {batches[2]:,} + quarantined {batches[3]:,}"
    )
    for entity, reason, n in con.execute(
        "select entity, reason, count(*) from hub.quarantine group by all order by 3 desc"
    ).fetchall():
        why = QUARANTINE_WHY.get((entity, reason), "")
        print(f"    hub.quarantine also holds {n:,} {entity} row(s), reason {reason}{why}")
    con.close()
    from orderhub import analysts, lake

    target = settings.warehouse_target()
    print(f"""
Where to look:
    warehouse (writer)      {lake.parse(target).display if lake.is_lake(target) else target}
    analysts' view (SQL)    {analysts.describe()}
                            e.g.  orderhub sql "select channel, count(*) from hub.orders group by all"
    dashboard               {paths.exports / "dashboard.html"}
    purchasing exports      {paths.exports / "purchasing"}
    Dagster UI              orderhub ui   (then http://127.0.0.1:3000: runs, partitions, checks, schedules)
    operator's summary      orderhub status
""")


@click.command()
@click.option("--days", type=int, default=90, show_default=True, help="days of simulated history")
@click.option("--seed", type=int, default=7, show_default=True, help="the simulated world's seed")
@click.option("--export-days", type=int, default=14, show_default=True, help="days of Tmall outlet reports to drop")
def demo(days: int, seed: int, export_days: int) -> None:
    """Start the channel simulator, run every asset on its 90-day world, print where to look."""
    args = DemoArgs(days, seed, export_days)
    import warnings

    from cli.env import prepare, read_home_env, record_home_setting, use_demo_salt

    warnings.filterwarnings("ignore", message=".*is currently in (beta|preview).*")
    paths = prepare()
    use_demo_salt()

    import simulator

    t0 = step(f"starting the channel simulator ({args.days} days of history, seed {args.seed})")
    sim = simulator.start(seed=args.seed, days=args.days, erp_db=paths.erp_db, port=0)
    os.environ["ORDERHUB_SIMULATOR_URL"] = sim.url
    if not os.environ.get("ORDERHUB_START_DATE"):  # partitions from the world's first day: none empty, none missing
        today = datetime.fromtimestamp(sim.world.now(), tz=UTC).astimezone(BEIJING).date()
        first = (today - timedelta(days=args.days)).isoformat()
        record_home_setting(
            "ORDERHUB_START_DATE", first, "the demo world's first business day (hub partitions start here)"
        )
        os.environ["ORDERHUB_START_DATE"] = read_home_env()["ORDERHUB_START_DATE"]
    done(t0, f"-> {sim.url}")
    try:
        run_pipeline(sim, paths, args)
    finally:
        sim.stop()
    summary(paths)


def run_pipeline(sim, paths: settings.Paths, args: DemoArgs) -> None:
    import dagster as dg

    from pipelines.definitions import build

    defs = build()
    instance = dg.DagsterInstance.get()
    now = datetime.fromtimestamp(sim.world.now(), tz=UTC)
    today = now.astimezone(BEIJING).date()
    first = today - timedelta(days=args.days)

    t0 = step("product master and channel SKU map from the legacy ERP")
    run_job(defs, instance, "hub_skus_job")
    done(t0)

    t0 = step("pulling Taobao, Douyin and Pinduoduo APIs (signed, paged, windowed) and the ERP bridge")
    cfg = {"start": datetime.combine(first, datetime.min.time(), BEIJING).isoformat(), "until": now.isoformat()}
    run_job(defs, instance, "ingest_live_job", run_config={"ops": {"raw__channel_orders": {"config": cfg}}})
    done(t0)

    t0 = step(
        f"dropping {args.export_days} days of Tmall outlet seller-center exports "
        "(GBK/UTF-8 CSV, XLSX, order + item report pairs)"
    )
    files = drop_exports(sim.url, paths.landing, [today - timedelta(days=i) for i in range(args.export_days, 0, -1)])
    from pipelines.ingest import files_run_config

    run_job(defs, instance, "ingest_files_job", run_config=files_run_config([str(f) for f in files]))
    done(t0)

    # Every partition from the first configured business day (the world's first day unless ORDERHUB_START_DATE
    # says otherwise), so the UI shows none missing.
    START_DATE = settings.start_date()
    t0 = step(f"standardizing into the hub model: partitions {START_DATE} .. {today} as one run")
    run_job(
        defs,
        instance,
        "hub_rebuild_job",
        tags={
            "dagster/asset_partition_range_start": START_DATE,
            "dagster/asset_partition_range_end": today.isoformat(),
        },
    )
    done(t0)

    t0 = step("inventory, fulfilment, after-sales, KPIs, dashboard and forecast")
    history = {"ops": {"hub__after_sales_tickets": {"config": {"initial_days": args.days}}}}
    run_job(defs, instance, "operations_refresh_job", run_config=history)
    done(t0)

    for name in ("deliver_alerts_job", "publish_readonly_job"):
        t0 = step(name.replace("_job", "").replace("_", " "))
        run_job(defs, instance, name)
        done(t0)
