"""Fulfilment tasks against a fake WMS/logistics server: exactly one waybill under retries, crashes and re-runs."""

from datetime import timedelta

import pytest
from inv_fakes import FakeServer
from inv_fixtures import NOW, add_order, add_stock, connect, open_alerts

from orderhub.calllog import CallLog
from orderhub.fulfilment import dispatch, events
from orderhub.fulfilment.allocate import allocate
from resources.logistics import LogisticsApi
from resources.wms import WmsApi


@pytest.fixture()
def server():
    s = FakeServer()
    yield s
    s.close()


def _clients(server):
    nosleep = lambda _s: None  # noqa: E731 - retries without waiting
    return (
        LogisticsApi(base_url=server.url, api_key="lg-key").with_sleep(nosleep),
        WmsApi(base_url=server.url, api_key="wms-key").with_sleep(nosleep),
    )


def _run(con, server, calls, now=NOW):
    lg, wms = _clients(server)
    allocate(con, now)
    wb = dispatch.request_waybills(con, lambda **kw: lg.create_waybill(calls=calls, **kw), lambda: now)
    sent = dispatch.send_to_wms(con, lambda p: wms.create_shipment(p, calls), lambda: now)
    return wb, sent


def _tasks(con):
    return {
        r[0]: r[1:]
        for r in con.execute(
            "select order_id, status, warehouse_id, waybill_no, wms_task_id from hub.fulfilment_tasks"
        ).fetchall()
    }


def test_exactly_one_waybill_under_retries_lost_responses_and_reruns(orderhub_home, server):
    con = connect()
    add_stock(con, [("WH-HZ", "SKU-1", 10, 0), ("WH-CD", "SKU-1", 10, 0)])
    add_order(con, "taobao:1", lines=[("SKU-1", 1)])
    add_order(con, "pdd:2", province="新疆维吾尔自治区", lines=[("SKU-1", 2)])
    server.state.faults["/logistics/waybills"] = [500, 429]  # retried inside one call
    server.state.lose_response_after_commit.add("/logistics/waybills")  # answer lost after issuing
    calls = CallLog("run-1")
    wb, sent = _run(con, server, calls)
    assert wb == {"requested": 2, "issued": 2, "failed": 0} and sent["sent"] == 2
    tasks = _tasks(con)
    assert tasks["pdd:2"][1] == "WH-CD" and tasks["taobao:1"][1] == "WH-HZ"
    assert len(server.state.waybills) == 2  # server issued one per order despite 7 requests
    assert server.state.waybill_requests >= 3
    assert {r.channel for r in calls.records} == {"logistics", "wms"}
    assert any(not r.ok and r.http_status == 500 for r in calls.records)

    # Re-run: nothing new is requested; forcing the task back (as after a crash before commit) reuses the key.
    before = dict(server.state.waybills)
    _run(con, server, CallLog("run-2"))
    con.execute("update hub.fulfilment_tasks set status = 'allocated', waybill_no = null where order_id = 'taobao:1'")
    _run(con, server, CallLog("run-3"))
    assert server.state.waybills == before
    assert (
        _tasks(con)["taobao:1"][2]
        == before[
            con.execute(
                "select waybill_idempotency_key from hub.fulfilment_tasks where order_id = 'taobao:1'"
            ).fetchone()[0]
        ]
    )
    assert len(server.state.shipments) == 2  # WMS task idempotent too


def test_waybill_outage_keeps_task_for_next_run(orderhub_home, server):
    con = connect()
    add_stock(con, [("WH-HZ", "SKU-1", 5, 0)])
    add_order(con, "taobao:1", lines=[("SKU-1", 1)])
    server.state.faults["/logistics/waybills"] = [503] * 4  # first try + 3 retries all fail
    wb, _ = _run(con, server, CallLog())
    assert wb["failed"] == 1
    row = con.execute("select status, attempts, last_error from hub.fulfilment_tasks").fetchone()
    assert row[0] == "allocated" and row[1] == 1 and "503" in row[2]
    wb, sent = _run(con, server, CallLog())
    assert wb["issued"] == 1 and sent["sent"] == 1


def test_backorder_alerts_purchasing_and_recovers_when_stock_arrives(orderhub_home, server):
    con = connect()
    add_stock(con, [("WH-HZ", "SKU-1", 1, 0)])
    add_order(con, "taobao:1", lines=[("SKU-1", 1)], paid_minutes_ago=90)  # older payment served first
    add_order(con, "taobao:2", lines=[("SKU-1", 1)], paid_minutes_ago=30)
    add_order(con, "taobao:3", lines=[(None, 1)])
    _run(con, server, CallLog())
    tasks = _tasks(con)
    assert tasks["taobao:1"][0] == "sent_to_wms" and tasks["taobao:2"][0] == "backorder"
    assert tasks["taobao:3"][0] == "blocked"
    assert "backorder:SKU-1" in open_alerts(con, "stock_out")
    created = con.execute("select created_at from hub.fulfilment_tasks where order_id = 'taobao:2'").fetchone()[0]

    add_stock(con, [("WH-GZ", "SKU-1", 3, 0)])
    later = NOW + timedelta(hours=1)
    _run(con, server, CallLog(), now=later)
    row = con.execute(
        "select status, warehouse_id, created_at, allocated_at from hub.fulfilment_tasks where order_id = 'taobao:2'"
    ).fetchone()
    assert row[:2] == ("sent_to_wms", "WH-GZ") and row[2] == created and row[3] == later
    assert "backorder:SKU-1" not in open_alerts(con)


