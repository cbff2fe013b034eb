"""`orderhub status` reads the warehouse ORDERHUB_WAREHOUSE names, a DuckDB file or a lake: the ingest accounting
and quarantine it prints are the warehouse's own."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ingest"))
from ingest_kit import land_fixture

from cli.main import main
from orderhub import warehouse

pytestmark = pytest.mark.both_backends


def _status(monkeypatch, home) -> dict:
    monkeypatch.setenv("DAGSTER_HOME", str(home.dagster_home))
    result = CliRunner().invoke(main, ["status", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["warehouse"]


def test_status_reports_the_warehouse_of_either_backend(orderhub_home, monkeypatch):
    assert _status(monkeypatch, orderhub_home) is None  # nothing landed yet: no warehouse to report
    con = warehouse.connect()
    landed = land_fixture(con, "taobao_api")
    con.close()
    state = _status(monkeypatch, orderhub_home)
    assert state["source"] == "live warehouse"
    ingest = state["ingest"]
    assert landed.received > 0
    assert (ingest["received"], ingest["stored"], ingest["quarantined"]) == (
        landed.received,
        landed.stored,
        landed.quarantined,
    )
    assert sum(q["open"] for q in state["quarantine"]) == landed.quarantined
