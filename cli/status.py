"""`orderhub status`: what an operator checks first. Reads the Dagster instance and the warehouse, never
writes; a warehouse busy with a writer for more than a few seconds is read from the analysts' copy instead
(and says so)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from rich.markup import escape
from rich.table import Table

from cli.env import prepare
from cli.runs import console
from orderhub import gate, lake, settings, warehouse

BEIJING = ZoneInfo(settings.BUSINESS_TZ)
FRESHNESS_TABLES = ("hub.orders", "inventory.availability", "kpi.daily_fulfilment", "forecast.demand_7d")


def bj(ts) -> str:
    if ts is None:
        return "-"
    dt = datetime.fromtimestamp(ts, tz=UTC) if isinstance(ts, (int, float)) else ts
    return dt.astimezone(BEIJING).strftime("%m-%d %H:%M")


def ago(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def dagster_side(limit: int) -> dict:
    import dagster as dg

    from quality.alerting import job_label
    from quality.freshness import policy_for

    instance = dg.DagsterInstance.get()
    now = time.time()
    beats = instance.get_daemon_heartbeats()
    alive = sorted(k for k, b in beats.items() if now - b.timestamp < 120)
    queued = instance.get_runs_count(dg.RunsFilter(statuses=[dg.DagsterRunStatus.QUEUED]))
    busy = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
    runs = []
    for rec in instance.get_run_records(limit=limit):
        run = rec.dagster_run
        start, end = rec.start_time, rec.end_time
        runs.append(
            {
                "run_id": run.run_id[:8],
                "job": job_label(run.job_name, run.asset_selection),
                "status": run.status.value,
                "started": bj(start) if start else bj(rec.create_timestamp),
                "seconds": round((end or now) - start, 1) if start else None,
                "held_by": run.tags.get("orderhub/held_by"),
            }
        )
    fresh = []
    for table in FRESHNESS_TABLES:
        key = dg.AssetKey(table.split("."))
        event = instance.get_latest_materialization_event(key)
        policy = policy_for(key)
        age = now - event.timestamp if event else None
        state = "never built"
        if age is not None:
            fail = policy.fail_window.to_timedelta().total_seconds() if policy and policy.fail_window else None
            warn = policy.warn_window.to_timedelta().total_seconds() if policy and policy.warn_window else None
            state = "late" if fail and age > fail else "warn" if warn and age > warn else "fresh"
        fresh.append(
            {
                "table": table,
                "updated": bj(event.timestamp) if event else "-",
                "age": ago(age) if age else "-",
                "state": state,
            }
        )
    return {
        "daemon": alive,
        "queued": queued,
        "in_progress": instance.get_runs_count(dg.RunsFilter(statuses=busy)),
        "runs": runs,
        "freshness": fresh,
    }


def exists(target: str) -> bool:
    """Whether there is a warehouse to look at (a PostgreSQL lake: try it, warehouse_side says if it is there)."""
    if not warehouse.is_lake(target):
        return Path(warehouse.file_path(target)).exists()
    url = lake.parse(target)
    return url.catalog_kind != "sqlite" or Path(url.catalog).exists()


def warehouse_side(paths: settings.Paths) -> dict | None:
    source = "live warehouse"
    try:  # a lake is read live beside its writers; a file waits a little for its one writer
        con = warehouse.connect(read_only=True, wait_seconds=5)
    except lake.LakeNotFound:
        return None
    except warehouse.WarehouseBusy:
        con = warehouse.connect(paths.warehouse_readonly, read_only=True, wait_seconds=5)
        published = bj(paths.warehouse_readonly.stat().st_mtime)
        source = f"analysts' copy (the live warehouse is being written), published {published}"
    try:
        held = [str(h) for h in gate.held(con)] if _has(con, "ops.check_results") else []
        alerts = con.execute(
            "select severity, kind, coalesce(asset, '-'), created_at, split_part(message, chr(10), 1) from ops.alerts "
            "where resolved_at is null and kind <> 'recovered' order by created_at desc limit 15"
        ).fetchall()
        open_count = con.execute(
            "select count(*) from ops.alerts where resolved_at is null and kind <> 'recovered'"
        ).fetchone()[0]
        open_filter = "resolved_at is null" if _has_column(con, "hub.quarantine", "resolved_at") else "true"
        quarantine = con.execute(
            f"select entity, source, reason, count(*) filter (where {open_filter}) as open, count(*) as total "
            "from hub.quarantine group by all order by total desc"
        ).fetchall()
        accounting = con.execute(
            "select coalesce(sum(received), 0), coalesce(sum(stored), 0), coalesce(sum(deduplicated), 0), "
            "coalesce(sum(quarantined), 0) from ops.ingest_batches"
        ).fetchone()
    finally:
        con.close()
    return {
        "source": source,
        "held_windows": held,
        "open_alerts": open_count,
        "alerts": [
            {"severity": s, "kind": k, "asset": a, "opened": bj(c), "message": m[:140]} for s, k, a, c, m in alerts
        ],
        "quarantine": [
            {"entity": e, "source": s, "reason": r, "open": int(o), "total": int(t)} for e, s, r, o, t in quarantine
        ],
        "ingest": dict(zip(("received", "stored", "deduplicated", "quarantined"), map(int, accounting))),
    }


def _has(con, table: str) -> bool:
    schema, name = table.split(".")
    q = "select count(*) from information_schema.tables where table_schema = ? and table_name = ?"
    return con.execute(q, [schema, name]).fetchone()[0] > 0


def _has_column(con, table: str, column: str) -> bool:
    schema, name = table.split(".")
    q = "select count(*) from information_schema.columns where table_schema = ? and table_name = ? and column_name = ?"
    return con.execute(q, [schema, name, column]).fetchone()[0] > 0


def show(state: dict, paths: settings.Paths) -> None:
    d, w = state["dagster"], state["warehouse"]
    daemon = (
        ", ".join(d["daemon"])
        if d["daemon"]
        else "[yellow]not running[/] (schedules, sensors and the queue need `orderhub ui` or a daemon)"
    )
    console.print(f"[bold]OrderHub[/] {paths.home}   (times: Beijing)\n  daemon: {daemon}")
    console.print(f"  runs: {d['in_progress']} in progress, {d['queued']} queued")
    runs = Table("run", "job", "status", "started", "took", "held by", box=None, pad_edge=False)
    for r in d["runs"]:
        style = {"SUCCESS": "green", "FAILURE": "red", "QUEUED": "yellow", "STARTED": "cyan"}.get(r["status"], "")
        took = f"{r['seconds']:.0f}s" if r["seconds"] is not None else "-"
        runs.add_row(
            r["run_id"],
            r["job"],
            f"[{style}]{r['status']}[/]" if style else r["status"],
            r["started"],
            took,
            r["held_by"] or "",
        )
    console.print(runs)
    fresh = Table("table", "last built", "age", "freshness", box=None, pad_edge=False)
    for f in d["freshness"]:
        style = {"late": "red", "warn": "yellow", "fresh": "green"}.get(f["state"], "")
        fresh.add_row(f["table"], f["updated"], f["age"], f"[{style}]{f['state']}[/]" if style else f["state"])
    console.print(fresh)
    console.print(f"\n[bold]Warehouse[/] (read from the {w['source']})")
    if w["held_windows"]:
        console.print(
            f"  [red]held windows[/] ({len(w['held_windows'])}): nothing downstream of them builds until they pass"
        )
        for line in w["held_windows"][:10]:
            console.print(escape(f"    {line}"))
    else:
        console.print("  held windows: none (every window's latest blocking check passed)")
    console.print(f"  open alerts: {w['open_alerts']}")
    for a in w["alerts"][:10]:
        console.print(escape(f"    {a['opened']} [{a['severity']}] {a['kind']} {a['asset']}: {a['message']}"))
    i = w["ingest"]
    console.print(
        f"  orders ingested: received {i['received']:,} = stored {i['stored']:,} + deduplicated "
        f"{i['deduplicated']:,} + quarantined {i['quarantined']:,}"
    )
    if w["quarantine"]:
        q = Table("quarantined", "source", "reason", "open", "total", box=None, pad_edge=False)
        for row in w["quarantine"]:
            q.add_row(row["entity"], row["source"], row["reason"], f"{row['open']:,}", f"{row['total']:,}")
        console.print(q)
        console.print(
            "  (order records count in the ingest line above; tickets and files are quarantined by their own steps)"
        )
    else:
        console.print("  quarantine: empty")


@click.command()
@click.option("--runs", "limit", type=int, default=8, show_default=True, help="how many recent runs to list")
@click.option("--json", "as_json", is_flag=True, help="print the same facts as JSON (for scripts and monitoring)")
def status(limit: int, as_json: bool) -> None:
    """Runs (in progress, queued, recent, with the window that held any), whether the daemon runs, freshness of
    the key tables, held windows, open alerts, ingest accounting and quarantine counts by reason."""
    paths = prepare()
    state = {"dagster": dagster_side(limit), "warehouse": None}
    target = settings.warehouse_target()
    if exists(target):
        state["warehouse"] = warehouse_side(paths)
    if as_json:
        click.echo(json.dumps(state, indent=2, ensure_ascii=False, default=str))
        return
    if state["warehouse"] is None:
        where = lake.parse(target).display if warehouse.is_lake(target) else target
        console.print(f"no warehouse at {where} yet: run `orderhub demo` (or let the schedules load data)")
        return
    show(state, paths)
