"""Raising and clearing alerts in ops.alerts. Delivery (webhooks) is the notifier's job.

The dedupe_key identifies one open problem: raising it again while open does nothing (no alert storms);
resolving it records a 'recovered' alert that the notifier sends once.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import duckdb

SEVERITIES = ("info", "warning", "error")


def _alert_id(dedupe_key: str, created_at: datetime) -> str:
    return hashlib.sha256(f"{dedupe_key}|{created_at.isoformat()}".encode()).hexdigest()[:24]


def raise_alert(
    con: duckdb.DuckDBPyConnection, *, kind: str, severity: str, message: str, dedupe_key: str, asset: str | None = None
) -> bool:
    """Open an alert unless the same problem is already open. Returns True when a new alert was opened."""
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}, got {severity!r}")
    open_ = con.execute(
        "select 1 from ops.alerts where dedupe_key = ? and resolved_at is null and kind <> 'recovered'", [dedupe_key]
    ).fetchone()
    if open_:
        return False
    now = datetime.now(timezone.utc)
    con.execute(
        "insert into ops.alerts (alert_id, dedupe_key, kind, severity, asset, message, created_at, delivery_status)"
        " values (?, ?, ?, ?, ?, ?, ?, 'pending')",
        [_alert_id(dedupe_key, now), dedupe_key, kind, severity, asset, message, now],
    )
    return True


def resolve_alert(con: duckdb.DuckDBPyConnection, *, dedupe_key: str, message: str) -> bool:
    """Close an open problem and queue one recovery message. Returns True when something was open."""
    now = datetime.now(timezone.utc)
    row = con.execute(
        "select asset from ops.alerts where dedupe_key = ? and resolved_at is null and kind <> 'recovered' limit 1",
        [dedupe_key],
    ).fetchone()
    if not row:
        return False
    con.execute(
        "update ops.alerts set resolved_at = ? where dedupe_key = ? and resolved_at is null and kind <> 'recovered'",
        [now, dedupe_key],
    )
    con.execute(
        "insert into ops.alerts (alert_id, dedupe_key, kind, severity, asset, message, created_at, resolved_at,"
        " delivery_status) values (?, ?, 'recovered', 'info', ?, ?, ?, ?, 'pending')",
        [_alert_id(dedupe_key + "|recovered", now), dedupe_key, row[0], message, now, now],
    )
    return True
