"""forecast.daily_forecasts: the forecasts purchasing plans with and the safety stock learns from. A negative or
missing forecast would order nonsense, so it blocks the suggestions."""

from __future__ import annotations

from quality.framework import Rule, TableSuite
from quality.ge import gxe

COLUMNS = ("origin_date", "sku_id", "horizon", "target_date", "units", "method", "source")

SUITE = TableSuite(
    table="forecast.daily_forecasts",
    key_columns=("origin_date", "sku_id", "horizon", "source"),
    rules=(
        Rule(
            "forecasts_valid",
            "One forecast per origin, SKU, day ahead and source; units never negative; known method and source.",
            blocking=True,
            columns=COLUMNS,
            expectations=lambda s, f: [
                *[gxe.ExpectColumnValuesToNotBeNull(column=c) for c in COLUMNS],
                gxe.ExpectCompoundColumnsToBeUnique(column_list=["origin_date", "sku_id", "horizon", "source"]),
                gxe.ExpectColumnValuesToBeBetween(column="units", min_value=0),
                gxe.ExpectColumnValuesToBeBetween(column="horizon", min_value=1),
                gxe.ExpectColumnValuesToBeInSet(column="method", value_set=["model", "new_sku_rate"]),
                gxe.ExpectColumnValuesToBeInSet(column="source", value_set=["production", "backtest"]),
            ],
        ),
    ),
)
