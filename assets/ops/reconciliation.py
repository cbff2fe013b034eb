"""ops.reconciliation, with ops.reconciliation_diffs: one multi-asset, since one comparison of the hub with
the seller's old way (ERP tables, archived seller-center exports) writes the daily summary and the
order-by-order differences together. Side table: ops.alerts (a source that cannot be read)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg
from pydantic import Field

from assets.tables import key, row_count
from orderhub import alerts, settings
from orderhub.reconcile.compare import open_mismatches
from orderhub.reconcile.run import run_reconciliation
from resources.erp import ErpBridge
from resources.warehouse import WAREHOUSE_POOL, Warehouse

GROUP = "reconciliation"
SUMMARY, DIFFS = key("ops.reconciliation"), key("ops.reconciliation_diffs")


class ReconciliationConfig(dg.Config):
    days: int = Field(default=35, ge=1, description="Reconcile orders created in the last N business days.")
    erp: bool = Field(default=True, description="Compare ERP orders (so_header) with hub 'erp' orders.")
    exports: bool = Field(default=True, description="Compare archived seller-center reports with the hub.")


def _since(days: int) -> date:
    # never before the first day the hub keeps: older ERP orders would all look missing in the hub
    today = datetime.now(ZoneInfo(settings.BUSINESS_TZ)).date()
    return max(today - timedelta(days=days), date.fromisoformat(settings.start_date()))


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            SUMMARY,
            group_name=GROUP,
            kinds={"duckdb", "python"},
            deps=[key("hub.orders")],
            description="Per day and channel: does OrderHub agree with the old way? Order counts, paid "
            "amounts and statuses of the hub against the legacy ERP tables and the "
            "seller-center export files, with how many orders differ and why. The evidence "
            "for switching the order flow over after the dual-run week.",
        ),
        dg.AssetSpec(
            DIFFS,
            group_name=GROUP,
            kinds={"duckdb", "python"},
            deps=[key("hub.orders")],
            description="Every order on which the hub and the old way disagree, with the reason "
            "(missing in the hub, missing in the source, amount or status mismatch) and "
            "whether it is just in flight (changed in the source after the last ingest).",
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def reconciliation(
    context: dg.AssetExecutionContext, config: ReconciliationConfig, warehouse: Warehouse, erp: ErpBridge
):
    since = _since(config.days)
    with warehouse.connect() as con:
        report = run_reconciliation(
            con,
            erp_engine=erp.engine() if config.erp else None,
            archive=settings.paths().archive if config.exports else None,
            since=since,
        )
        bad = open_mismatches(con, since)
        if report.problems:  # a source that cannot be read is an incident, not a silent skip
            alerts.raise_alert(
                con,
                kind="reconciliation_source",
                severity="warning",
                asset="ops.reconciliation",
                dedupe_key="reconciliation:sources",
                message="; ".join(report.problems)[:2000],
            )
        else:
            alerts.resolve_alert(con, dedupe_key="reconciliation:sources", message="every source readable again")
        counts = {t: row_count(con, t) for t in ("ops.reconciliation", "ops.reconciliation_diffs")}
    for problem in report.problems:
        context.log.warning(problem)
    meta = {
        "since": since.isoformat(),
        "by_source": dg.MetadataValue.json(report.by_scope),
        "problems": dg.MetadataValue.json(report.problems),
    }
    yield dg.MaterializeResult(
        asset_key=SUMMARY, metadata={**counts["ops.reconciliation"], **meta, "mismatched_days": len(bad)}
    )
    yield dg.MaterializeResult(
        asset_key=DIFFS,
        metadata={**counts["ops.reconciliation_diffs"], "diffs_not_in_flight": report.diffs_not_in_flight},
    )
