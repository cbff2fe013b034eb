"""Check outcomes → ops.alerts (deduped per table+rule, recovery when it passes again) → webhook."""

from __future__ import annotations

from typing import Any

import duckdb

from orderhub import alerts
from orderhub.notify import deliver_pending
from quality.framework import RuleResult, TableSuite
from quality.report import alert_text


def dedupe_key(suite: TableSuite, rule_name: str) -> str:
    return f"check:{suite.table}:{rule_name}"


def sync_check_alerts(
    con: duckdb.DuckDBPyConnection, suite: TableSuite, results: list[RuleResult], notifier: Any, log: Any
) -> None:
    """Never raises: a broken alert path must not turn a passing check into a failed step."""
    try:
        for r in (r for r in results if r.rule.alerts):
            key = dedupe_key(suite, r.rule.name)
            if r.passed:
                # One key per table+rule (not per partition) so a failing backfill alerts once; the recovery
                # names the window that passed.
                alerts.resolve_alert(
                    con, dedupe_key=key, message=f"{suite.table} check `{r.rule.name}` passes again ({r.window.label})."
                )
            else:
                alerts.raise_alert(
                    con,
                    kind="check_failed",
                    severity="error" if r.rule.blocking else "warning",
                    message=alert_text(r, suite),
                    dedupe_key=key,
                    asset=suite.table,
                )
    except Exception as exc:  # noqa: BLE001
        log.warning(f"could not record check alerts for {suite.table}: {exc}")
    deliver_pending(con, notifier, log=log)
