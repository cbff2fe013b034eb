"""Daemon-side alerting: run failures and freshness breaches are sent once, spooled (the warehouse may be
locked by a running writer), recorded later, and followed by a recovery message."""

from __future__ import annotations

import time
from datetime import timedelta

import dagster as dg
import pytest
from quality_testkit import Receiver

from orderhub import warehouse
from orderhub.notify import deliver_pending
from pipelines import alerts as ops_sensors
from quality.freshness import FRESHNESS, policy_for
from resources.notifier import Notifier


@pytest.fixture()
def receiver():
    r = Receiver(ok_body="ok")
    yield r
    r.close()


@dg.asset(key=["hub", "orders"], freshness_policy=FRESHNESS["hub_orders"])
def orders() -> None:
    pass


BROKEN = {"fails": True}


@dg.asset(key=["kpi", "broken"])
def broken() -> None:
    if BROKEN["fails"]:
        raise RuntimeError("boom")


@dg.asset(key=["kpi", "gated"])
def gated() -> None:
    pass


# named like quality.wiring's suite checks, which raise their own check_failed alert before failing the step
@dg.multi_asset_check(name="kpi_gated_quality", specs=[dg.AssetCheckSpec("rows_valid", asset=gated, blocking=True)])
def gated_quality():
    yield dg.AssetCheckResult(asset_key=gated.key, check_name="rows_valid", passed=False)


@dg.asset(key=["kpi", "model"], check_specs=[dg.AssetCheckSpec("yaml_test", asset=["kpi", "model"], blocking=True)])
def model():  # a SQL model with a blocking YAML test: nothing else alerts for it
    yield dg.Output(None)
    yield dg.AssetCheckResult(check_name="yaml_test", passed=False)


def test_run_failure_alert_is_sent_once_per_job_and_recovers(orderhub_home, receiver):
    notifier = Notifier(webhook_url=receiver.url + "/hook", kind="slack")
    with dg.instance_for_test() as instance:
        for _ in range(2):
            res = dg.materialize([broken], instance=instance, raise_on_error=False)
            ctx = dg.build_run_status_sensor_context(
                sensor_name="run_failure_alerts",
                dagster_event=res.get_run_failure_event(),
                dagster_instance=instance,
                dagster_run=res.dagster_run,
            ).for_run_failure()
            ops_sensors.run_failure_alerts(ctx, notifier=notifier)
        assert len(receiver.requests) == 1
        text = receiver.requests[0]["json"]["text"]
        assert "failed" in text and "boom" in text
        # a UI materialization runs as Dagster's __ASSET_JOB: the alert names the assets instead
        assert "materialization of kpi.broken" in text and "__ASSET_JOB" not in text

        def recovery(result):
            ctx = dg.build_run_status_sensor_context(
                sensor_name="run_recovery_alerts",
                dagster_event=result.get_run_success_event(),
                dagster_instance=instance,
                dagster_run=result.dagster_run,
            )
            ops_sensors.run_recovery_alerts(ctx, notifier=notifier)

        recovery(dg.materialize([orders], instance=instance))  # another asset's success: no false recovery
        assert len(receiver.requests) == 1
        BROKEN["fails"] = False
        try:
            recovery(dg.materialize([broken], instance=instance))
        finally:
            BROKEN["fails"] = True
    assert len(receiver.requests) == 2 and "succeeded again" in receiver.requests[1]["json"]["text"]
    con = warehouse.connect()
    deliver_pending(con, notifier)  # the delivery pass records what the daemon sent, without re-sending
    rows = con.execute("select kind, delivery_status from ops.alerts order by created_at").fetchall()
    con.close()
    assert rows == [("run_failed", "sent"), ("recovered", "sent")] and len(receiver.requests) == 2


def test_freshness_breach_alerts_once_and_recovers(orderhub_home, receiver, monkeypatch):
    notifier = Notifier(webhook_url=receiver.url + "/hook", kind="slack")
    defs = dg.Definitions(assets=[orders])
    with dg.instance_for_test() as instance:
        dg.materialize([orders], instance=instance)

        def tick(cursor, hours_later):
            monkeypatch.setattr(ops_sensors.time, "time", lambda: _now + hours_later * 3600)
            ctx = dg.build_sensor_context(instance=instance, definitions=defs, cursor=cursor)
            return ops_sensors.freshness_alerts(ctx, notifier=notifier).cursor

        _now = time.time()
        cursor = tick(None, 0)
        assert receiver.requests == []
        cursor = tick(cursor, 1.5)  # past warn_window (1 h)
        cursor = tick(cursor, 1.6)
        assert len(receiver.requests) == 1 and "warning" in receiver.requests[0]["json"]["text"]
        cursor = tick(cursor, 3)  # past fail_window (2 h): escalates
        assert "fresh" in receiver.requests[1]["json"]["text"] and "error" in receiver.requests[2]["json"]["text"]
        dg.materialize([orders], instance=instance)
        cursor = tick(cursor, 0)
        assert "fresh again" in receiver.requests[-1]["json"]["text"]
        assert len(receiver.requests) == 4


def test_freshness_policies_are_applied_once_by_the_definitions_without_overwriting():
    from pipelines.definitions import _policies, build

    specs = {s.key: s for s in build().resolve_all_asset_specs()}
    assert specs[dg.AssetKey(["kpi", "daily_fulfilment"])].freshness_policy == FRESHNESS["kpi"]
    assert specs[dg.AssetKey(["hub", "orders"])].freshness_policy == FRESHNESS["hub_orders"]
    assert specs[dg.AssetKey(["stg", "stg_orders"])].freshness_policy is None
    custom = dg.FreshnessPolicy.time_window(fail_window=timedelta(minutes=5))
    own = dg.AssetSpec(key=["inventory", "availability"], freshness_policy=custom)
    assert _policies(own).freshness_policy == custom
    assert policy_for(dg.AssetKey(["inventory", "availability"])) == FRESHNESS["inventory"]


def test_a_run_stopped_only_by_a_blocking_check_does_not_page_twice(orderhub_home, receiver):
    notifier = Notifier(webhook_url=receiver.url + "/hook", kind="slack")
    with dg.instance_for_test() as instance:
        for selection, pages in (([gated, gated_quality], 0), ([model], 1)):
            res = dg.materialize(selection, instance=instance, raise_on_error=False)
            assert not res.success
            ctx = dg.build_run_status_sensor_context(
                sensor_name="run_failure_alerts",
                dagster_event=res.get_run_failure_event(),
                dagster_instance=instance,
                dagster_run=res.dagster_run,
            ).for_run_failure()
            ops_sensors.run_failure_alerts(ctx, notifier=notifier)
            assert len(receiver.requests) == pages
    assert "yaml_test" in receiver.requests[0]["json"]["text"]
