"""The quality gate across jobs, on the real definitions: one hub window fails a blocking check, and then
- no job (every job of the definitions, and a UI "Materialize" of everything downstream) builds any asset
  downstream of it; each held run names the window;
- the alert belongs to that window: another window passing does not resolve it, a second failing run does
  not re-send it, and it resolves when the same window passes;
- the held work resumes by itself (resume_held_work) once the window passes, and then builds.
"""

from __future__ import annotations

from datetime import date

import dagster as dg
import pandas as pd
import pytest
from quality_testkit import crafted_db, good_lines, good_orders

from orderhub import gate, warehouse
from pipelines.definitions import build
from pipelines.quality_gate import RESUMED_TAG, resume_held_work
from resources.gate import GATED_BY, HELD_TAG

pytestmark = pytest.mark.both_backends  # warehouse-facing: the DuckDB file and the lake (tests/conftest.py)

DAYS = [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)]
BAD = "2026-11-03"
HUB = [dg.AssetKey(["hub", t]) for t in ("orders", "order_lines", "order_status_history")]
RANGE = ("dagster/asset_partition_range_start", "dagster/asset_partition_range_end")


def hub_world(path, bad: bool) -> None:
    orders = []
    for i, day in enumerate(DAYS):
        frame = good_orders(3, day)
        frame["order_id"] = frame["order_id"] + f"-{i}"
        frame["channel_order_id"] = frame["channel_order_id"] + f"-{i}"
        orders.append(frame)
    frame = pd.concat(orders, ignore_index=True)
    if bad:  # a negative discount on one order of 2026-11-03: money_non_negative (and the line totals) fail
        frame.loc[frame["order_date"] == DAYS[1], "discount_fen"] = [-300, 500, 500]
    crafted_db(path, hub__orders=frame, hub__order_lines=good_lines(frame)).close()


@pytest.fixture()
def defs():
    checks_job = dg.define_asset_job(
        "hub_checks_only",
        selection=dg.AssetSelection.checks_for_assets(*HUB),
        partitions_def=build().resolve_assets_def(HUB[0]).partitions_def,
    )
    return dg.Definitions.merge(build(), dg.Definitions(jobs=[checks_job]))


def check_hub(defs, instance, start: str, end: str) -> dg.ExecuteInProcessResult:
    job = defs.resolve_job_def("hub_checks_only")
    return job.execute_in_process(instance=instance, tags=dict(zip(RANGE, (start, end))), raise_on_error=False)


def gated_by_hub(defs) -> set[dg.AssetKey]:
    out = set()
    for spec in defs.resolve_all_asset_specs():
        md = (spec.metadata or {}).get(GATED_BY)
        if md is not None and "hub.orders" in md.value:
            out.add(spec.key)
    return out


def with_siblings(defs, keys: set[dg.AssetKey]) -> list[dg.AssetKey]:
    """A multi-asset runs whole: select every asset it produces."""
    return sorted({k for key in keys for k in defs.resolve_assets_def(key).keys}, key=str)


def open_check_alerts(path) -> list[tuple[str, str]]:
    con = warehouse.connect(path)
    try:
        return con.execute(
            "select dedupe_key, kind from ops.alerts where dedupe_key like 'check:hub.orders:money%' "
            "order by created_at"
        ).fetchall()
    finally:
        con.close()


