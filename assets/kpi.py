"""kpi domain: the SQL models (staging views + KPI tables), the operations dashboard, and the analysts' copy.

- Every `dbt_like_sql/**.sql` file is an asset (see orderhub/sqlmodels): key = the table it builds, deps =
  the tables its SQL reads, its sidecar YAML tests = blocking asset checks.
- `exports/dashboard` writes `$ORDERHUB_HOME/exports/dashboard.html` and shows the KPIs as metadata.
- Analysts read `$ORDERHUB_HOME/warehouse_ro.duckdb`, republished atomically (orderhub/publish.py) by the
  dashboard step and, after every other successful run, by `publish_readonly_job` (launched by a
  run-status sensor, so it queues in the warehouse pool behind any run that is writing).
"""


import dagster as dg

from orderhub import publish, settings
from orderhub.dashboard import data as dashboard_data
from orderhub.dashboard import metadata as dashboard_metadata
from orderhub.dashboard import render
from orderhub.sqlmodels.assets import model_assets
from pipelines.partitions import WAREHOUSE_POOL
from quality.freshness import with_freshness
from resources.warehouse import Warehouse

sql_models = model_assets()

# ops.api_calls is appended to by every HTTP client (orderhub/http.py) inside other assets' runs; no asset
# owns it, so it is declared here as an external table for the KPI lineage (and so it has a description).
api_calls_log = dg.AssetSpec(
    key=dg.AssetKey(["ops", "api_calls"]),
    description="Every HTTP attempt to a channel, the WMS, logistics or a webhook (retries included), written "
    "by the shared HTTP client during ingestion, inventory sync and fulfilment runs. Feeds the API success KPI.",
    kinds={"duckdb"},
    group_name="ops",
)
KPI_TABLES = [key for a in sql_models for key in a.keys if key.path[0] == "kpi"]
DASHBOARD_KEY = dg.AssetKey(["exports", "dashboard"])


@dg.asset(
    key=DASHBOARD_KEY,
    deps=KPI_TABLES,
    kinds={"duckdb", "html", "plotly"},
    group_name="kpi",
    pool=WAREHOUSE_POOL,
)
def dashboard(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """The operations dashboard management looks at: one page (exports/dashboard.html) that opens offline,
    with the four KPIs coloured against their targets, daily trends, what is waiting per channel, the
    weekday × hour delay heatmap for staffing, current stock-outs and the top purchase suggestions.
    The same KPI figures appear here as metadata. Also republishes the analysts' read-only copy."""
    target = settings.paths().exports / "dashboard.html"
    with warehouse.connect() as con:
        data = dashboard_data.load(con)
        path, drawn = render.write_dashboard(data, target)
        published = publish.publish_readonly(con, warehouse.resolved_path)
    context.log.info(f"dashboard written to {path}; analysts' copy published to {published.path}")
    return dg.MaterializeResult(
        metadata={
            **dashboard_metadata.kpi_metadata(data),
            "dashboard_path": dg.MetadataValue.path(str(path)),
            "charts_drawn": dg.MetadataValue.json(drawn),
            "readonly_copy": dg.MetadataValue.path(str(published.path)),
            "readonly_copy_mb": dg.MetadataValue.float(round(published.size_bytes / 1e6, 2)),
        }
    )


@dg.op(pool=WAREHOUSE_POOL, retry_policy=dg.RetryPolicy(max_retries=3, delay=5, backoff=dg.Backoff.EXPONENTIAL))
def publish_readonly_copy(context: dg.OpExecutionContext, warehouse: Warehouse) -> None:
    """Checkpoint the warehouse and atomically replace the analysts' read-only copy."""
    with warehouse.connect() as con:
        published = publish.publish_readonly(con, warehouse.resolved_path)
    context.log.info(f"published {published.path} ({published.tables} tables) in {published.seconds:.2f}s")


@dg.job(
    description="Republish $ORDERHUB_HOME/warehouse_ro.duckdb for analysts (read-only, atomic).",
    executor_def=dg.in_process_executor,
)
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
    if DASHBOARD_KEY in (context.dagster_run.asset_selection or set()):
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


kpi_refresh_job = dg.define_asset_job(
    "kpi_refresh",
    selection=dg.AssetSelection.groups("kpi_staging", "kpi"),
    executor_def=dg.in_process_executor,  # ~20 sub-second SQL steps: a process each would dominate
    description="Rebuild the KPI views/tables and the dashboard (and republish the analysts' copy).",
)

kpi_refresh_schedule = dg.ScheduleDefinition(
    job=kpi_refresh_job, cron_schedule="*/15 * * * *", default_status=dg.DefaultScheduleStatus.RUNNING
)

# KPI tables carry the shared daily freshness policy (quality/freshness.py), so a missed refresh shows up.
defs = dg.Definitions.merge(
    with_freshness(dg.Definitions(assets=[*sql_models, dashboard, api_calls_log])),
    dg.Definitions(
        jobs=[kpi_refresh_job, publish_readonly_job],
        schedules=[kpi_refresh_schedule],
        sensors=[publish_after_successful_run],
    ),
)
