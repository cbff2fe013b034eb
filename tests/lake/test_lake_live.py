"""What the lake gives users, with real processes on a SQLite-catalog lake: an analyst reads live tables while a
writer runs (zero failed reads, snapshot isolation), time travel answers "what did hub.orders say then", two jobs
write different tables at once, a backfill split into concurrent runs equals one run, and maintenance keeps the
file count bounded under repeated ingest cycles."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.sql import sql
from orderhub import analysts, warehouse
from orderhub.maintenance import file_stats, maintain

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lake_writer import land_fixture, rebuild, trades

WRITER = Path(__file__).with_name("lake_writer.py")
REPO = Path(__file__).resolve().parents[2]
PER_CYCLE = 20


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def writer(*args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WRITER), *map(str, args)],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen, timeout: float = 240) -> list[str]:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    return out.splitlines()


@pytest.fixture()
def lake_home(backend, orderhub_home):
    if backend != "ducklake":
        pytest.skip("lake only")
    warehouse.connect().close()  # created by a writer before any reader looks
    return orderhub_home


@pytest.mark.parametrize("backend", ["ducklake"], indirect=True)
def test_an_analyst_reads_live_while_ingest_cycles_run_and_can_look_back(lake_home):
    proc = writer("cycles", 0, PER_CYCLE, 4)
    reads, failures, seen = 0, [], []
    view = analysts.connect()
    try:
        while proc.poll() is None:
            try:
                # one snapshot per query: the hub never shows more orders than raw holds records
                orders, records = view.execute(
                    "select (select count(*) from hub.orders), (select count(*) from raw.channel_orders)"
                ).fetchone()
                assert orders <= records
                seen.append(orders)
                reads += 1
            except Exception as exc:  # noqa: BLE001 - every failed read is the finding
                failures.append(repr(exc))
            time.sleep(0.05)
        lines = finish(proc)
        final = view.execute("select count(*) from hub.orders").fetchone()[0]
    finally:
        view.close()
    assert failures == []
    assert reads >= 5 and seen == sorted(seen)  # live: counts only grow, as the writer commits
    assert final == 4 * PER_CYCLE
    # time travel: right after cycle 1 committed, the hub held exactly two cycles' orders
    after_cycle_1 = datetime.fromisoformat(lines[1].split()[1])
    runner = CliRunner()
    res = runner.invoke(sql, ["--json", "--at", after_cycle_1.isoformat(), "select count(*) as n from hub.orders"])
    assert res.exit_code == 0, res.output
    assert '"n": 40' in res.output
    res = runner.invoke(sql, ["select count(*) as n from hub.orders"])
    assert res.exit_code == 0 and "\n80\n" in res.output


@pytest.mark.parametrize("backend", ["ducklake"], indirect=True)
def test_two_jobs_writing_different_tables_and_a_split_backfill_run_at_once(lake_home):
    landing = writer("land", 1000, PER_CYCLE, 3)  # raw.*
    rebuilding = writer("rebuild", 3)  # hub.*, reading raw as it grows
    finish(landing)
    finish(rebuilding)
    # a backfill as two concurrent runs over halves of the window, then the same window as one run
    first, second = writer("backfill", "2026-11-01", "2026-11-05"), writer("backfill", "2026-11-06", "2026-11-10")
    finish(first)
    finish(second)
    con = warehouse.connect()
    try:
        split = con.execute("select * from hub.orders order by order_id").fetchall()
        assert len(split) == 3 * PER_CYCLE
        rebuild(con)
        assert con.execute("select * from hub.orders order by order_id").fetchall() == split
    finally:
        con.close()


@pytest.mark.parametrize("backend", ["ducklake"], indirect=True)
def test_maintenance_keeps_the_file_count_bounded_under_ingest_cycles(lake_home, monkeypatch):
    monkeypatch.setenv("ORDERHUB_LAKE_SNAPSHOT_RETENTION", "1 second")
    monkeypatch.setenv("ORDERHUB_LAKE_FILE_GRACE", "1 second")
    after = []
    con = warehouse.connect()
    try:
        for round_ in range(3):
            for cycle in range(2):
                land_fixture(con, "taobao_api", trades(round_ * 100 + cycle * PER_CYCLE, PER_CYCLE))
            rebuild(con)
            time.sleep(1.1)
            before = file_stats(con)
            result = maintain(con, logging.getLogger("test"))
            after.append(result.after)
            assert result.after.snapshots < before.snapshots
    finally:
        con.close()
    # three rounds of cycles, yet no more live files after the third maintenance than after the first
    assert after[2].live_files <= after[0].live_files + 2, after
    assert all(a.snapshots <= 3 for a in after), after  # expired beyond the retention, whatever the cycles