def test_a_failed_window_holds_everything_downstream_until_that_window_passes(orderhub_home, defs):
    path = orderhub_home.target
    hub_world(path, bad=True)
    with dg.instance_for_test() as instance:
        res = check_hub(defs, instance, "2026-11-02", "2026-11-04")
        assert not res.success  # the blocking checks failed the step
        evals = [
            e
            for e in res.get_asset_check_evaluations()
            if e.check_name == "money_non_negative" and e.asset_key == HUB[0]
        ]
        assert {(e.partition, e.passed) for e in evals} == {
            ("2026-11-02", True),
            (BAD, False),
            ("2026-11-04", True),
        }  # one result per partition, not one per range
        bad = next(e for e in evals if e.partition == BAD)
        assert bad.metadata["failing_count"].value == 1 and "-300" in bad.metadata["failing_sample"].value

        con = warehouse.connect(path)
        holds = gate.held(con, ["hub.orders"])
        con.close()
        assert {(h.window_key, h.check_name) for h in holds} >= {(BAD, "money_non_negative")}
        assert {h.window_key for h in holds} == {BAD}
        assert open_check_alerts(path) == [(f"check:hub.orders:money_non_negative:{BAD}", "check_failed")]

        # every job, and a UI materialization of everything downstream: nothing downstream of the hub builds
        downstream = gated_by_hub(defs)
        assert {dg.AssetKey(["stg", "stg_orders"]), dg.AssetKey(["kpi", "daily_fulfilment"])} <= downstream
        assert {dg.AssetKey(["inventory", "reservations"]), dg.AssetKey(["forecast", "daily_demand"])} <= downstream
        assert {dg.AssetKey(["hub", "fulfilment_tasks"]), dg.AssetKey(["exports", "dashboard"])} <= downstream
        runs = []
        for job in defs.resolve_all_job_defs():
            keys = with_siblings(defs, set(job.asset_layer.executable_asset_keys) & downstream)
            if keys and not job.partitions_def:
                runs.append(
                    (job.name, job.execute_in_process(instance=instance, asset_selection=keys, raise_on_error=False))
                )
        everything = with_siblings(defs, downstream)
        implicit = defs.resolve_implicit_job_def_def_for_assets(everything)
        runs.append(
            (
                "UI materialize",
                implicit.execute_in_process(instance=instance, asset_selection=everything, raise_on_error=False),
            )
        )
        assert {name for name, _ in runs} >= {
            "kpi_refresh",
            "operations_refresh_job",
            "forecast_daily",
            "UI materialize",
        }
        for name, result in runs:
            built = {e.asset_key for e in result.get_asset_materialization_events()}
            assert not built & downstream, f"{name} built {built & downstream} from a held window"
            failures = [e for e in result.all_events if e.is_step_failure]
            assert failures, name
            text = failures[0].event_specific_data.error.message + str(
                failures[0].event_specific_data.user_failure_data
            )
            assert BAD in text and "money_non_negative" in text, (name, text[:500])
            assert instance.get_run_by_id(result.run_id).tags[HELD_TAG].endswith(f":{BAD}")

        # another window passes: the alert of 2026-11-03 stays open, nothing is sent as a recovery
        assert check_hub(defs, instance, "2026-11-04", "2026-11-04").success
        # the same window fails again: still one open alert, not a second one
        assert not check_hub(defs, instance, BAD, BAD).success
        assert open_check_alerts(path) == [(f"check:hub.orders:money_non_negative:{BAD}", "check_failed")]
        ctx = dg.build_sensor_context(instance=instance, repository_def=defs.get_repository_def())
        assert isinstance(resume_held_work(ctx), dg.SkipReason)  # the window still fails: nothing resumes

        # the window is fixed and passes: its alert resolves, the gate opens, the held work resumes
        hub_world(path, bad=False)
        assert check_hub(defs, instance, BAD, BAD).success
        assert open_check_alerts(path) == [
            (f"check:hub.orders:money_non_negative:{BAD}", "check_failed"),
            (f"check:hub.orders:money_non_negative:{BAD}", "recovered"),
        ]
        con = warehouse.connect(path)
        assert gate.held(con) == []
        con.close()
        requests = resume_held_work(
            dg.build_sensor_context(instance=instance, repository_def=defs.get_repository_def())
        )
        assert isinstance(requests, list)
        held = {r.run_id for _, r in runs}
        assert {r.tags[RESUMED_TAG] for r in requests} <= held and len(requests) >= 1
        stg_orders = dg.AssetKey(["stg", "stg_orders"])
        request = next(r for r in requests if stg_orders in r.asset_selection)
        job = defs.resolve_implicit_job_def_def_for_assets([stg_orders])  # the first held step, now let through
        resumed = job.execute_in_process(instance=instance, asset_selection=[stg_orders], tags=request.tags)
        assert stg_orders in {e.asset_key for e in resumed.get_asset_materialization_events()}
        # resumed once: the sensor does not ask again for the same held run
        again = resume_held_work(dg.build_sensor_context(instance=instance, repository_def=defs.get_repository_def()))
        assert request.tags[RESUMED_TAG] not in {
            r.tags[RESUMED_TAG] for r in (again if isinstance(again, list) else [])
        }


def test_an_old_table_and_rule_keyed_check_alert_is_closed_quietly_on_upgrade():
    from orderhub import alerts
    from orderhub.migrate import upgrade

    con = warehouse.connect(":memory:")
    alerts.raise_alert(con, kind="check_failed", severity="error", message="old", dedupe_key="check:hub.orders:x")
    alerts.raise_alert(
        con, kind="check_failed", severity="error", message="new", dedupe_key=f"check:hub.orders:x:{BAD}"
    )
    con.execute("delete from ops.schema_migrations where step = 'check_alerts_keyed_by_window'")
    assert upgrade(con) == ["check_alerts_keyed_by_window"]
    rows = con.execute("select dedupe_key, resolved_at is null, kind from ops.alerts order by dedupe_key").fetchall()
    assert rows == [("check:hub.orders:x", False, "check_failed"), (f"check:hub.orders:x:{BAD}", True, "check_failed")]
