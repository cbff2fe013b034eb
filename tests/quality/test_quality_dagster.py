"""The checks inside Dagster: a failing blocking check skips the downstream asset, shows count + sample as
metadata, raises one alert; fixing the data lets the downstream run and queues a recovery message."""

from __future__ import annotations

import dagster as dg
import pytest
from quality_testkit import crafted_db, good_lines, good_orders

from orderhub import warehouse
from quality.checks import build_checks, load_suites
from resources.notifier import Notifier
from resources.quality_settings import QualitySettings
from resources.warehouse import Warehouse

pytestmark = pytest.mark.both_backends  # warehouse-facing: the DuckDB file and the lake (tests/conftest.py)

PARTS = dg.DailyPartitionsDefinition(start_date="2026-11-01")
STATE = {"bad": True}


@dg.asset(key=["hub", "orders"], partitions_def=PARTS)
def orders(warehouse: Warehouse) -> None:
    frame = good_orders()
    if STATE["bad"]:
        frame.loc[1, "status"] = "teleported"
    crafted_db(warehouse.resolved_path, hub__orders=frame, hub__order_lines=good_lines(frame)).close()


@dg.asset(key=["kpi", "downstream"], deps=[orders], partitions_def=PARTS)
def downstream() -> None:
    pass


@pytest.fixture()
def run(orderhub_home):
    checks = build_checks({"hub.orders": True}, {"hub.orders": load_suites()["hub.orders"]})
    resources = {
        "warehouse": Warehouse(),
        "notifier": Notifier(),
        "quality_settings": QualitySettings(),
    }

    def _run(bad: bool) -> dg.ExecuteInProcessResult:
        STATE["bad"] = bad
        return dg.materialize(
            [orders, downstream, *checks], resources=resources, partition_key="2026-11-10", raise_on_error=False
        )

    return _run


def test_blocking_failure_skips_downstream_and_alerts_once_then_recovers(run, orderhub_home):
    res = run(bad=True)
    assert not res.success
    materialized = {e.asset_key.path[0] for e in res.get_asset_materialization_events()}
    assert materialized == {"hub"}  # kpi.downstream never ran
    evals = {e.check_name: e for e in res.get_asset_check_evaluations()}
    status = evals["status_valid"]
    assert not status.passed and status.severity == dg.AssetCheckSeverity.ERROR
    assert status.metadata["failing_count"].value == 1
    assert "teleported" in status.metadata["failing_sample"].value
    assert status.metadata["window"].value == "2026-11-10..2026-11-10"
    assert evals["order_id_unique"].passed

    run(bad=True)  # same open problem: no second alert
    con = warehouse.connect()
    alerts = con.execute("select kind, severity, asset, delivery_status, message from ops.alerts").fetchall()
    con.close()
    assert len(alerts) == 1 and alerts[0][:4] == ("check_failed", "error", "hub.orders", "not_configured")
    assert "status_valid" in alerts[0][4] and "teleported" in alerts[0][4]

    res = run(bad=False)
    assert res.success
    assert {tuple(e.asset_key.path) for e in res.get_asset_materialization_events()} == {
        ("hub", "orders"),
        ("kpi", "downstream"),
    }
    con = warehouse.connect()
    kinds = con.execute("select kind from ops.alerts order by created_at").fetchall()
    con.close()
    assert kinds == [("check_failed",), ("recovered",)]


def test_checks_attach_only_to_present_tables_and_pii_to_analytics_schemas():
    checks = build_checks(
        {"hub.orders": True, "kpi.daily_fulfilment": False, "stg.stg_orders": False, "hub.quarantine": False}
    )
    keys = {(".".join(k.asset_key.path), k.name) for c in checks for k in c.check_keys}
    assert ("hub.orders", "order_id_unique") in keys and ("hub.orders", "no_clear_pii") in keys
    assert ("kpi.daily_fulfilment", "no_clear_pii") in keys
    assert not any(t == "stg.stg_orders" for t, _ in keys)
    assert ("hub.quarantine", "quarantine_share_low") in keys and ("hub.quarantine", "no_clear_pii") not in keys
    assert not any(t == "hub.order_lines" for t, _ in keys)  # not present: not wired


def test_every_analytics_table_of_the_merged_definitions_gets_the_pii_check():
    """Catches an asset the definitions load whose table the checks do not cover."""
    from pipelines.definitions import build
    from quality.pii import EXEMPT_TABLES, PII_SCHEMAS

    graph = build().resolve_asset_graph()
    checked = {k.asset_key for k in graph.asset_check_keys if k.name == "no_clear_pii"}
    missing = [
        key.to_user_string()
        for key in graph.materializable_asset_keys
        if key.path[0] in PII_SCHEMAS and ".".join(key.path) not in EXEMPT_TABLES and key not in checked
    ]
    assert not missing
