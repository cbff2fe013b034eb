"""Land WMS pick/pack/ship events (append-only, de-duplicated on event_id)."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from orderhub.transaction import transaction

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
    with transaction(con):
        before = con.execute("select count(*) from ops.wms_events").fetchone()[0]
        con.execute(
            """
            insert into ops.wms_events
            select cast(event_id as bigint), task_id, order_id, event_type, operator_id, warehouse_id,
                   cast(occurred_at as timestamptz), ?
            from batch
            qualify row_number() over (partition by event_id) = 1
            on conflict do nothing
            """,
            [landed_at],
        )
        return con.execute("select count(*) from ops.wms_events").fetchone()[0] - before
