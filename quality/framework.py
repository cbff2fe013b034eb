"""Suites as data: a TableSuite is the list of Rules (one Dagster check each) that guard one table.

A rule names the columns it needs (loaded once per table, only those columns, only the materialized
partition window) or brings its own frame (joins, aggregates); its expectations are GE 1.x objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from quality import ge
from resources.quality_settings import QualitySettings

Frame = Callable[[duckdb.DuckDBPyConnection, "Window", QualitySettings], pd.DataFrame]


@dataclass(frozen=True)
class Window:
    """Business days (partition keys) the check looks at; None = the whole table."""

    start: date | None = None
    end: date | None = None

    def where(self, column: str | None) -> str:
        if column is None or self.start is None:
            return "true"
        # Dates come from partition keys parsed with date.fromisoformat, so inlining them is safe.
        return f"{column} between date '{self.start.isoformat()}' and date '{self.end.isoformat()}'"

    @property
    def label(self) -> str:
        return "whole table" if self.start is None else f"{self.start}..{self.end}"


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    blocking: bool
    expectations: Callable[[QualitySettings, pd.DataFrame], list]  # (settings, frame) -> GE expectations
    columns: tuple[str, ...] = ()
    frame: Frame | None = None
    sample_columns: tuple[str, ...] = ()
    mask_sample: bool = False  # PII findings: never echo clear-text values into the UI or a webhook
    alerts: bool = True  # False where the asset already raises one alert per finding (one page per problem)


@dataclass(frozen=True)
class TableSuite:
    table: str  # "schema.table" == asset key
    rules: tuple[Rule, ...]
    partition_column: str | None = None
    key_columns: tuple[str, ...] = ()

    @property
    def asset_path(self) -> list[str]:
        return self.table.split(".")

    def with_rules(self, *extra: Rule) -> TableSuite:
        return TableSuite(self.table, self.rules + extra, self.partition_column, self.key_columns)


@dataclass
class RuleResult:
    rule: Rule
    outcomes: list[ge.Outcome]
    frame: pd.DataFrame
    window: Window
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and all(o.success for o in self.outcomes)

    @property
    def failing_count(self) -> int:
        return sum(o.unexpected_count for o in self.outcomes)

    @property
    def failing_rows(self) -> pd.DataFrame:
        idx: list = []
        for o in self.outcomes:
            idx += [i for i in o.failing_index if i not in idx]
        idx = [i for i in idx if i in self.frame.index]
        return self.frame.loc[idx]


def run_suite(
    con: duckdb.DuckDBPyConnection,
    suite: TableSuite,
    settings: QualitySettings,
    window: Window,
    only: set[str] | None = None,
) -> list[RuleResult]:
    rules = [r for r in suite.rules if only is None or r.name in only]
    needed = list(
        dict.fromkeys(c for r in rules if r.frame is None for c in suite.key_columns + r.columns + r.sample_columns)
    )
    base = pd.DataFrame()
    base_error = None
    if needed:
        cols = ", ".join(needed)
        try:
            base = con.execute(f"select {cols} from {suite.table} where {window.where(suite.partition_column)}").df()
        except duckdb.Error as exc:  # e.g. a column the suite expects is missing: that is a failure, not a crash
            base_error = f"could not load {suite.table}: {exc}"
    results = []
    for rule in rules:
        frame, error = base, base_error
        if rule.frame is not None:
            try:
                frame, error = rule.frame(con, window, settings), None
            except duckdb.Error as exc:
                frame, error = pd.DataFrame(), f"could not build the frame: {exc}"
        outcomes = (
            [] if error else ge.validate(frame, rule.expectations(settings, frame), name=f"{suite.table}.{rule.name}")
        )
        errs = [f"{o.expectation}: {o.error}" for o in outcomes if o.error]
        results.append(RuleResult(rule, outcomes, frame, window, error or ("; ".join(errs) or None)))
    return results


@dataclass
class Registry:
    suites: dict[str, TableSuite] = field(default_factory=dict)

    def add(self, suite: TableSuite) -> None:
        if suite.table in self.suites:
            suite = self.suites[suite.table].with_rules(*suite.rules)
        self.suites[suite.table] = suite
