"""forecast.backtest: how good the forecast was on past origins; the basis for trusting it."""

from __future__ import annotations

from quality.framework import Rule, TableSuite
from quality.ge import gxe

SUITE = TableSuite(
    table="forecast.backtest",
    key_columns=("origin_date", "method"),
    rules=(
        Rule(
            "errors_valid", "Known methods; WAPE, MASE, errors and SKU counts are never negative.",
            blocking=True, columns=("wape", "mase", "abs_error", "actual_units", "n_skus"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToBeInSet(column="method", value_set=["model", "seasonal_naive", "ma28"]),
                *[gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0)
                  for c in ("wape", "mase", "abs_error", "actual_units", "n_skus")],
            ],
        ),
    ),
)
