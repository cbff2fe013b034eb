"""Webhook delivery against a real local HTTP receiver: DingTalk signing, retries, failures, de-duplication,
recovery messages, the no-webhook path and the daemon spool."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from quality_testkit import Receiver

from orderhub import alerts, warehouse
from orderhub.notify import deliver_pending, dingtalk_sign
from orderhub.notify.outbox import daemon_alert
from orderhub.notify.spool import spool_dir
from resources.notifier import Notifier

SECRET = "SECtest-secret"


@pytest.fixture()
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture()
def con(orderhub_home):
    c = warehouse.connect()
    yield c
    c.close()


def _notifier(receiver: Receiver, kind: str = "dingtalk", path: str = "/robot/send?access_token=tok123") -> Notifier:
    return Notifier(
        webhook_url=receiver.url + path,
        secret=SECRET if kind == "dingtalk" else "",
        kind=kind,
        retries=2,
        backoff_base_seconds=0.01,
    )


def _raise(con, key="check:hub.orders:order_id_unique", severity="error"):
    return alerts.raise_alert(
        con, kind="check_failed", severity=severity, message="2 duplicate order_id", dedupe_key=key, asset="hub.orders"
    )


def test_dingtalk_signature_verifies_and_payload_is_markdown(con, receiver):
    _raise(con)
    report = deliver_pending(con, _notifier(receiver))
    assert report.sent == 1 and len(receiver.requests) == 1
    req = receiver.requests[0]
    q = parse_qs(urlsplit(req["path"]).query)
    assert q["access_token"] == ["tok123"]
    ts = int(q["timestamp"][0])
    assert abs(ts - time.time() * 1000) < 60_000  # DingTalk rejects timestamps older than 1 hour
    expected = base64.b64encode(hmac.new(SECRET.encode(), f"{ts}\n{SECRET}".encode(), hashlib.sha256).digest()).decode()
    assert q["sign"] == [expected] == [dingtalk_sign(SECRET, ts)]
    assert req["json"]["msgtype"] == "markdown"
    assert "hub.orders" in req["json"]["markdown"]["title"] and "duplicate" in req["json"]["markdown"]["text"]
    row = con.execute("select delivery_status, delivery_attempts, delivery_channel from ops.alerts").fetchone()
    assert row == ("sent", 1, "dingtalk")
    calls = con.execute("select channel, endpoint, ok from ops.api_calls").fetchall()
    assert calls == [("notifier", "dingtalk", True)]


@pytest.mark.parametrize("kind,key", [("wecom", "markdown"), ("slack", "text")])
def test_wecom_and_slack_payload_formats(con, receiver, kind, key):
    _raise(con)
    assert deliver_pending(con, _notifier(receiver, kind, "/hook")).sent == 1
    body = receiver.requests[0]["json"]
    assert key in body
    text = body["markdown"]["content"] if kind == "wecom" else body["text"]
    assert "duplicate order_id" in text
    assert "sign=" not in receiver.requests[0]["path"]


def test_transient_errors_are_retried_within_a_pass(con, receiver):
    receiver.script = [(503, "busy"), (500, "oops")]
    _raise(con)
    assert deliver_pending(con, _notifier(receiver), sleep=lambda s: None).sent == 1
    assert len(receiver.requests) == 3
    assert con.execute("select delivery_status, delivery_attempts from ops.alerts").fetchone() == ("sent", 3)
    assert con.execute("select count(*) filter (where not ok), count(*) from ops.api_calls").fetchone() == (2, 3)


def test_failures_are_recorded_never_raised_and_retried_next_pass(con, receiver):
    receiver.script = [(500, "down")] * 3 + [(200, '{"errcode":310000,"errmsg":"sign not match"}')]
    _raise(con)
    _raise(con, key="check:hub.orders:status_valid")
    first = deliver_pending(con, _notifier(receiver), sleep=lambda s: None)
    assert (first.sent, first.failed) == (0, 1)  # the second alert waits: no hammering a dead webhook
    status = con.execute(
        "select delivery_status, delivery_attempts, last_error from ops.alerts order by created_at"
    ).fetchall()
    assert status[0][0] == "failed" and status[0][1] == 3 and "500" in status[0][2]
    assert "tok123" not in status[0][2]  # the robot token never lands in the table
    assert status[1][0] == "pending"
    second = deliver_pending(con, _notifier(receiver), sleep=lambda s: None)  # errcode != 0 is a failure too
    assert (
        second.failed == 1
        and "310000" in con.execute("select last_error from ops.alerts order by created_at limit 1").fetchone()[0]
    )
    third = deliver_pending(con, _notifier(receiver), sleep=lambda s: None)
    assert third.sent == 2
    assert {r[0] for r in con.execute("select delivery_status from ops.alerts").fetchall()} == {"sent"}


def test_connection_refused_does_not_break_the_caller(con):
    _raise(con)
    dead = Notifier(webhook_url="http://127.0.0.1:9/robot/send?access_token=x", kind="slack", retries=0)
    report = deliver_pending(con, dead)
    assert report.failed == 1 and report.error is None
    assert con.execute("select delivery_status from ops.alerts").fetchone() == ("failed",)


def test_open_problem_is_sent_once_and_recovery_once(con, receiver):
    n = _notifier(receiver, "slack", "/hook")
    assert _raise(con) is True
    deliver_pending(con, n)
    assert _raise(con) is False  # still open: no new row, nothing re-sent
    deliver_pending(con, n)
    assert len(receiver.requests) == 1
    assert alerts.resolve_alert(con, dedupe_key="check:hub.orders:order_id_unique", message="unique again") is True
    assert alerts.resolve_alert(con, dedupe_key="check:hub.orders:order_id_unique", message="unique again") is False
    deliver_pending(con, n)
    deliver_pending(con, n)
    assert len(receiver.requests) == 2 and "unique again" in receiver.requests[1]["json"]["text"]
    assert _raise(con) is True  # the problem comes back: a new alert
    deliver_pending(con, n)
    assert len(receiver.requests) == 3


def test_without_webhook_alerts_go_to_table_and_log(con, caplog):
    _raise(con)
    with caplog.at_level("ERROR", logger="orderhub.alerts"):
        report = deliver_pending(con, Notifier())
    assert report.not_configured == 1
    assert con.execute("select delivery_status, delivery_channel from ops.alerts").fetchone() == (
        "not_configured",
        "log",
    )
    assert "duplicate order_id" in caplog.text


def test_daemon_alert_sends_directly_dedupes_and_is_recorded_later(con, receiver):
    n = _notifier(receiver, "slack", "/hook")
    kw = dict(dedupe_key="run_failed:hub_job", kind="run_failed", severity="error", message="run abc failed")
    assert daemon_alert(n, op="raise", **kw) == "sent"
    assert daemon_alert(n, op="raise", **kw) == "duplicate"
    assert len(receiver.requests) == 1 and len(list(spool_dir().glob("*.json"))) == 1
    deliver_pending(con, n)  # replays the spool into ops.alerts without re-sending
    assert len(receiver.requests) == 1
    assert con.execute("select kind, delivery_status from ops.alerts").fetchall() == [("run_failed", "sent")]
    assert daemon_alert(n, op="resolve", dedupe_key="run_failed:hub_job", message="job ok again") == "sent"
    assert daemon_alert(n, op="resolve", dedupe_key="run_failed:hub_job", message="job ok again") == "not_open"
    deliver_pending(con, n)
    assert len(receiver.requests) == 2
    rows = con.execute(
        "select kind, delivery_status, resolved_at is not null from ops.alerts order by created_at"
    ).fetchall()
    assert rows == [("run_failed", "sent", True), ("recovered", "sent", True)]
    assert not list(spool_dir().glob("*.json"))


def test_no_notifier_passed_leaves_alerts_pending(con):
    _raise(con)
    deliver_pending(con, None)
    assert con.execute("select delivery_status from ops.alerts").fetchone() == ("pending",)


def test_wecom_content_is_capped_in_bytes():
    from orderhub.notify.formats import AlertMessage, payload

    body = payload("wecom", AlertMessage("a", "check_failed", "error", "缺货" * 3000, "inventory.availability"))
    assert len(body["markdown"]["content"].encode("utf-8")) <= 4096


def test_daemon_delivery_failure_is_recorded_and_retried_by_the_next_pass(con, receiver):
    receiver.script = [(502, "bad gateway")] * 3
    n = _notifier(receiver, "slack", "/hook")
    assert (
        daemon_alert(
            n,
            op="raise",
            dedupe_key="freshness:hub/orders:error",
            kind="freshness",
            severity="error",
            message="hub.orders is 3 h old",
        )
        == "failed"
    )
    report = deliver_pending(con, n)  # records the spooled failure, then retries it
    assert report.sent == 1 and len(receiver.requests) == 4
    assert con.execute("select delivery_status, delivery_attempts from ops.alerts").fetchone() == ("sent", 4)
    # the daemon's 3 failed attempts were logged too, once the warehouse was reachable
    assert con.execute(
        "select count(*) filter (where not ok), count(*) from ops.api_calls where channel = 'notifier'"
    ).fetchone() == (3, 4)


def test_a_corrupt_spool_file_is_set_aside_and_does_not_block_delivery(con, orderhub_home):
    spool_dir().mkdir(parents=True, exist_ok=True)
    (spool_dir() / "0000-broken.json").write_text("{not json", encoding="utf-8")
    _raise(con)
    assert deliver_pending(con, Notifier()).not_configured == 1
    assert (spool_dir() / "0000-broken.bad").exists()


def test_a_burst_of_alerts_of_one_kind_goes_out_as_one_digest(con, receiver):
    for i in range(20):
        alerts.raise_alert(
            con,
            kind="stock_out",
            severity="warning",
            message=f"SKU-{i:05d} is out of stock",
            dedupe_key=f"stock_out:SKU-{i:05d}",
            asset="inventory.availability",
        )
    _raise(con)  # a different kind: its own message
    report = deliver_pending(con, _notifier(receiver, "slack", "/hook"))
    assert report.sent == 21 and len(receiver.requests) == 2
    digest = receiver.requests[0]["json"]["text"]
    assert "20 alerts" in digest and "SKU-00000" in digest and "and 5 more" in digest
    assert con.execute("select count(*) from ops.alerts where delivery_status = 'sent'").fetchone() == (21,)
