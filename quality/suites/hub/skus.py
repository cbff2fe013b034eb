"""hub.skus: the seller's item master (from the ERP). Purchasing multiplies by pack size and minimum order
quantity and waits lead time days: zeros or negatives here produce impossible purchase orders."""

from __future__ import annotations

from quality.framework import Rule, TableSuite
from quality.ge import gxe

SUITE = TableSuite(
    table="hub.skus",
    key_columns=("sku_id",),
    rules=(
        Rule(
            "sku_id_unique",
            "Each hub SKU appears once and has a title and category.",
            blocking=True,
            columns=("title", "category"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToBeUnique(column="sku_id"),
                *[gxe.ExpectColumnValuesToNotBeNull(column=c) for c in ("sku_id", "title", "category")],
            ],
        ),
        Rule(
            "item_master_sane",
            "Price ≥ 0 fen, pack size ≥ 1, minimum order quantity ≥ 1, lead time ≥ 0 days.",
            blocking=True,
            columns=("price_fen", "pack_size", "min_order_qty", "lead_time_days"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToBeBetween(column="price_fen", min_value=0),
                gxe.ExpectColumnValuesToBeBetween(column="pack_size", min_value=1),
                gxe.ExpectColumnValuesToBeBetween(column="min_order_qty", min_value=1),
                gxe.ExpectColumnValuesToBeBetween(column="lead_time_days", min_value=0),
            ],
        ),
    ),
)
