"""Analysts read a published copy while the writer keeps materializing: always a complete, consistent state."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import kpi_fixtures
import pytest

from orderhub import analysts, publish

DOCS = Path(__file__).resolve().parents[2] / "docs" / "analysts.md"

# kpi.daily_fulfilment must agree with hub.orders in the same copy, and 'all' must equal the channel sum.
INVARIANT_SQL = """
select
    (select count(*) from hub.orders) as hub_orders,
    (select sum(orders) from kpi.daily_fulfilment where channel <> 'all') as kpi_channel_orders,
    (select sum(orders) from kpi.daily_fulfilment where channel = 'all') as kpi_all_orders
"""

READER = r"""
import json, sys, time, duckdb
path, stop, sql = sys.argv[1], sys.argv[2], sys.argv[3]
import os
while not os.path.exists(stop):
    try:
        con = duckdb.connect(path, read_only=True)
    except duckdb.IOException:
        time.sleep(0.01)  # not published yet
        continue
    # (DuckDB reuses an open database within a process, so close before reconnecting to see a newer copy)
    try:
        print(json.dumps({"state": con.execute(sql).fetchone()}), flush=True)
    except Exception as err:
        print(json.dumps({"error": repr(err)}), flush=True)
    finally:
        con.close()
"""


def more_orders(con: duckdb.DuckDBPyConnection, round_no: int, n: int = 50) -> None:
    con.execute(
        """insert into hub.orders by name
           select 'jd:r' || ? || '-' || i as order_id, 'jd' as channel, 'jd-pop' as shop_id,
                  'r' || ? || '-' || i as channel_order_id, 'paid' as status, date '2026-11-19' as order_date,
                  timestamptz '2026-11-19 02:00:00+00' as created_at, timestamptz '2026-11-19 02:05:00+00' as paid_at,
                  100 as total_fen, 0 as discount_fen, 0 as freight_fen, 100 as paid_fen,
                  timestamptz '2026-11-19 02:05:00+00' as source_updated_at, now() as ingested_at
           from range(?) t(i)""",
        [round_no, round_no, n],
    )


def test_reader_process_sees_consistent_copies_while_writer_materializes(tmp_path):
    live, published = tmp_path / "warehouse.duckdb", tmp_path / "warehouse_ro.duckdb"
    con = kpi_fixtures.seeded_warehouse(live)
    stop = tmp_path / "stop"
    script = tmp_path / "reader.py"
    script.write_text(READER, encoding="utf-8")
    reader = subprocess.Popen(
        [sys.executable, str(script), str(published), str(stop), INVARIANT_SQL],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        publish.publish_readonly(con, live, published)
        first = reader.stdout.readline()  # the reader is up and reading before the writer goes on
        for round_no in range(1, 4):
            more_orders(con, round_no)  # the writer keeps writing the live file...
            kpi_fixtures.build_all(con)
            publish.publish_readonly(con, live, published)  # ...and publishes after each "run"
            time.sleep(0.05)
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=30)
        con.close()
    lines = [json.loads(line) for line in (first + out).splitlines() if line.strip()]
    assert lines, f"reader produced nothing: {err}"
    assert not [x for x in lines if "error" in x], lines[:5]
    states = {tuple(x["state"]) for x in lines}
    for hub_orders, kpi_channel, kpi_all in states:
        assert hub_orders == kpi_channel == kpi_all, states  # never a mix of two runs
    assert len({s[0] for s in states}) >= 2, "the reader should have seen more than one published run"
    assert not list(tmp_path.glob(".warehouse_ro.duckdb.*.tmp")), "temporary copies are cleaned up"


def test_open_session_keeps_reading_its_copy_across_a_publish(tmp_path):
    live, published = tmp_path / "warehouse.duckdb", tmp_path / "warehouse_ro.duckdb"
    con = kpi_fixtures.seeded_warehouse(live)
    publish.publish_readonly(con, live, published)
    analyst = publish.connect_readonly(published)
    before = analyst.execute(INVARIANT_SQL).fetchone()
    more_orders(con, 1)
    kpi_fixtures.build_all(con)
    publish.publish_readonly(con, live, published)
    assert analyst.execute(INVARIANT_SQL).fetchone() == before  # the old file stays whole while it is open
    analyst.close()
    fresh = publish.connect_readonly(published)
    after = fresh.execute(INVARIANT_SQL).fetchone()
    assert after[0] == before[0] + 50 and len(set(after)) == 1


def test_publish_now_gives_up_after_its_bounded_wait_while_another_process_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("ORDERHUB_WAREHOUSE_WAIT_SECONDS", "1")  # orderhub.warehouse waits its turn, bounded
    live = tmp_path / "warehouse.duckdb"
    kpi_fixtures.seeded_warehouse(live).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(live)!r}); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(duckdb.IOException, match="stayed locked by PID"):
            publish.publish_now(live, tmp_path / "ro.duckdb")
        assert not (tmp_path / "ro.duckdb").exists()
    finally:
        holder.kill()
        holder.wait()


def analyst_queries() -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Ten example queries", 1)[1]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.S)


def test_docs_have_ten_queries_and_each_runs_in_the_analysts_view(orderhub_home, backend):
    """The analysts' view `orderhub sql` opens: the published copy of a file, the live lake read-only."""
    queries = analyst_queries()
    assert len(queries) == 10
    kpi_fixtures.seeded_warehouse(orderhub_home.target).close()
    if backend == "duckdb":
        publish.publish_now()
    ro = analysts.connect()
    returned = {}
    for i, sql in enumerate(queries, 1):
        try:
            returned[i] = len(ro.execute(sql).fetchall())
        except duckdb.Error as err:  # pragma: no cover - the message is the point
            pytest.fail(f"analyst query {i} failed: {err}\n{sql}")
    # the queries that do not depend on today's date return the crafted rows
    assert returned[2] == 2 and returned[4] == 3 and returned[5] == 2 and returned[10] == 2
    with pytest.raises(duckdb.Error, match="read-only"):
        ro.execute("create table kpi.scratch as select 1")
