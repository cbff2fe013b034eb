"""ops.alerts: every alert OrderHub raised (failed checks, failed runs, freshness, stock-outs, replenishment)
with its delivery state. Assets and checks raise alerts into it as they run; this asset is the delivery
pass: it records alerts the daemon's sensors spooled (they never open the warehouse) and (re)sends pending
and failed ones through the notifier."""

import dagster as dg

from assets.tables import key, row_count
from orderhub.notify import deliver_pending
from resources.notifier import Notifier
from resources.warehouse import WAREHOUSE_POOL, Warehouse


@dg.asset(key=key("ops.alerts"), group_name="ops", kinds={"duckdb", "python"}, pool=WAREHOUSE_POOL)
def alerts(context: dg.AssetExecutionContext, warehouse: Warehouse, notifier: Notifier) -> dg.MaterializeResult:
    """Every alert on-call received or should receive: what failed, how bad, which table, when it opened and
    resolved, and whether the webhook (DingTalk, WeCom or Slack) took it. One open alert per problem."""
    with warehouse.connect() as con:
        report = deliver_pending(con, notifier, log=context.log)
        open_alerts = con.execute("select count(*) from ops.alerts where resolved_at is null").fetchone()[0]
        rows = row_count(con, "ops.alerts")
    context.log.info(f"delivery pass: {report}")
    return dg.MaterializeResult(
        metadata={
            **rows,
            "open_alerts": int(open_alerts),
            "sent": report.sent,
            "failed": report.failed,
            "not_configured": report.not_configured,
        }
    )
