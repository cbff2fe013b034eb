"""Records dated before the hub's first partition (ORDERHUB_START_DATE): said out loud, never skipped silently.

The hub's daily partitions start at ORDERHUB_START_DATE, so a rebuild cannot place an older order (a seller
dropping last year's reports, a replay of old records). The landing keeps them in raw, and the ingest run
raises one alert naming their dates and the fix: move the start date back and rebuild those days.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from orderhub import alerts


def date_ranges(days: list[date], limit: int = 12) -> str:
    """'2016-05-23..2016-05-25, 2016-06-02' (consecutive days joined; at most `limit` ranges, then how many more)."""
    ranges: list[list[date]] = []
    for d in sorted(set(days)):
        if ranges and d - ranges[-1][1] == timedelta(days=1):
            ranges[-1][1] = d
        else:
            ranges.append([d, d])
    text = [a.isoformat() if a == b else f"{a.isoformat()}..{b.isoformat()}" for a, b in ranges[:limit]]
    more = f" and {len(ranges) - limit} more ranges" if len(ranges) > limit else ""
    return ", ".join(text) + more


def alert_before_start(con: duckdb.DuckDBPyConnection, days: list[date], start: date, asset: str) -> list[date]:
    """Raise an alert for the order dates before `start`; returns them."""
    early = sorted({d for d in days if d < start})
    if not early:
        return early
    n = con.execute(
        "select count(*) from raw.channel_orders where quarantine_reason is null and order_date < ?", [start]
    ).fetchone()[0]
    alerts.raise_alert(
        con,
        kind="history_before_start",
        severity="warning",
        dedupe_key=f"history:{asset}:{early[0].isoformat()}..{early[-1].isoformat()}",
        asset=asset,
        message=(
            f"{n:,} stored orders are dated before the hub's first partition {start.isoformat()} "
            f"(ORDERHUB_START_DATE), so no rebuild places them: {date_ranges(early)}. They are kept in "
            f"raw.channel_orders; to bring them into the hub set ORDERHUB_START_DATE={early[0].isoformat()} "
            "(or earlier), reload the definitions and backfill those days."
        ),
    )
    return early
