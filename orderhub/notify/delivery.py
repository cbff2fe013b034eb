"""Delivery pass: send every pending (or previously failed) alert in ops.alerts, record the outcome.

`deliver_pending(con, notifier)` is safe to call at the end of any asset: it never raises, it logs every
alert (so alerts reach the log even with no webhook configured: status 'not_configured'), and a webhook
outage only marks rows 'failed' to be retried on the next pass. Pass the `notifier` resource; with
notifier=None nothing is sent or marked (the alerts wait for a pass that has the resource). Three or more
consecutive alerts of one kind and severity are sent as one digest message.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import requests

from orderhub.calllog import CallLog
from orderhub.notify.formats import AlertMessage
from orderhub.notify.spool import ingest_spool
from orderhub.notify.webhook import DeliveryError, WebhookTarget, post_alert

LOG = logging.getLogger("orderhub.alerts")
MAX_ATTEMPTS = 12  # HTTP attempts per alert over all passes before we stop trying (row stays 'failed')
DIGEST_MIN = 3  # this many consecutive alerts of one kind+severity go out as one digest message
DIGEST_LINES = 15


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


def digest_groups(rows: list[dict]) -> list[list[dict]]:
    """Consecutive alerts of one kind and severity (e.g. 40 stock-outs from one run) become one message:
    robots rate-limit (DingTalk: 20 messages/minute) and people stop reading a flood."""
    groups: list[list[dict]] = []
    for row in rows:
        if groups and (groups[-1][0]["kind"], groups[-1][0]["severity"]) == (row["kind"], row["severity"]):
            groups[-1].append(row)
        else:
            groups.append([row])
    return [g for grp in groups for g in ([grp] if len(grp) >= DIGEST_MIN else [[r] for r in grp])]


def to_message(group: list[dict]) -> AlertMessage:
    first = group[0]
    if len(group) == 1:
        return AlertMessage(
            first["alert_id"], first["kind"], first["severity"], first["message"], first["asset"], first["created_at"]
        )
    assets = {r["asset"] for r in group}
    lines = [f"- {r['message'].splitlines()[0][:200]}" for r in group[:DIGEST_LINES]]
    more = f"\n- … and {len(group) - DIGEST_LINES} more (ops.alerts)" if len(group) > DIGEST_LINES else ""
    text = f"{len(group)} alerts:\n" + "\n".join(lines) + more
    return AlertMessage(
        first["alert_id"],
        first["kind"],
        first["severity"],
        text,
        assets.pop() if len(assets) == 1 else None,
        first["created_at"],
    )


def _log(log: Any, row: dict) -> None:
    method = {"error": "error", "warning": "warning"}.get(row["severity"], "info")
    getattr(log, method)(f"ALERT [{row['severity']}] {row['kind']} {row['asset'] or '-'}: {row['message']}")


def deliver_pending(
    con: duckdb.DuckDBPyConnection,
    notifier: Any,
    *,
    log: Any = None,
    limit: int = 200,
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
        for group in digest_groups(rows):
            for row in group:
                if row["delivery_status"] == "pending":  # retries are not logged again
                    _log(log, row)
            ids = [r["alert_id"] for r in group]
            if target is None:
                con.execute(
                    "update ops.alerts set delivery_status = 'not_configured', delivery_channel = 'log'"
                    " where alert_id in (select unnest(?::varchar[]))",
                    [ids],
                )
                report.not_configured += len(group)
                continue
            before = len(calls.records)
            now = datetime.now(UTC)
            try:
                post_alert(target, to_message(group), calls=calls, session=session, sleep=sleep)
                status, error = "sent", None
            except (DeliveryError, requests.RequestException) as exc:
                status, error = "failed", redact(str(exc), target)
            attempts = max(1, len(calls.records) - before)
            con.execute(
                "update ops.alerts set delivery_status = ?, delivery_attempts = delivery_attempts + ?, last_error = ?,"
                " last_attempt_at = ?, delivered_at = ?, delivery_channel = ? where alert_id in (select "
                "unnest(?::varchar[]))",
                [status, attempts, error, now, now if status == "sent" else None, target.kind, ids],
            )
            if status == "sent":
                report.sent += len(group)
            else:
                report.failed += len(group)
                log.warning(f"{len(group)} alert(s) not delivered ({error}); will retry on the next pass")
                break  # the webhook is down: don't hammer it with the rest of the queue now
        for rec in calls.records:
            rec.error = redact(rec.error, target)
        calls.flush(con)
    except Exception as exc:  # noqa: BLE001 - alerting must never break the pipeline
        report.error = f"{type(exc).__name__}: {exc}"
        log.warning(f"alert delivery pass failed: {report.error}")
    return report
