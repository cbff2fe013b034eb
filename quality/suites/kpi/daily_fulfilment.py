"""kpi.daily_fulfilment: the scorecard the business is judged by. Impossible numbers here (more shipped
than paid, rates above 100%) would go straight into the morning report, so they block publishing."""

from __future__ import annotations

from quality.framework import Rule, TableSuite
from quality.ge import gxe

COUNTS = ("orders", "paid_orders", "shipped_orders", "sla_breaches", "shipping_error_tickets", "api_calls")
RATES = ("api_success_rate", "sla_breach_rate")

SUITE = TableSuite(
    table="kpi.daily_fulfilment",
    key_columns=("order_day", "channel"),
    rules=(
        Rule(
            "ge_keys_unique",
            "One row per business day and channel (incl. 'all'), both always present.",
            blocking=True,
            columns=("order_day", "channel"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToNotBeNull(column="order_day"),
                gxe.ExpectColumnValuesToNotBeNull(column="channel"),
                gxe.ExpectCompoundColumnsToBeUnique(column_list=["order_day", "channel"]),
            ],
        ),
        Rule(
            "counts_consistent",
            "Counts are never negative; shipped ≤ paid ≤ orders.",
            blocking=True,
            columns=COUNTS,
            expectations=lambda s, f: (
                [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in COUNTS]
                + [
                    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                        column_A="orders", column_B="paid_orders", or_equal=True
                    ),
                    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                        column_A="paid_orders", column_B="shipped_orders", or_equal=True
                    ),
                ]
            ),
        ),
        Rule(
            "rates_in_range",
            "API success rate and SLA breach rate are shares between 0 and 1.",
            blocking=True,
            columns=RATES,
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1) for c in RATES
            ],
        ),
    ),
)
