"""inventory.stock_snapshot: the latest WMS stock. If the pull stops, every channel keeps selling against
old numbers — the stale rule warns before that turns into oversells."""

from __future__ import annotations

import duckdb
import pandas as pd

from quality.framework import Rule, TableSuite, Window
from quality.ge import gxe
from quality.settings import QualitySettings

KEYS = ("warehouse_id", "sku_id", "on_hand", "locked", "snapshot_at")


def age_frame(con: duckdb.DuckDBPyConnection, window: Window, s: QualitySettings) -> pd.DataFrame:
    return con.execute(
        """
        select max(snapshot_at) as latest_snapshot_at,
               date_diff('second', max(snapshot_at), now()) / 60.0 as age_minutes
        from inventory.stock_snapshot
        """
    ).df()


SUITE = TableSuite(
    table="inventory.stock_snapshot",
    key_columns=("warehouse_id", "sku_id"),
    rules=(
        Rule(
            "keys_not_null", "Every row names its warehouse, SKU, quantities and pull time.",
            blocking=True, columns=KEYS,
            expectations=lambda s, f: [gxe.ExpectColumnValuesToNotBeNull(column=c) for c in KEYS],
        ),
        Rule(
            "quantities_non_negative", "On-hand and WMS-locked quantities are never negative.",
            blocking=True, columns=("on_hand", "locked"),
            expectations=lambda s, f: [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in ("on_hand", "locked")],
        ),
        Rule(
            "snapshot_fresh",
            "Warning: the newest WMS snapshot is at most inventory_max_age_minutes old (default 90).",
            blocking=False, frame=age_frame, sample_columns=("latest_snapshot_at", "age_minutes"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToNotBeNull(column="latest_snapshot_at"),
                gxe.ExpectColumnValuesToBeBetween(column="age_minutes", max_value=s.inventory_max_age_minutes),
            ],
        ),
    ),
)
