"""hub.after_sales_tickets: a ticket is only closed once its refund or reshipment is recorded; a closed
ticket without either means a buyer was told "done" while nothing happened."""

from __future__ import annotations

from quality.framework import Rule, TableSuite
from quality.ge import gxe

SUITE = TableSuite(
    table="hub.after_sales_tickets",
    key_columns=("ticket_code",),
    rules=(
        Rule(
            "closed_tickets_resolved",
            "Warning: closed tickets all have a recorded refund or reshipment.",
            blocking=False,
            sample_columns=("status", "refund_recorded_at", "reshipment_recorded_at"),
            frame=lambda con, w, s: con.execute(
                "select ticket_code, status, refund_recorded_at, reshipment_recorded_at,"
                " (refund_recorded_at is not null or reshipment_recorded_at is not null) as has_resolution"
                " from hub.after_sales_tickets where status = 'closed'"
            ).df(),
            expectations=lambda s, f: [gxe.ExpectColumnValuesToBeInSet(column="has_resolution", value_set=[True])],
        ),
    ),
)
