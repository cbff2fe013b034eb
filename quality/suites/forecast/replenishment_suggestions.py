"""forecast.replenishment_suggestions: what we propose to buy, posted to the ERP. A negative quantity or an
unknown posting state must never reach the buyer."""

from __future__ import annotations

from quality.framework import Rule, TableSuite
from quality.ge import gxe

KEYS = ("suggestion_id", "suggestion_date", "sku_id", "post_status")
QUANTITIES = ("suggested_qty", "safety_stock", "forecast_7d", "on_order", "min_order_qty", "pack_size")

SUITE = TableSuite(
    table="forecast.replenishment_suggestions",
    key_columns=("suggestion_id", "suggestion_date", "sku_id"),
    rules=(
        Rule(
            "ge_keys_valid",
            "Suggestions are unique, name their day and SKU, and have a known posting state.",
            blocking=True,
            columns=KEYS,
            expectations=lambda s, f: (
                [gxe.ExpectColumnValuesToNotBeNull(column=c) for c in KEYS]
                + [
                    gxe.ExpectColumnValuesToBeUnique(column="suggestion_id"),
                    gxe.ExpectColumnValuesToBeInSet(
                        column="post_status", value_set=["pending", "accepted", "failed", "superseded"]
                    ),
                ]
            ),
        ),
        Rule(
            "quantities_non_negative",
            "Suggested quantity, safety stock, forecast, on-order, MOQ and pack size ≥ 0.",
            blocking=True,
            columns=QUANTITIES,
            expectations=lambda s, f: [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in QUANTITIES],
        ),
    ),
)
