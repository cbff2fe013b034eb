"""ops.api_calls: one row per HTTP attempt. A falling success rate is the first sign of a platform outage,
an expired token or throttling, before orders start arriving late."""

from __future__ import annotations

import duckdb
import pandas as pd

from quality.framework import Rule, TableSuite, Window
from quality.ge import gxe
from resources.quality_settings import QualitySettings


def success_frame(con: duckdb.DuckDBPyConnection, window: Window, s: QualitySettings) -> pd.DataFrame:
    # Rated per attempt (retries included): it measures the platform's health, not whether we got through.
    return con.execute(
        """
        select channel, count(*) as calls, count(*) filter (where ok) as ok_calls,
               count(*) filter (where ok) / count(*) as success_rate
        from ops.api_calls
        where started_at >= now() - to_hours(?::integer)
        group by channel having count(*) >= ? order by channel
        """,
        [s.api_window_hours, s.api_min_calls],
    ).df()


SUITE = TableSuite(
    table="ops.api_calls",
    rules=(
        Rule(
            "api_success_rate",
            "Warning: per channel, the share of successful HTTP attempts over the last api_window_hours is at "
            "least api_min_success_rate (default 99.2%).",
            blocking=False,
            frame=success_frame,
            sample_columns=("channel", "calls", "ok_calls", "success_rate"),
            expectations=lambda s, f: [
                gxe.ExpectColumnValuesToBeBetween(column="success_rate", min_value=s.api_min_success_rate)
            ],
        ),
    ),
)
