"""inventory.stock_snapshot: the latest WMS stock, replaced wholesale on each pull. (Staleness is judged on
inventory.availability, which can be recomputed from an old snapshot; a stopped pull shows as a freshness
breach of this asset.)"""

from __future__ import annotations

from quality.framework import Rule, TableSuite
from quality.ge import gxe

KEYS = ("warehouse_id", "sku_id", "on_hand", "locked", "snapshot_at")


SUITE = TableSuite(
    table="inventory.stock_snapshot",
    key_columns=("warehouse_id", "sku_id"),
    rules=(
        Rule(
            "keys_not_null",
            "Every row names its warehouse, SKU, quantities and pull time.",
            blocking=True,
            columns=KEYS,
            expectations=lambda s, f: [gxe.ExpectColumnValuesToNotBeNull(column=c) for c in KEYS],
        ),
        Rule(
            "quantities_non_negative",
            "On-hand and WMS-locked quantities are never negative.",
            blocking=True,
            columns=("on_hand", "locked"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in ("on_hand", "locked")
            ],
        ),
    ),
)
