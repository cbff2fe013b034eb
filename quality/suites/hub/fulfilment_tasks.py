"""hub.fulfilment_tasks: one e-waybill per order, ever. Two tasks sharing a waybill ship one parcel twice
or label two parcels alike: the warehouse must not act on them."""

from __future__ import annotations

from quality.framework import Rule, TableSuite
from quality.ge import gxe

SUITE = TableSuite(
    table="hub.fulfilment_tasks",
    key_columns=("task_id",),
    rules=(
        Rule(
            "one_task_per_order",
            "Each paid order has one shipment task (order_id is unique; no constraint enforces it).",
            blocking=True,
            columns=("order_id",),
            expectations=lambda s, f: [gxe.ExpectColumnValuesToBeUnique(column="order_id")],
        ),
        Rule(
            "one_waybill_per_order",
            "Never two tasks share one e-waybill.",
            blocking=True,
            sample_columns=("order_id", "waybill_no"),
            frame=lambda con, w, s: con.execute(
                "select task_id, order_id, waybill_no from hub.fulfilment_tasks where waybill_no is not null"
            ).df(),
            expectations=lambda s, f: [gxe.ExpectColumnValuesToBeUnique(column="waybill_no")],
        ),
    ),
)
