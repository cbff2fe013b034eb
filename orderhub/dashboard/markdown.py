"""Small markdown tables for Dagster metadata (no extra dependency)."""

from __future__ import annotations

import math

import pandas as pd


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def md_table(frame: pd.DataFrame, columns: list[str] | None = None, limit: int = 20) -> str:
    if frame is None or frame.empty:
        return "_no data yet_"
    frame = frame[columns] if columns else frame
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    rows = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.head(limit).itertuples(index=False)]
    return "\n".join([head, rule, *rows])
