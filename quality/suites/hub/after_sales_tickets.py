"""hub.after_sales_tickets: a ticket is only closed once its refund or reshipment is recorded; a closed
ticket without either means a buyer was told "done" while nothing happened. Types and statuses come from
closed lists. These rules used to be CHECK constraints; a DuckLake has none, so they block here instead."""

from __future__ import annotations

from orderhub.after_sales.mapping import TICKET_TYPES
from quality.framework import Rule, TableSuite
from quality.ge import gxe

STATUSES = ["open", "resolved", "closed", "withdrawn"]

SUITE = TableSuite(
    table="hub.after_sales_tickets",
    key_columns=("ticket_code",),
    rules=(
        Rule(
            "closed_tickets_resolved",
            "A closed ticket has a recorded refund or reshipment (close_ticket refuses otherwise).",
            blocking=True,
            sample_columns=("status", "refund_recorded_at", "reshipment_recorded_at"),
            frame=lambda con, w, s: con.execute(
                "select ticket_code, status, refund_recorded_at, reshipment_recorded_at,"
                " (refund_recorded_at is not null or reshipment_recorded_at is not null) as has_resolution"
                " from hub.after_sales_tickets where status = 'closed'"
            ).df(),
            expectations=lambda s, f: [gxe.ExpectColumnValuesToBeInSet(column="has_resolution", value_set=[True])],
        ),
        Rule(
            "type_and_status_valid",
            f"ticket_type is one of {', '.join(TICKET_TYPES)}; status is one of {', '.join(STATUSES)}.",
            blocking=True,
            columns=("ticket_type", "status"),
            sample_columns=("ticket_type", "status"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToBeInSet(column="ticket_type", value_set=list(TICKET_TYPES)),
                gxe.ExpectColumnValuesToBeInSet(column="status", value_set=STATUSES),
            ],
        ),
    ),
)
