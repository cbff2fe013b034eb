"""inventory.availability: sellable stock pushed to every channel. Wrong arithmetic here oversells
(too high) or hides sellable stock (too low)."""

from __future__ import annotations

from quality.framework import Rule, TableSuite
from quality.ge import gxe

KEYS = ("sku_id", "warehouse_id", "on_hand", "locked", "reserved", "safety_buffer", "available", "snapshot_at")
NON_NEGATIVE = ("on_hand", "locked", "reserved", "safety_buffer")

SUITE = TableSuite(
    table="inventory.availability",
    key_columns=("sku_id", "warehouse_id"),
    rules=(
        Rule(
            "keys_not_null", "Every row names its SKU, warehouse, the quantities and the snapshot time.",
            blocking=True, columns=KEYS,
            expectations=lambda s, f: [gxe.ExpectColumnValuesToNotBeNull(column=c) for c in KEYS],
        ),
        Rule(
            "quantities_non_negative",
            "On hand, locked, reserved and safety buffer are never negative (available may be: oversell signal).",
            blocking=True, columns=NON_NEGATIVE,
            expectations=lambda s, f: [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in NON_NEGATIVE],
        ),
        Rule(
            "available_consistent", "available = on_hand - locked - reserved - safety_buffer.",
            blocking=True, columns=KEYS,
            expectations=lambda s, f: [gxe.ExpectColumnPairValuesToBeEqual(
                column_A="available", column_B="expected_available")],
            frame=lambda con, w, s: con.execute(
                "select sku_id, warehouse_id, on_hand, locked, reserved, safety_buffer, available,"
                " on_hand - locked - reserved - safety_buffer as expected_available from inventory.availability"
            ).df(),
            sample_columns=("on_hand", "locked", "reserved", "safety_buffer", "available", "expected_available"),
        ),
    ),
)
