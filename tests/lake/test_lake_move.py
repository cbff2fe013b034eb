"""`orderhub warehouse move-to URL`: a file's tables, SQL-model tables and views and its protected store move into
a new lake, identical; the file is kept; a lake that already holds data is refused."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.warehouse import warehouse as warehouse_cli
from orderhub import settings, warehouse
from orderhub.privacy import store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ingest"))
from ingest_kit import SOURCES, land_fixture, rebuild

TABLES = ("raw.channel_orders", "raw.channel_order_facts", "hub.orders", "hub.quarantine", "kpi.model_x")


@pytest.mark.file_only("moves a DuckDB file into a new lake: the source is the file by nature")
def test_a_file_moves_into_a_new_lake_and_the_file_stays(orderhub_home, tmp_path):
    file_path = settings.paths().warehouse
    con = warehouse.connect(file_path)
    for mapping in SOURCES:
        land_fixture(con, mapping)
    rebuild(con)
    con.execute("create schema if not exists kpi")
    con.execute("create table kpi.model_x as select channel, count(*) as n from hub.orders group by all")
    con.execute("create schema if not exists stg")
    con.execute("create view stg.v as select order_id from hub.orders")
    before = {t: con.execute(f"select * from {t} order by all").fetchall() for t in TABLES}
    (values,) = con.execute(f"select count(*) from {store.TABLE}").fetchone()
    con.close()
    url = f"ducklake:sqlite://{tmp_path}/lake/catalog.sqlite?data={tmp_path}/lake/data"

    res = CliRunner().invoke(warehouse_cli, ["move-to", url])
    assert res.exit_code == 0, res.output
    assert f"{values:,} personal values" in res.output

    lake_con = warehouse.connect(url)
    try:
        for t, rows in before.items():
            assert lake_con.execute(f"select * from {t} order by all").fetchall() == rows, t
        assert lake_con.execute("select count(*) from stg.v").fetchone()[0] == len(before["hub.orders"])
        store.attach(lake_con)
        assert lake_con.execute(f"select count(*) from {store.TABLE}").fetchone()[0] == values
    finally:
        lake_con.close()
    assert file_path.exists()
    again = CliRunner().invoke(warehouse_cli, ["move-to", url])
    assert again.exit_code == 1 and "already holds data" in again.output
