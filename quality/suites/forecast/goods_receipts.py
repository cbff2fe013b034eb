"""forecast.goods_receipts: deliveries received. A receipt counted twice would understate what is on order."""

from __future__ import annotations

from quality.framework import Rule, TableSuite
from quality.ge import gxe

SUITE = TableSuite(
    table="forecast.goods_receipts",
    key_columns=("receipt_id",),
    rules=(
        Rule(
            "receipts_valid",
            "One row per receipt; it names its purchase order and SKU; quantities never negative.",
            blocking=True,
            columns=("receipt_id", "po_no", "sku_id", "quantity", "received_at"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToBeUnique(column="receipt_id"),
                *[gxe.ExpectColumnValuesToNotBeNull(column=c) for c in ("po_no", "sku_id", "received_at")],
                gxe.ExpectColumnValuesToBeBetween(column="quantity", min_value=0),
            ],
        ),
    ),
)
