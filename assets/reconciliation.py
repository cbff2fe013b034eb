"""Reconciliation domain: the hub checked order by order against the seller's old way, during the dual run."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg
from pydantic import Field

from orderhub import settings
from orderhub.reconcile.compare import open_mismatches
from orderhub.reconcile.run import run_reconciliation
from pipelines.partitions import START_DATE, WAREHOUSE_POOL
from resources.erp import ErpBridge
from resources.warehouse import Warehouse

GROUP = "reconciliation"
SUMMARY = dg.AssetKey(["ops", "reconciliation"])
DIFFS = dg.AssetKey(["ops", "reconciliation_diffs"])


class ReconciliationConfig(dg.Config):
    days: int = Field(default=35, ge=1, description="Reconcile orders created in the last N business days.")
    erp: bool = Field(default=True, description="Compare ERP orders (so_header) with hub 'erp' orders.")
    exports: bool = Field(default=True, description="Compare archived seller-center reports with the hub.")


def _since(days: int) -> date:
    # never before the first day the hub keeps: older ERP orders would all look missing in the hub
    today = datetime.now(ZoneInfo(settings.BUSINESS_TZ)).date()
    return max(today - timedelta(days=days), date.fromisoformat(START_DATE))


@dg.multi_asset(
    specs=[
        dg.AssetSpec(SUMMARY, group_name=GROUP, kinds={"duckdb", "python"}, deps=[dg.AssetKey(["hub", "orders"])],
                     description="Per day and channel: does OrderHub agree with the old way? Order counts, paid "
                                 "amounts and statuses of the hub against the legacy ERP tables and the "
                                 "seller-center export files, with how many orders differ and why. The evidence "
                                 "for switching the order flow over after the dual-run week."),
        dg.AssetSpec(DIFFS, group_name=GROUP, kinds={"duckdb", "python"}, deps=[dg.AssetKey(["hub", "orders"])],
                     description="Every order on which the hub and the old way disagree, with the reason "
                                 "(missing in the hub, missing in the source, amount or status mismatch) and "
                                 "whether it is just in flight (changed in the source after the last ingest)."),
    ],
    check_specs=[dg.AssetCheckSpec("hub_agrees_with_old_way", asset=SUMMARY,
                                   description="Warn when the hub differs from the ERP or the export files "
                                               "(differences still in flight excepted).")],
    pool=WAREHOUSE_POOL,
)
def reconciliation(context: dg.AssetExecutionContext, config: ReconciliationConfig, warehouse: Warehouse,
                   erp: ErpBridge):
    since = _since(config.days)
    with warehouse.connect() as con:
        report = run_reconciliation(con, erp_engine=erp.engine() if config.erp else None,
                                    archive=settings.paths().archive if config.exports else None, since=since)
        bad = open_mismatches(con, since)
        sample = con.execute("""select recon_date, channel, source, order_id, reason, source_status, hub_status,
                                       source_paid_fen, hub_paid_fen from ops.reconciliation_diffs
                                where not is_in_flight and recon_date >= ? order by recon_date, order_id limit 20""",
                             [since]).df()
    for problem in report.problems:
        context.log.warning(problem)
    meta = {"since": since.isoformat(), "by_source": dg.MetadataValue.json(report.by_scope),
            "problems": dg.MetadataValue.json(report.problems)}
    yield dg.MaterializeResult(asset_key=SUMMARY, metadata={**meta, "mismatched_days": len(bad)})
    yield dg.MaterializeResult(asset_key=DIFFS, metadata={"diffs_not_in_flight": report.diffs_not_in_flight})
    yield dg.AssetCheckResult(
        asset_key=SUMMARY, check_name="hub_agrees_with_old_way", severity=dg.AssetCheckSeverity.WARN,
        passed=report.diffs_not_in_flight == 0 and not report.problems,
        metadata={"differing_orders": report.diffs_not_in_flight, "mismatched_days": len(bad),
                  "problems": dg.MetadataValue.json(report.problems),
                  "sample": dg.MetadataValue.md(sample.to_markdown(index=False) if len(sample) else "none")},
    )


reconciliation_job = dg.define_asset_job(
    "reconciliation_job", selection=dg.AssetSelection.groups(GROUP), executor_def=dg.in_process_executor,
    description="Dual run: compare the hub with the ERP tables and the seller-center exports.")

reconciliation_schedule = dg.ScheduleDefinition(
    job=reconciliation_job, cron_schedule="40 * * * *", execution_timezone=settings.BUSINESS_TZ,
    default_status=dg.DefaultScheduleStatus.RUNNING)

defs = dg.Definitions(assets=[reconciliation], jobs=[reconciliation_job], schedules=[reconciliation_schedule])
