"""Delivery pass: send every pending (or previously failed) alert in ops.alerts, record the outcome.

`deliver_pending(con, notifier)` is safe to call at the end of any asset: it never raises, it logs every
alert (so alerts reach the log even with no webhook configured: status 'not_configured'), and a webhook
outage only marks rows 'failed' to be retried on the next pass. Pass the `notifier` resource; with
notifier=None nothing is sent or marked (the alerts wait for a pass that has the resource).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import duckdb
import requests

from orderhub.calllog import CallLog
from orderhub.notify.formats import AlertMessage
from orderhub.notify.spool import ingest_spool
from orderhub.notify.webhook import DeliveryError, WebhookTarget, post_alert

LOG = logging.getLogger("orderhub.alerts")
MAX_ATTEMPTS = 12  # HTTP attempts per alert over all passes before we stop trying (row stays 'failed')


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    not_configured: int = 0
    error: str | None = None  # set when the pass itself could not run


def target_of(notifier: Any) -> WebhookTarget | None:
    """Accepts the Notifier resource, a WebhookTarget, or None (= no webhook)."""
    if notifier is None or isinstance(notifier, WebhookTarget):
        return notifier
    return notifier.webhook_target()


def redact(text: str | None, target: WebhookTarget | None) -> str | None:
    """Webhook URLs carry the robot's token (DingTalk/WeCom query, Slack path): never store them."""
    if text is None:
        return None
    if target and target.url:
        text = text.replace(target.url.split("?")[0], "<webhook>")
    return re.sub(r"(access_token|key|sign|timestamp)=[^&\s'\"]+", r"\1=***", text)[:500]


def _log(log: Any, row: dict) -> None:
    method = {"error": "error", "warning": "warning"}.get(row["severity"], "info")
    getattr(log, method)(f"ALERT [{row['severity']}] {row['kind']} {row['asset'] or '-'}: {row['message']}")


def deliver_pending(
    con: duckdb.DuckDBPyConnection,
    notifier: Any,
    *,
    log: Any = None,
    limit: int = 50,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryReport:
    log = log or LOG
    report = DeliveryReport()
    try:
        ingest_spool(con)
        if notifier is None:  # no resource passed (≠ a Notifier without URL): leave alerts pending for one
            return report
        target = target_of(notifier)
        cur = con.execute(
            "select alert_id, kind, severity, asset, message, created_at, delivery_status from ops.alerts"
            " where delivery_status = 'pending' or (delivery_status = 'failed' and delivery_attempts < ?)"
            " order by created_at limit ?",
            [MAX_ATTEMPTS, limit],
        )
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
        calls = CallLog()
        session = session or requests.Session()
        for row in rows:
            if row["delivery_status"] == "pending":  # retries are not logged again
                _log(log, row)
            if target is None:
                con.execute(
                    "update ops.alerts set delivery_status = 'not_configured', delivery_channel = 'log' where alert_id = ?",
                    [row["alert_id"]],
                )
                report.not_configured += 1
                continue
            before = len(calls.records)
            msg = AlertMessage(row["alert_id"], row["kind"], row["severity"], row["message"], row["asset"], row["created_at"])
            now = datetime.now(timezone.utc)
            try:
                post_alert(target, msg, calls=calls, session=session, sleep=sleep)
                status, error = "sent", None
            except (DeliveryError, requests.RequestException) as exc:
                status, error = "failed", redact(str(exc), target)
            attempts = max(1, len(calls.records) - before)
            con.execute(
                "update ops.alerts set delivery_status = ?, delivery_attempts = delivery_attempts + ?, last_error = ?,"
                " last_attempt_at = ?, delivered_at = ?, delivery_channel = ? where alert_id = ?",
                [status, attempts, error, now, now if status == "sent" else None, target.kind, row["alert_id"]],
            )
            if status == "sent":
                report.sent += 1
            else:
                report.failed += 1
                log.warning(f"alert {row['alert_id']} not delivered ({error}); will retry on the next pass")
                break  # the webhook is down: don't hammer it with the rest of the queue now
        for rec in calls.records:
            rec.error = redact(rec.error, target)
        calls.flush(con)
    except Exception as exc:  # noqa: BLE001 - alerting must never break the pipeline
        report.error = f"{type(exc).__name__}: {exc}"
        log.warning(f"alert delivery pass failed: {report.error}")
    return report
