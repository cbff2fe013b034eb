"""Raising and clearing alerts in ops.alerts. Delivery (webhooks) is the notifier's job.

The dedupe_key identifies one open problem: raising it again while open does nothing (no alert storms);
resolving it records a 'recovered' alert that the notifier sends once. After raising or resolving, call
`orderhub.notify.deliver_pending(con, notifier)` (or let the `deliver_alerts_every_10_minutes` schedule do it) to send.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import duckdb

SEVERITIES = ("info", "warning", "error")


def _alert_id(dedupe_key: str, created_at: datetime) -> str:
    return hashlib.sha256(f"{dedupe_key}|{created_at.isoformat()}".encode()).hexdigest()[:24]


def open_alert(
    con: duckdb.DuckDBPyConnection, *, kind: str, severity: str, message: str, dedupe_key: str, asset: str | None = None
) -> str | None:
    """Like `raise_alert` but returns the new alert_id (None when the problem was already open)."""
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}, got {severity!r}")
    open_ = con.execute(
        "select 1 from ops.alerts where dedupe_key = ? and resolved_at is null and kind <> 'recovered'", [dedupe_key]
    ).fetchone()
    if open_:
        return None
    now = datetime.now(UTC)
    alert_id = _alert_id(dedupe_key, now)
    con.execute(
        "insert into ops.alerts (alert_id, dedupe_key, kind, severity, asset, message, created_at, delivery_status)"
        " values (?, ?, ?, ?, ?, ?, ?, 'pending')",
        [alert_id, dedupe_key, kind, severity, asset, message, now],
    )
    return alert_id


def close_alert(con: duckdb.DuckDBPyConnection, *, dedupe_key: str, message: str) -> str | None:
    """Like `resolve_alert` but returns the alert_id of the queued recovery message (None if nothing was open)."""
    now = datetime.now(UTC)
    row = con.execute(
        "select asset from ops.alerts where dedupe_key = ? and resolved_at is null and kind <> 'recovered' limit 1",
        [dedupe_key],
    ).fetchone()
    if not row:
        return None
    con.execute(
        "update ops.alerts set resolved_at = ? where dedupe_key = ? and resolved_at is null and kind <> 'recovered'",
        [now, dedupe_key],
    )
    alert_id = _alert_id(dedupe_key + "|recovered", now)
    con.execute(
        "insert into ops.alerts (alert_id, dedupe_key, kind, severity, asset, message, created_at, resolved_at,"
        " delivery_status) values (?, ?, 'recovered', 'info', ?, ?, ?, ?, 'pending')",
        [alert_id, dedupe_key, row[0], message, now, now],
    )
    return alert_id


def raise_alert(
    con: duckdb.DuckDBPyConnection, *, kind: str, severity: str, message: str, dedupe_key: str, asset: str | None = None
) -> bool:
    """Open an alert unless the same problem is already open. Returns True when a new alert was opened."""
    return (
        open_alert(con, kind=kind, severity=severity, message=message, dedupe_key=dedupe_key, asset=asset) is not None
    )


def resolve_alert(con: duckdb.DuckDBPyConnection, *, dedupe_key: str, message: str) -> bool:
    """Close an open problem and queue one recovery message. Returns True when something was open."""
    return close_alert(con, dedupe_key=dedupe_key, message=message) is not None


def is_open(con: duckdb.DuckDBPyConnection, dedupe_key: str) -> bool:
    row = con.execute(
        "select 1 from ops.alerts where dedupe_key = ? and resolved_at is null and kind <> 'recovered'", [dedupe_key]
    ).fetchone()
    return row is not None
