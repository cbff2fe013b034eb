"""Alerts raised outside a run (daemon sensors): delivered directly, recorded in ops.alerts later.

The daemon never opens the warehouse: DuckDB allows one writing process, and a sensor holding the file
even briefly would make a starting run step fail on the lock. So a sensor sends the webhook itself,
remembers the open problem in a marker file (de-duplication across ticks), and spools the event; the next
delivery pass inside a run (`deliver_pending`) replays the spool into ops.alerts without re-sending.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from orderhub.calllog import CallLog
from orderhub.notify.delivery import redact, target_of
from orderhub.notify.formats import AlertMessage
from orderhub.notify.spool import spool_dir, spool_event
from orderhub.notify.webhook import post_alert

LOG = logging.getLogger("orderhub.alerts")


def _marker(dedupe_key: str) -> Path:
    return spool_dir() / "open" / hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]


def _claim(dedupe_key: str) -> bool:
    """Atomically mark the problem open; False when it already was (another tick/thread sent it)."""
    path = _marker(dedupe_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    path.write_text(dedupe_key, encoding="utf-8")
    return True


def is_open(dedupe_key: str) -> bool:
    return _marker(dedupe_key).exists()


def _send(notifier: Any, msg: AlertMessage, log: Any) -> dict:
    target = target_of(notifier)
    level = {"error": "error", "warning": "warning"}.get(msg.severity, "info")
    getattr(log, level)(f"ALERT [{msg.severity}] {msg.kind} {msg.asset or '-'}: {msg.message}")
    if target is None:
        return {"delivery_status": "not_configured", "delivery_channel": "log", "delivery_attempts": 0}
    calls = CallLog()
    try:
        post_alert(target, msg, calls=calls)
        status, error = "sent", None
    except Exception as exc:  # noqa: BLE001 - recorded as 'failed', retried by the next delivery pass
        status, error = "failed", redact(str(exc), target)
    for rec in calls.records:
        rec.error = redact(rec.error, target)
    api_calls = [{**asdict(r), "started_at": r.started_at.isoformat()} for r in calls.records]
    return {
        "delivery_status": status,
        "delivery_channel": target.kind,
        "delivery_attempts": len(calls.records),
        "last_error": error,
        "api_calls": api_calls,
    }


def daemon_alert(
    notifier: Any,
    *,
    op: str,
    dedupe_key: str,
    message: str,
    kind: str = "",
    severity: str = "error",
    asset: str | None = None,
    log: Any = None,
) -> str:
    """op='raise': send once per open problem; op='resolve': send the recovery if we had raised it.

    Returns 'sent' | 'failed' | 'not_configured' | 'duplicate' | 'not_open' | 'error'. Never raises.
    """
    log = log or LOG
    try:
        if op == "raise":
            if not _claim(dedupe_key):
                return "duplicate"
            outcome = _send(notifier, AlertMessage("direct", kind, severity, message, asset), log)
            spool_event(
                {
                    "op": "raise",
                    "dedupe_key": dedupe_key,
                    "message": message,
                    "kind": kind,
                    "severity": severity,
                    "asset": asset,
                    **outcome,
                }
            )
            return outcome["delivery_status"]
        if not is_open(dedupe_key):
            return "not_open"
        outcome = _send(notifier, AlertMessage("direct", "recovered", "info", message, asset), log)
        spool_event({"op": "resolve", "dedupe_key": dedupe_key, "message": message, **outcome})
        _marker(dedupe_key).unlink(missing_ok=True)
        return outcome["delivery_status"]
    except Exception as exc:  # noqa: BLE001 - a sensor must never crash on alerting
        log.warning(f"daemon alert {dedupe_key} failed: {exc}")
        return "error"