def test_wms_rejection_cancellation_shipping_and_channel_write_back(orderhub_home, server):
    con = connect()
    add_stock(con, [("WH-HZ", "SKU-1", 5, 0)])
    add_order(con, "taobao:1", lines=[("SKU-1", 1)])
    add_order(con, "douyin:2", lines=[("SKU-1", 1)])
    add_order(con, "pdd:3", lines=[("SKU-1", 1)])
    server.state.insufficient.add("pdd:3")
    _wb, sent = _run(con, server, CallLog())
    assert sent == {"sent": 2, "failed": 0, "rejected": 1}
    assert _tasks(con)["pdd:3"][0] == "wms_rejected"
    con.execute("update hub.orders set status = 'cancelled' where order_id = 'pdd:3'")
    _run(con, server, CallLog())
    assert con.execute(
        "select status, status_reason from hub.fulfilment_tasks where order_id = 'pdd:3'"
    ).fetchone() == ("cancelled", "order_cancelled")

    con.execute("update hub.orders set status = 'refunded' where order_id = 'douyin:2'")  # already in the WMS
    assert allocate(con, NOW)["to_intercept"] == 1
    assert "intercept:douyin:2" in open_alerts(con, "shipment_intercept")
    assert _tasks(con)["douyin:2"][0] == "sent_to_wms"

    lg, wms = _clients(server)
    task_t1 = _tasks(con)["taobao:1"][3]
    server.state.events += [
        {
            "event_id": 1,
            "task_id": "PRE",
            "order_id": "taobao:1",
            "event_type": "ship",
            "operator_id": "op-3",
            "warehouse_id": "WH-HZ",
            "occurred_at": "2026-11-20T11:00:00Z",
        },  # a part shipped before OrderHub
        {
            "event_id": 2,
            "task_id": task_t1,
            "order_id": "taobao:1",
            "event_type": "pick",
            "operator_id": "op-1",
            "warehouse_id": "WH-HZ",
            "occurred_at": "2026-11-20T12:10:00Z",
        },
        {
            "event_id": 3,
            "task_id": task_t1,
            "order_id": "taobao:1",
            "event_type": "ship",
            "operator_id": "op-2",
            "warehouse_id": "WH-HZ",
            "occurred_at": "2026-11-20T12:30:00Z",
        },
        {
            "event_id": 4,
            "task_id": "OLD",
            "order_id": "legacy-9",
            "event_type": "ship",
            "operator_id": "op-2",
            "warehouse_id": "WH-GZ",
            "occurred_at": "2026-10-01T08:00:00Z",
        },
    ]
    calls = CallLog()
    batch, nxt = wms.fetch_events(events.last_event_id(con), 2, calls)
    assert events.land_events(con, batch, NOW) == 2 and nxt == 2
    assert dispatch.mark_shipped(con, NOW) == 0  # the earlier part shipment is not this task's
    batch, nxt = wms.fetch_events(nxt, 2, calls)
    assert events.land_events(con, batch, NOW) == 2 and nxt == 4
    batch, nxt = wms.fetch_events(nxt, 2, calls)
    assert events.land_events(con, batch + batch, NOW) == 0  # duplicates / already landed are ignored
    assert dispatch.mark_shipped(con, NOW) == 1
    row = con.execute("select status, shipped_at from hub.fulfilment_tasks where order_id = 'taobao:1'").fetchone()
    assert row[0] == "shipped" and row[1].isoformat().startswith("2026-11-20T12:30")

    confirmed, attempts = [], {"n": 0}

    def confirm(order_id, tracking, carrier):
        attempts["n"] += 1
        if attempts["n"] == 1:
            from orderhub.http import ApiError

            raise ApiError("taobao", "logistics.offline.send", "HTTP 502")
        confirmed.append((order_id, tracking, carrier))

    assert dispatch.write_back(con, "taobao", confirm, lambda: NOW) == {"confirmed": 0, "failed": 1}
    assert dispatch.write_back(con, "taobao", confirm, lambda: NOW) == {"confirmed": 1, "failed": 0}
    assert confirmed == [("1", _tasks(con)["taobao:1"][2], "SF")]
    assert dispatch.write_back(con, "taobao", confirm, lambda: NOW) == {"confirmed": 0, "failed": 0}


def test_wms_stock_pages_and_bad_key(orderhub_home, server):
    server.state.stock = [
        {"warehouse_id": "WH-HZ", "sku_id": f"SKU-{i}", "on_hand": i, "locked": 0, "updated_at": "2026-11-20T00:00:00Z"}
        for i in range(7)
    ]
    calls = CallLog()
    wms = WmsApi(base_url=server.url, api_key="wms-key", page_size=3)
    assert len(wms.list_stock(calls)) == 7 and len(calls.records) == 3
    from orderhub.http import ApiError

    with pytest.raises(ApiError):
        WmsApi(base_url=server.url, api_key="wrong").create_shipment({"order_id": "x"}, calls)


def test_cs_tickets_paged_by_update_time(orderhub_home, server):
    from resources.cs import CsApi

    server.state.tickets = [{"ticket_code": f"CS-{i}", "updated_at": f"2026-11-20T0{i}:00:00Z"} for i in range(7)]
    calls = CallLog()
    got = CsApi(base_url=server.url, page_limit=3).fetch_tickets("2026-11-20T00:30:00Z", calls)
    assert sorted(t["ticket_code"] for t in got) == [f"CS-{i}" for i in range(1, 7)]
    assert {r.channel for r in calls.records} == {"cs"} and len(calls.records) == 3
