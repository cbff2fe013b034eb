"""Verdicts per window (partition day) from one evaluation over a run's range.

A backfill checks its whole range at once (one load, one GE validation per rule). A rule that passes on the
range passes on each of its days (every rule judges rows or days, never the range as a whole). A rule that
fails is re-judged on each half of the range until every failing day is found, so a 30-day backfill with
one bad day costs about 2·log2(30) extra evaluations of that rule, and each day gets its own verdict, count
and sample: the alert, the gate and the UI name the day that failed, not the range. A failure that no
smaller window reproduces (one order id on two days) is charged to every day of the range that showed it.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from quality.framework import RuleResult, TableSuite, Window, run_suite
from resources.quality_settings import QualitySettings


def days(window: Window) -> list[date]:
    if window.start is None:
        return []
    return [window.start + timedelta(days=i) for i in range((window.end - window.start).days + 1)]


def _locate(
    con: duckdb.DuckDBPyConnection,
    suite: TableSuite,
    settings: QualitySettings,
    result: RuleResult,
    span: list[date],
    out: dict[date, RuleResult],
) -> None:
    if result.passed or len(span) == 1:
        out.update(dict.fromkeys(span, result))
        return
    mid = len(span) // 2
    found: dict[date, RuleResult] = {}
    for half in (span[:mid], span[mid:]):
        sub = run_suite(con, suite, settings, Window(half[0], half[-1]), {result.rule.name})[0]
        _locate(con, suite, settings, sub, half, found)
    if all(r.passed for r in found.values()):
        # the failure spans days (e.g. one order id on two days): no single day is to blame, all are held
        found = dict.fromkeys(span, result)
    out.update(found)


def per_day(
    con: duckdb.DuckDBPyConnection,
    suite: TableSuite,
    settings: QualitySettings,
    window: Window,
    results: list[RuleResult],
) -> dict[str, dict[date, RuleResult]]:
    """rule name -> day -> the verdict that covers that day (the range's own when it passed)."""
    span = days(window)
    out: dict[str, dict[date, RuleResult]] = {}
    for result in results:
        located: dict[date, RuleResult] = {}
        if span:
            _locate(con, suite, settings, result, span, located)
        out[result.rule.name] = located
    return out


def rows_per_day(result: RuleResult, column: str | None) -> dict[date, int] | None:
    """Rows the rule looked at on each day, when its frame carries the partition column."""
    frame = result.frame
    if column is None or frame is None or column not in frame.columns:
        return None
    counts = frame[column].value_counts()
    return {(k.date() if hasattr(k, "date") else k): int(v) for k, v in counts.items()}
