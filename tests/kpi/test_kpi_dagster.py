"""End to end in Dagster (in-process): every SQL model, its checks, the dashboard and the analysts' copy."""

from __future__ import annotations

import dagster as dg
import duckdb
import kpi_fixtures
import pytest

from assets.exports.dashboard import dashboard
from assets.sql_models import sql_models
from orderhub import analysts
from orderhub.sqlmodels import project
from pipelines import kpi
from quality.sql_tests import build_sql_test_checks
from resources.warehouse import Warehouse


def test_kpi_assets_materialize_check_and_publish(orderhub_home, monkeypatch, backend):
    live = orderhub_home.target
    kpi_fixtures.seeded_warehouse(live).close()
    monkeypatch.setenv("ORDERHUB_KPI_AS_OF", kpi_fixtures.AS_OF)
    checks = build_sql_test_checks(project.discover())
    result = dg.materialize([*sql_models, dashboard, *checks], resources={"warehouse": Warehouse(path=str(live))})
    assert result.success

    checks = result.get_asset_check_evaluations()
    assert checks and all(c.passed for c in checks), [c.check_name for c in checks if not c.passed]

    daily = result.asset_materializations_for_node("kpi__daily_fulfilment")[0].metadata
    assert daily["dagster/row_count"].value == 6 and "preview" in daily

    dash = result.asset_materializations_for_node("exports__dashboard")[0].metadata
    assert dash["kpi/api_success_rate"].value == 0.95
    assert dash["charts_drawn"].value == ["daily_trends", "orders_by_channel", "backlog", "heatmap", "breach_stages"]
    assert (orderhub_home.exports / "dashboard.html").stat().st_size > 3_000_000

    ro = analysts.connect()  # a file: the copy the dashboard step published; a lake: the lake itself, live
    assert ro.execute("select count(*) from kpi.sla_breaches").fetchone()[0] == 2
    ro.close()


@dg.op
def _noop() -> None:
    pass


@dg.job
def ingest_like_job() -> None:
    _noop()


def _sensor_result(instance: dg.DagsterInstance, run: dg.DagsterRun):
    ctx = dg.build_run_status_sensor_context(
        sensor_name=kpi.publish_after_successful_run.name,
        dagster_instance=instance,
        dagster_run=run,
        dagster_event=dg.DagsterEvent(event_type_value="PIPELINE_SUCCESS", job_name=run.job_name),
    )
    return kpi.publish_after_successful_run(ctx)


def test_publish_sensor_queues_one_publish_run_after_any_other_success():
    instance = dg.DagsterInstance.ephemeral()
    other = instance.create_run_for_job(ingest_like_job)
    request = _sensor_result(instance, other)
    assert isinstance(request, dg.RunRequest) and other.run_id in request.run_key

    own = instance.create_run_for_job(kpi.publish_readonly_job, status=dg.DagsterRunStatus.SUCCESS)
    assert isinstance(_sensor_result(instance, own), dg.SkipReason)  # no publish loop

    instance.create_run_for_job(kpi.publish_readonly_job, status=dg.DagsterRunStatus.NOT_STARTED)
    assert isinstance(_sensor_result(instance, other), dg.SkipReason)  # one queued publish covers it


@pytest.mark.file_only("publishing a read-only copy is how a DuckDB file serves analysts; a lake is read live")
def test_publish_job_publishes_the_copy(orderhub_home):
    kpi_fixtures.seeded_warehouse(orderhub_home.target).close()
    defs = dg.Definitions(
        jobs=[kpi.publish_readonly_job], resources={"warehouse": Warehouse(path=orderhub_home.target)}
    )
    assert defs.resolve_job_def("publish_readonly_job").execute_in_process().success
    ro = duckdb.connect(str(orderhub_home.warehouse_readonly), read_only=True)
    assert ro.execute("select count(*) from kpi.daily_fulfilment").fetchone()[0] == 6
