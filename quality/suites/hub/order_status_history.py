"""hub.order_status_history: every observed status change; fulfilment timings (paid → shipped) and the
KPIs are computed from it."""

from __future__ import annotations

from quality.framework import Rule, TableSuite
from quality.ge import gxe
from quality.suites.hub.orders import STATUSES

KEYS = ("order_id", "order_date", "to_status", "changed_at", "source")

SUITE = TableSuite(
    table="hub.order_status_history",
    partition_column="order_date",
    key_columns=("order_id",),
    rules=(
        Rule(
            "transitions_valid",
            "Every transition names its order, time and source; both ends are hub lifecycle states.",
            blocking=True,
            columns=KEYS + ("from_status",),
            sample_columns=("from_status", "to_status", "source"),
            expectations=lambda s, f: [
                *[gxe.ExpectColumnValuesToNotBeNull(column=c) for c in KEYS],
                gxe.ExpectColumnValuesToBeInSet(column="to_status", value_set=STATUSES),
                gxe.ExpectColumnValuesToBeInSet(column="from_status", value_set=STATUSES),  # nulls (first seen) pass
                gxe.ExpectColumnValuesToBeInSet(column="source", value_set=["api", "erp", "file"]),
            ],
        ),
    ),
)
