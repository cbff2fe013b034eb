"""Land the WMS stock snapshot."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from orderhub.locks import claim
from orderhub.transaction import transaction

COLUMNS = ["warehouse_id", "sku_id", "on_hand", "locked", "updated_at"]


def land_snapshot(con: duckdb.DuckDBPyConnection, items: list[dict], snapshot_at: datetime) -> int:
    """Replace inventory.stock_snapshot with the WMS's answer. Returns rows stored.

    An empty or malformed answer raises instead of wiping the snapshot: zero stock everywhere would be
    pushed to every channel and sell nothing."""
    if not items:
        raise ValueError("WMS returned no stock rows; keeping the previous snapshot")
    frame = pd.DataFrame(items)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"WMS stock rows lack fields {missing}")
    stock = frame[COLUMNS]  # noqa: F841 - used by name in SQL
    with transaction(con):
        bad = con.execute(
            "select count(*) from stock where try_cast(on_hand as integer) is null or try_cast(locked as integer) is "
            "null"
            " or try_cast(on_hand as integer) < 0 or try_cast(locked as integer) < 0 or sku_id is null or "
            "warehouse_id is null"
        ).fetchone()[0]
        if bad:
            raise ValueError(f"WMS stock has {bad} rows with missing ids or non-integer/negative quantities")
        claim(con, "inventory.stock_snapshot")  # concurrent replacements on a lake conflict (orderhub/locks.py)
        con.execute("delete from inventory.stock_snapshot")
        # Paging over a changing stock list can show a row twice: keep its latest reading.
        con.execute(
            """
            insert into inventory.stock_snapshot
            select warehouse_id, sku_id, cast(on_hand as integer), cast(locked as integer),
                   try_cast(updated_at as timestamptz), ?
            from stock
            qualify row_number() over (partition by warehouse_id, sku_id
                                       order by try_cast(updated_at as timestamptz) desc nulls last) = 1
            """,
            [snapshot_at],
        )
        return con.execute("select count(*) from inventory.stock_snapshot").fetchone()[0]
