"""Check outcomes → ops.check_results (the gate) and ops.alerts (keyed by table, rule and window) → webhook.

An alert belongs to the window that failed (`check:<table>:<rule>:<window>`, window = the partition day or
'all'): it opens once, stays open while that window keeps failing, and resolves only when that same window
passes. Other windows passing say nothing about it, so there is no false recovery and no flapping; a run
that finds many failing days raises one alert per day, which the delivery pass sends as one digest.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import duckdb

from orderhub import alerts, gate
from orderhub.notify import deliver_pending
from quality.framework import RuleResult, TableSuite
from quality.report import alert_text


def job_label(job_name: str, asset_selection: Any = None) -> str:
    """What operators call the run: its job, or for a UI 'Materialize' (Dagster's implicit `__ASSET_JOB`;
    `dg.materialize` uses `__ephemeral_asset_job__`) the assets it materialized."""
    if not job_name.startswith("__"):
        return job_name
    keys = sorted(".".join(k.path) for k in asset_selection or ())
    if not keys:
        return "asset materialization"
    more = f" and {len(keys) - 3} more" if len(keys) > 3 else ""
    return "materialization of " + ", ".join(keys[:3]) + more


def dedupe_key(suite: TableSuite, rule_name: str, window_key: str) -> str:
    return f"check:{suite.table}:{rule_name}:{window_key}"


def summary(r: RuleResult) -> str | None:
    if r.passed:
        return None
    if r.error:
        return f"error: {r.error[:300]}"
    return "; ".join(f"{o.expectation}: {o.unexpected_count}" for o in r.outcomes if not o.success)[:500]


def _rows(
    suite: TableSuite, results: list[RuleResult], verdicts: dict[str, dict[date, RuleResult]], run: Any
) -> list[tuple[gate.CheckRow, RuleResult]]:
    now = datetime.now(UTC)
    run_id = getattr(run, "run_id", None)
    job = job_label(run.job_name, run.asset_selection) if run is not None else None
    out = []
    for r in results:
        per_window = {d.isoformat(): v for d, v in verdicts.get(r.rule.name, {}).items()} or {gate.WHOLE_TABLE: r}
        for window_key, v in sorted(per_window.items()):
            row = gate.CheckRow(
                suite.table,
                r.rule.name,
                window_key,
                r.rule.blocking,
                v.passed,
                v.failing_count,
                summary(v),
                now,
                run_id,
                job,
            )
            out.append((row, v))
    return out


def _open_keys(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute(
        "select dedupe_key from ops.alerts where kind = 'check_failed' and resolved_at is null and dedupe_key like ?",
        [f"check:{table}:%"],
    ).fetchall()
    return {r[0] for r in rows}


def record_outcomes(
    con: duckdb.DuckDBPyConnection,
    suite: TableSuite,
    results: list[RuleResult],
    verdicts: dict[str, dict[date, RuleResult]],
    run: Any,
    notifier: Any,
    log: Any,
) -> None:
    """Record every window's verdict for the gate, then open/resolve that window's alert. The gate record
    is required (a failure here fails the step: an unrecorded verdict must not let bad data through); the
    alert path never raises."""
    rows = _rows(suite, results, verdicts, run)
    gate.record(con, [row for row, _ in rows], keep_only=[r.name for r in suite.rules])
    try:
        open_keys = _open_keys(con, suite.table)
        for row, verdict in rows:
            if not verdict.rule.alerts:
                continue
            key = dedupe_key(suite, row.check_name, row.window_key)
            if row.is_passed and key in open_keys:
                where = "the whole table" if row.window_key == gate.WHOLE_TABLE else f"window {row.window_key}"
                alerts.resolve_alert(
                    con, dedupe_key=key, message=f"{suite.table} check `{row.check_name}` passes again on {where}."
                )
            elif not row.is_passed and key not in open_keys:
                alerts.raise_alert(
                    con,
                    kind="check_failed",
                    severity="error" if verdict.rule.blocking else "warning",
                    message=alert_text(verdict, suite) + (f"\n\nRun: {row.job_name}" if row.job_name else ""),
                    dedupe_key=key,
                    asset=suite.table,
                )
    except Exception as exc:  # noqa: BLE001
        log.warning(f"could not record check alerts for {suite.table}: {exc}")
    deliver_pending(con, notifier, log=log)
