"""KPIs: the SQL models and the dashboard on a schedule, and the analysts' read-only copy.

Analysts read `$ORDERHUB_HOME/warehouse_ro.duckdb`, republished atomically (orderhub/publish.py) by the
dashboard step and, after every other successful run, by `publish_readonly_job` (launched by a run-status
sensor, so it queues in the warehouse pool behind any run that is writing).
"""

import dagster as dg

from assets.tables import key
from orderhub import gate, lake, publish, settings
from resources.gate import HELD_TAG
from resources.warehouse import WAREHOUSE_POOL, Warehouse

DASHBOARD = key("exports.dashboard")

kpi_refresh_job = dg.define_asset_job(
    "kpi_refresh",
    selection=dg.AssetSelection.groups("kpi_staging", "kpi"),
    description="Rebuild the KPI views/tables and the dashboard (and republish the analysts' copy).",
)
kpi_refresh_schedule = dg.ScheduleDefinition(
    job=kpi_refresh_job, cron_schedule="*/15 * * * *", default_status=dg.DefaultScheduleStatus.RUNNING
)


@dg.op(pool=WAREHOUSE_POOL, retry_policy=dg.RetryPolicy(max_retries=3, delay=5, backoff=dg.Backoff.EXPONENTIAL))
def publish_readonly_copy(context: dg.OpExecutionContext, warehouse: Warehouse) -> None:
    """Checkpoint the warehouse and atomically replace the analysts' read-only copy, unless a window's latest
    blocking check failed: then the copy stays at its last good state (analysts' stg views would read it)."""
    with warehouse.connect() as con:
        holds = gate.held(con)
        if holds:
            context.instance.add_run_tags(context.run_id, {HELD_TAG: f"{holds[0].asset}:{holds[0].window_key}"})
            context.log.warning(
                "the analysts' copy keeps its last good state: held by the quality gate\n" + gate.describe(holds)
            )
            return
        published = publish.publish_readonly(con, warehouse.resolved_path)
    context.log.info(f"published {published.path} ({published.tables} tables) in {published.seconds:.2f}s")


@dg.job(description="Republish $ORDERHUB_HOME/warehouse_ro.duckdb for analysts (read-only, atomic).")
def publish_readonly_job() -> None:
    publish_readonly_copy()


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    request_job=publish_readonly_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
)
def publish_after_successful_run(context: dg.RunStatusSensorContext):
    """After any successful run, queue one publish run (it waits in the warehouse pool for its turn)."""
    if context.dagster_run.job_name == publish_readonly_job.name:
        return dg.SkipReason("the publish job itself succeeded")
    if lake.is_lake(settings.warehouse_target()):
        return dg.SkipReason("the warehouse is a DuckLake: analysts read it live, there is no copy to publish")
    if DASHBOARD in (context.dagster_run.asset_selection or set()):
        return dg.SkipReason("the run's dashboard step already published the copy")
    pending = context.instance.get_runs(
        filters=dg.RunsFilter(
            job_name=publish_readonly_job.name,
            statuses=[dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING],
        ),
        limit=1,
    )
    if pending:
        return dg.SkipReason("a publish run is already queued; it will copy the newest state")
    return dg.RunRequest(run_key=f"publish-after-{context.dagster_run.run_id}")


defs = dg.Definitions(
    jobs=[kpi_refresh_job, publish_readonly_job],
    schedules=[kpi_refresh_schedule],
    sensors=[publish_after_successful_run],
)
