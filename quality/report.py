"""Turning a RuleResult into what an operator sees: check metadata (count + sample table) and alert text."""

from __future__ import annotations

import pandas as pd

from quality.framework import RuleResult, TableSuite
from quality.pii import mask_pii


def markdown_table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "_no rows_"

    def cell(v: object) -> str:
        return (
            ""
            if v is None or (not isinstance(v, (list, dict)) and pd.isna(v))
            else str(v).replace("|", "\\|").replace("\n", " ")
        )

    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    sep = "| " + " | ".join("---" for _ in frame.columns) + " |"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, sep, *rows])


def sample(result: RuleResult, suite: TableSuite, n: int) -> pd.DataFrame:
    rows = result.failing_rows.head(n)
    cols = [
        c
        for c in dict.fromkeys(suite.key_columns + result.rule.sample_columns + result.rule.columns)
        if c in rows.columns
    ]
    if result.rule.mask_sample:  # show every column, PII starred, so the operator sees where it sits
        return rows.map(lambda v: mask_pii(v) if isinstance(v, str) else v)
    return rows[cols] if cols else rows


def expectations_table(result: RuleResult) -> str:
    frame = pd.DataFrame(
        [
            {
                "expectation": o.expectation,
                "passed": o.success,
                "unexpected": o.unexpected_count,
                "error": o.error or "",
            }
            for o in result.outcomes
        ]
    )
    return markdown_table(frame)


def alert_text(result: RuleResult, suite: TableSuite, n: int = 3) -> str:
    kind = "blocking" if result.rule.blocking else "warning"
    head = f"**{suite.table}** check `{result.rule.name}` ({kind}) failed on {result.window.label}: "
    if result.error:
        return head + f"error: {result.error[:300]}"
    failed = [o for o in result.outcomes if not o.success]
    what = "; ".join(f"{o.expectation}: {o.unexpected_count}" for o in failed[:4])
    return head + f"{result.failing_count} failing value(s) ({what}).\n\n" + markdown_table(sample(result, suite, n))
