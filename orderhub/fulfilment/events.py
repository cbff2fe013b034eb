"""Land WMS pick/pack/ship events (append-only, de-duplicated on event_id)."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from orderhub.transaction import transaction
from orderhub.upsert import insert_or_ignore

COLUMNS = ["event_id", "task_id", "order_id", "event_type", "operator_id", "warehouse_id", "occurred_at"]


def last_event_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("select coalesce(max(event_id), 0) from ops.wms_events").fetchone()[0])


def land_events(con: duckdb.DuckDBPyConnection, events: list[dict], landed_at: datetime) -> int:
    """Insert events not seen before. Returns rows inserted. Rows without event_id/type/time raise."""
    if not events:
        return 0
    frame = pd.DataFrame(events).reindex(columns=COLUMNS)
    if frame[["event_id", "event_type", "occurred_at"]].isna().any().any():
        raise ValueError("WMS events lack event_id, event_type or occurred_at")
    batch = frame.astype({c: "string" for c in COLUMNS if c not in ("event_id",)})  # noqa: F841 - used in SQL
    # a replacement scan of the local frame: the MERGE below runs in another Python frame, which cannot see it
    con.execute("create or replace temp table _wms_batch as select * from batch")
    with transaction(con):
        before = con.execute("select count(*) from ops.wms_events").fetchone()[0]
        insert_or_ignore(
            con,
            "ops.wms_events",
            ["event_id"],
            """select cast(event_id as bigint), task_id, order_id, event_type, operator_id, warehouse_id,
                      cast(occurred_at as timestamptz), ?::timestamptz
               from _wms_batch""",
            [landed_at],
        )
        return con.execute("select count(*) from ops.wms_events").fetchone()[0] - before
