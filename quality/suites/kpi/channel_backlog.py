"""kpi.channel_backlog: paid orders still waiting, per channel and step. Operators act on it hourly."""

from __future__ import annotations

from quality.framework import Rule, TableSuite
from quality.ge import gxe

STATES = [
    "wms_rejected",
    "backorder",
    "awaiting_processing",
    "awaiting_waybill",
    "awaiting_wms",
    "awaiting_pick",
    "in_warehouse",
]

SUITE = TableSuite(
    table="kpi.channel_backlog",
    key_columns=("channel", "backlog_state"),
    rules=(
        Rule(
            "ge_state_valid",
            "Every row names a channel and one of the known waiting steps.",
            blocking=True,
            columns=("channel", "backlog_state"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToNotBeNull(column="channel"),
                gxe.ExpectColumnValuesToBeInSet(column="backlog_state", value_set=STATES),
            ],
        ),
        Rule(
            "waits_consistent",
            "A backlog row has at least one order; waits are not negative; oldest ≥ average.",
            blocking=True,
            columns=("orders_waiting", "oldest_wait_minutes", "avg_wait_minutes"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToBeBetween(column="orders_waiting", min_value=1),
                gxe.ExpectColumnValuesToBeBetween(column="avg_wait_minutes", min_value=0),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="oldest_wait_minutes", column_B="avg_wait_minutes", or_equal=True
                ),
            ],
        ),
    ),
)
