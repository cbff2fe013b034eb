"""File spool for alerts raised while the warehouse is locked by a running writer (e.g. in a daemon sensor).

One JSON file per event under `$ORDERHUB_HOME/alert_spool/`, written atomically; `ingest_spool` replays
them into ops.alerts (with raise/resolve de-duplication) at the next delivery pass.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from orderhub import alerts, settings
from orderhub.calllog import COLUMNS


def spool_dir() -> Path:
    return settings.paths().home / "alert_spool"


def spool_event(event: dict) -> Path:
    """`event`: op ('raise'|'resolve'), dedupe_key, message, and for raise: kind, severity, asset;
    optionally delivery_status/delivery_attempts/last_error/delivery_channel when already sent directly."""
    d = spool_dir()
    d.mkdir(parents=True, exist_ok=True)
    event = {"spooled_at": datetime.now(UTC).isoformat(), **event}
    name = f"{event['spooled_at'].replace(':', '')}-{uuid.uuid4().hex[:8]}.json"
    tmp = d / f".{name}.tmp"
    tmp.write_text(json.dumps(event, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, d / name)
    return d / name


def ingest_spool(con: duckdb.DuckDBPyConnection) -> int:
    """Apply spooled events in order; each file is removed once applied. Returns events applied."""
    d = spool_dir()
    if not d.exists():
        return 0
    n = 0
    for f in sorted(d.glob("*.json")):
        try:
            ev = json.loads(f.read_text(encoding="utf-8"))
            ev["op"], ev["dedupe_key"], ev["message"]
        except (OSError, ValueError, KeyError):
            f.rename(f.with_suffix(".bad"))  # kept for a human, never blocks the queue
            continue
        if ev["op"] == "raise":
            alert_id = alerts.open_alert(
                con,
                kind=ev["kind"],
                severity=ev["severity"],
                message=ev["message"],
                dedupe_key=ev["dedupe_key"],
                asset=ev.get("asset"),
            )
        else:
            alert_id = alerts.close_alert(con, dedupe_key=ev["dedupe_key"], message=ev["message"])
        if alert_id and ev.get("delivery_status"):
            # Already delivered (or tried) directly while the warehouse was locked: record, don't resend.
            con.execute(
                "update ops.alerts set delivery_status = ?, delivery_attempts = ?, last_error = ?,"
                " delivery_channel = ?, last_attempt_at = ?, delivered_at = ? where alert_id = ?",
                [
                    ev["delivery_status"],
                    ev.get("delivery_attempts", 0),
                    ev.get("last_error"),
                    ev.get("delivery_channel"),
                    ev.get("spooled_at"),
                    ev.get("spooled_at") if ev["delivery_status"] == "sent" else None,
                    alert_id,
                ],
            )
        _record_calls(con, ev.get("api_calls") or [])
        f.unlink()
        n += 1
    return n


def _record_calls(con: duckdb.DuckDBPyConnection, calls: list[dict]) -> None:
    """The daemon's webhook attempts, logged in ops.api_calls like every other HTTP call."""
    if not calls:
        return
    frame = pd.DataFrame(calls, columns=COLUMNS).assign(started_at=lambda f: pd.to_datetime(f["started_at"], utc=True))
    con.register("_spooled_calls", frame)
    con.execute(f"insert into ops.api_calls select {', '.join(COLUMNS)} from _spooled_calls")
    con.unregister("_spooled_calls")
