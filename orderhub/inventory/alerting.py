"""Keep one open alert per current problem: raise new ones, resolve cleared ones (no storms, no stale alerts)."""

from __future__ import annotations

import duckdb

from orderhub.alerts import raise_alert, resolve_alert


def sync_alerts(
    con: duckdb.DuckDBPyConnection,
    *,
    prefix: str,
    kind: str,
    severity: str,
    asset: str,
    current: dict[str, str],
    cleared_message: str,
) -> dict[str, int]:
    """`current` maps problem id (e.g. a sku_id) -> message. Alerts use dedupe_key '<prefix>:<id>'.

    Problems already open stay untouched; problems no longer current are resolved. Returns counts."""
    open_keys = {
        row[0]
        for row in con.execute(
            "select distinct dedupe_key from ops.alerts where kind = ? and resolved_at is null and "
            "starts_with(dedupe_key, ?)",
            [kind, prefix + ":"],
        ).fetchall()
    }
    wanted = {f"{prefix}:{key}": msg for key, msg in current.items()}
    raised = sum(
        raise_alert(con, kind=kind, severity=severity, message=msg, dedupe_key=key, asset=asset)
        for key, msg in sorted(wanted.items())
    )
    resolved = sum(
        resolve_alert(con, dedupe_key=key, message=f"{cleared_message} ({key.split(':', 1)[1]})")
        for key in sorted(open_keys - wanted.keys())
    )
    return {"open": len(wanted), "raised": raised, "resolved": resolved}
