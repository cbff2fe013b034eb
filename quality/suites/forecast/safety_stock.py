"""forecast.safety_stock: the reserve every suggestion orders up to. A negative or missing reserve would under-order."""

from __future__ import annotations

from quality.framework import Rule, TableSuite
from quality.ge import gxe

NON_NEGATIVE = ("safety_stock", "cover_demand", "daily_sd", "lead_days_sd")

SUITE = TableSuite(
    table="forecast.safety_stock",
    key_columns=("sku_id",),
    rules=(
        Rule(
            "reserve_valid",
            "One row per SKU; safety stock, demand over the cover and spreads never negative; a known method; the"
            " model's share in the forecast planned with between 0 and 1.",
            blocking=True,
            columns=("sku_id", "method", "lead_time_days", "review_days", "cover_days", "forecast_weight")
            + NON_NEGATIVE,
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToBeUnique(column="sku_id"),
                *[gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in NON_NEGATIVE],
                gxe.ExpectColumnValuesToNotBeNull(column="safety_stock"),
                gxe.ExpectColumnValuesToBeInSet(column="method", value_set=["forecast_errors", "normal"]),
                gxe.ExpectColumnValuesToBeBetween(column="forecast_weight", min_value=0, max_value=1),
            ],
        ),
    ),
)
