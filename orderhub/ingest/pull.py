"""Pulling the sources into raw: API channels by cursor window, the ERP poll loop, dropped export files.

Dagster-free (the assets pass in the connector objects). Each landed batch commits together with its
cursor advance / call log, so a failure part-way keeps everything before it and loses nothing after it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import duckdb

from orderhub.calllog import CallLog
from orderhub.ingest.landing import LandResult, get_cursor, land, set_cursor
from orderhub.standardize.moves import Move
from orderhub.transaction import retrying, transaction

log = logging.getLogger(__name__)
# However small the platform's window, land at least this much per transaction (PDD allows 30 minutes).
MIN_LANDING_CHUNK = timedelta(days=1)
REREAD = timedelta(minutes=30)


class OrderApi(Protocol):
    channel: str
    shop_id: str

    def fetch_orders(self, start: datetime, end: datetime, calls: CallLog) -> list[dict]: ...


class ErpSource(Protocol):
    def poll(self) -> list[dict]: ...

    def mark_synced(self, rows: list[dict]) -> int: ...


@dataclass
class PullReport:
    batches: list[LandResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    files_archived: list[str] = field(default_factory=list)
    files_rejected: list[str] = field(default_factory=list)
    files_waiting: list[str] = field(default_factory=list)  # left in place: being written, or waiting for a partner
    files_regrown: list[str] = field(default_factory=list)  # archived files read again because they grew
    moves: list[Move] = field(default_factory=list)  # quarantine replays

    @property
    def order_dates(self) -> list[date]:
        return sorted({d for b in self.batches for d in b.order_dates} | {d for m in self.moves for d in m.order_dates})

    def totals(self) -> dict[str, int]:
        keys = ("received", "stored", "deduplicated", "quarantined")
        return {k: sum(getattr(b, k) for b in self.batches) for k in keys}

    def by_source(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for b in self.batches:
            row = out.setdefault(
                f"{b.source}:{b.channel}:{b.shop_id}",
                dict.fromkeys(("batches", "received", "stored", "deduplicated", "quarantined"), 0),
            )
            row["batches"] += 1
            for k in ("received", "stored", "deduplicated", "quarantined"):
                row[k] += getattr(b, k)
        return out

    def metadata(self) -> dict[str, Any]:
        dates = self.order_dates
        return {
            **self.totals(),
            "batches": len(self.batches),
            "by_source": self.by_source(),
            "touched_dates": [d.isoformat() for d in dates],
            "touched_start": dates[0].isoformat() if dates else "",
            "touched_end": dates[-1].isoformat() if dates else "",
            "errors": self.errors,
            "files_archived": self.files_archived,
            "files_rejected": self.files_rejected,
            "files_waiting": self.files_waiting,
            "files_regrown": self.files_regrown,
        }


def cursor_name(channel: str, shop_id: str) -> str:
    return f"api:{channel}:{shop_id}"


def pull_api(
    con: duckdb.DuckDBPyConnection,
    api: OrderApi,
    *,
    mapping: str,
    start_default: datetime,
    until: datetime,
    max_window: timedelta,
    report: PullReport,
    run_id: str | None = None,
    reread: timedelta = REREAD,
) -> None:
    """Live pass [cursor, until), then a late sweep that reads every window once more after `reread` has
    passed, each chunk landed with its cursor advance in one transaction.

    Platforms index late: an update can become visible minutes after its modified time (the simulator
    delays ~1% by up to 20 minutes), after the live pass read that window. Re-reading the last `reread`
    on every run would catch it too, but at a 15-second peak cadence that re-reads each order ~120 times;
    the sweep reads each window exactly twice (re-fetched records simply deduplicate)."""
    name = cursor_name(api.channel, api.shop_id)
    late_name = f"{name}:late"
    before, late = get_cursor(con, name), get_cursor(con, late_name)
    live_start = max(datetime.fromisoformat(before), start_default) if before else start_default
    # no sweep cursor yet: from what earlier runs read live (upgrade / crash), or nothing on a first run
    sweep_from = datetime.fromisoformat(late) if late else (live_start - reread if before else None)
    chunk = max(max_window, MIN_LANDING_CHUNK)
    if not _pull_range(con, api, name, live_start, until, chunk, mapping, report, run_id):
        return
    sweep_to = until - reread
    # first run: everything before until - reread was settled when it was read just now
    sweep_from = max(start_default, sweep_to if sweep_from is None else sweep_from)
    if sweep_from < sweep_to:
        _pull_range(con, api, late_name, sweep_from, sweep_to, chunk, mapping, report, run_id)
    elif late is None:  # nothing to sweep yet: remember where the sweep starts
        with transaction(con):
            set_cursor(con, late_name, sweep_from.isoformat())


def _windows(api: OrderApi, start: datetime, end: datetime, calls: CallLog):
    """The platform windows of [start, end) with their records, oldest first (a connector without
    iter_order_windows is one window)."""
    if hasattr(api, "iter_order_windows"):
        yield from api.iter_order_windows(start, end, calls)
    else:
        yield start, end, api.fetch_orders(start, end, calls)


def _pull_range(
    con: duckdb.DuckDBPyConnection,
    api: OrderApi,
    cursor: str,
    start: datetime,
    until: datetime,
    chunk: timedelta,
    mapping: str,
    report: PullReport,
    run_id: str | None,
) -> bool:
    """Fetch [start, until) platform window by window and land the windows fetched so far, with the cursor at
    the end of the last one, every `chunk` (one transaction per chunk, not per 30-minute PDD window). A window
    that fails costs only itself: what came before it is landed, the cursor stops at its start, the next run
    retries from there. False when a window failed."""
    while start < until:
        end = min(start + chunk, until)
        calls = CallLog(run_id)
        records: list[dict] = []
        reached = start
        try:
            for _, window_end, window_records in _windows(api, start, end, calls):
                records += window_records
                reached = min(window_end, end)
        except Exception as exc:  # noqa: BLE001 - any failure: the windows before it land, the cursor stops there
            report.errors.append(f"{api.channel}/{api.shop_id} [{reached.isoformat()}, {end.isoformat()}): {exc}")
            log.warning("fetch failed, cursor %s stops at %s: %s", cursor, reached, exc)
            _land_window(con, api, mapping, records, start, reached, cursor, calls, report, run_id)
            return False
        _land_window(con, api, mapping, records, start, end, cursor, calls, report, run_id)
        start = end
    return True


def _land_window(con, api: OrderApi, mapping: str, records, start, end, cursor, calls, report, run_id) -> None:
    if end <= start:  # nothing fetched before the failure: only the call log is kept
        _flush_calls(con, calls)
        return
    report.batches.append(
        land(
            con,
            source="api",
            channel=api.channel,
            shop_id=api.shop_id,
            mapping=mapping,
            records=records,
            window=(start, end),
            cursor_updates={cursor: end.isoformat()},
            calls=calls,
            run_id=run_id,
        )
    )


def pull_erp(
    con: duckdb.DuckDBPyConnection,
    erp: ErpSource,
    *,
    report: PullReport,
    max_batches: int = 200,
    run_id: str | None = None,
) -> None:
    """Poll unsynced ERP rows until none are left; mark them synced only after their landing committed.

    A crash between the two re-delivers the same rows next time: same content, same hash, deduplicated."""
    for _ in range(max_batches):
        try:
            rows = erp.poll()
        except Exception as exc:  # noqa: BLE001 - an unreachable ERP is reported, the other sources go on
            report.errors.append(f"erp poll: {exc}")
            return
        if not rows:
            return
        report.batches.append(
            land(con, source="erp", channel="erp", shop_id=None, mapping="erp", records=rows, run_id=run_id)
        )
        erp.mark_synced(rows)


def land_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    archive: Path,
    report: PullReport,
    run_id: str | None = None,
    channel: str | None = None,
    workdir: Path | None = None,
) -> None:
    """Land one file dropped in landing/<folder>/ whole, or reject it whole (see orderhub.ingest.fileland)."""
    from orderhub.ingest.fileland import land_dropped  # the file readers are only needed for files

    path = Path(path)
    landing = path.parent.parent
    land_dropped(
        con,
        [path],
        landing=landing,
        archive=archive,
        workdir=workdir or archive.parent / "tmp",
        report=report,
        run_id=run_id,
    )


def _flush_calls(con: duckdb.DuckDBPyConnection, calls: CallLog) -> None:
    pending = list(calls.records)

    def write(con: duckdb.DuckDBPyConnection) -> None:
        calls.records[:] = pending  # appends never conflict, but a SQLite catalog may still say "locked"
        calls.flush(con)

    retrying(con, write, what="writing the API call log")
