"""forecast.demand_7d: the 7-day demand forecast purchasing relies on. Negative or inverted intervals
would produce nonsense suggestions, so they block replenishment."""

from __future__ import annotations

from quality.framework import Rule, TableSuite
from quality.ge import gxe

SUITE = TableSuite(
    table="forecast.demand_7d",
    key_columns=("sku_id", "target_date"),
    rules=(
        Rule(
            "one_row_per_sku_day",
            "One forecast per SKU and target day, horizon 1..7.",
            blocking=True,
            columns=("horizon", "method"),
            expectations=lambda s, f: [
                gxe.ExpectCompoundColumnsToBeUnique(column_list=["sku_id", "target_date"]),
                gxe.ExpectColumnValuesToBeBetween(column="horizon", min_value=1, max_value=7),
                gxe.ExpectColumnValuesToBeInSet(column="method", value_set=["model", "new_sku_rate"]),
            ],
        ),
        Rule(
            "intervals_ordered",
            "Units are never negative and lower ≤ forecast ≤ upper (daily and 7-day totals).",
            blocking=True,
            columns=("units", "units_lower", "units_upper", "total_7d", "total_7d_lower", "total_7d_upper"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToBeBetween(column="units_lower", min_value=0),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="units", column_B="units_lower", or_equal=True),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="units_upper", column_B="units", or_equal=True),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="total_7d", column_B="total_7d_lower", or_equal=True
                ),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="total_7d_upper", column_B="total_7d", or_equal=True
                ),
            ],
        ),
    ),
)
