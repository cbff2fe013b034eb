"""inventory.availability: sellable stock pushed to every channel. Wrong arithmetic here oversells
(too high) or hides sellable stock (too low); figures from an old WMS snapshot oversell too."""

from __future__ import annotations

import duckdb
import pandas as pd

from quality.framework import Rule, TableSuite, Window
from quality.ge import gxe
from resources.quality_settings import QualitySettings

KEYS = ("sku_id", "warehouse_id", "on_hand", "locked", "reserved", "safety_buffer", "available", "snapshot_at")
NON_NEGATIVE = ("on_hand", "locked", "reserved", "safety_buffer")


def age_frame(con: duckdb.DuckDBPyConnection, window: Window, s: QualitySettings) -> pd.DataFrame:
    """Availability is recomputed whenever reservations change, possibly from a snapshot the WMS pull
    stopped refreshing: judge the age of the snapshot the figures come from."""
    return con.execute(
        """
        select max(snapshot_at) as latest_snapshot_at,
               date_diff('second', max(snapshot_at), now()) / 60.0 as age_minutes
        from inventory.availability
        """
    ).df()


SUITE = TableSuite(
    table="inventory.availability",
    key_columns=("sku_id", "warehouse_id"),
    rules=(
        Rule(
            "keys_not_null",
            "Every row names its SKU, warehouse, the quantities and the snapshot time.",
            blocking=True,
            columns=KEYS,
            expectations=lambda s, f: [gxe.ExpectColumnValuesToNotBeNull(column=c) for c in KEYS],
        ),
        Rule(
            "quantities_non_negative",
            "On hand, locked, reserved and safety buffer are never negative (available may be: oversell signal).",
            blocking=True,
            columns=NON_NEGATIVE,
            expectations=lambda s, f: [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in NON_NEGATIVE],
        ),
        Rule(
            "available_consistent",
            "available = on_hand - locked - reserved - safety_buffer.",
            blocking=True,
            columns=KEYS,
            expectations=lambda s, f: [
                gxe.ExpectColumnPairValuesToBeEqual(column_A="available", column_B="expected_available")
            ],
            frame=lambda con, w, s: con.execute(
                "select sku_id, warehouse_id, on_hand, locked, reserved, safety_buffer, available,"
                " on_hand - locked - reserved - safety_buffer as expected_available from inventory.availability"
            ).df(),
            sample_columns=("on_hand", "locked", "reserved", "safety_buffer", "available", "expected_available"),
        ),
        Rule(
            "snapshot_fresh",
            "Warning: the WMS snapshot behind the figures is at most inventory_max_age_minutes old (default 90).",
            blocking=False,
            frame=age_frame,
            sample_columns=("latest_snapshot_at", "age_minutes"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToNotBeNull(column="latest_snapshot_at"),
                gxe.ExpectColumnValuesToBeBetween(column="age_minutes", max_value=s.inventory_max_age_minutes),
            ],
        ),
        Rule(
            "no_oversell",
            "Warning: no SKU is promised beyond what we hold (reserved <= on hand - locked).",
            blocking=False,
            alerts=False,  # inventory.availability raises one 'oversell' alert per SKU already
            sample_columns=("reserved", "holdable"),
            frame=lambda con, w, s: con.execute(
                "select sku_id, sum(reserved) as reserved, sum(on_hand - locked) as holdable"
                " from inventory.availability group by sku_id order by sku_id"
            ).df(),
            expectations=lambda s, f: [
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="holdable", column_B="reserved", or_equal=True)
            ],
        ),
    ),
)
