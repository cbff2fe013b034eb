"""hub.quarantine: records we could not standardize. A rising share means a mapping broke or a platform
changed its payload; nothing is lost, but orders are missing from the hub until someone looks."""

from __future__ import annotations

import duckdb
import pandas as pd

from quality.framework import Rule, TableSuite, Window
from quality.ge import gxe
from resources.quality_settings import QualitySettings


def share_frame(con: duckdb.DuckDBPyConnection, window: Window, s: QualitySettings) -> pd.DataFrame:
    return con.execute(
        """
        select channel, sum(received) as received, sum(quarantined) as quarantined,
               sum(quarantined) / sum(received) as quarantine_share
        from ops.ingest_batches
        where finished_at >= now() - to_hours(?::integer)
        group by channel having sum(received) > 0 order by channel
        """,
        [s.quarantine_window_hours],
    ).df()


SUITE = TableSuite(
    table="hub.quarantine",
    rules=(
        Rule(
            "quarantine_share_low",
            "Warning: per channel, quarantined / received records over the last quarantine_window_hours of "
            "ops.ingest_batches stays at or below quarantine_max_share (default 1%).",
            blocking=False,
            frame=share_frame,
            sample_columns=("channel", "received", "quarantined", "quarantine_share"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToBeBetween(column="quarantine_share", max_value=s.quarantine_max_share)
            ],
        ),
    ),
)
