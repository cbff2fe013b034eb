"""Move allocated tasks forward: e-waybill -> WMS shipment task -> shipped (WMS event) -> channel write-back.

Each step makes one API call per task (that is the APIs' granularity) and records all outcomes in one
transaction per step. Idempotency keys derive from order_id, so a crash between the call and the commit,
a retried request or a re-run all get the same waybill / WMS task back: exactly one waybill per order.
A task whose call fails keeps its state, gets attempts + 1 and last_error, and is retried next run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import duckdb
import pandas as pd

from orderhub.http import ApiError
from orderhub.transaction import transaction

GRAMS_PER_UNIT = 500


def _api_time(body: dict, fallback: datetime) -> datetime:
    """The time the remote system says it created the waybill/task (a duplicate answer repeats the original
    time; in the simulator it is virtual time, consistent with order and WMS event times), else now."""
    try:
        return datetime.fromisoformat(str(body["created_at"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return fallback  # no weights in the item master yet; the carrier re-weighs at pickup


WAYBILL_TODO_SQL = """
select t.task_id, t.order_id, t.waybill_idempotency_key, t.warehouse_id, t.waybill_no, t.lines,
       o.receiver_province, o.receiver_city
from hub.fulfilment_tasks t join hub.orders o using (order_id)
where t.status = 'allocated' order by t.paid_at, t.task_id
"""

WMS_TODO_SQL = """
select task_id, order_id, wms_idempotency_key, warehouse_id, waybill_no, carrier, lines
from hub.fulfilment_tasks where status = 'waybill_issued' order by paid_at, task_id
"""

WRITEBACK_TODO_SQL = """
select task_id, channel, channel_order_id, waybill_no, carrier
from hub.fulfilment_tasks
where status = 'shipped' and channel_confirmed_at is null and channel = ? order by shipped_at, task_id
"""

# A WMS 'ship' event for the task's WMS task id marks it shipped. Matching on the WMS task id (not the
# order id) matters: an order shipped partly before OrderHub sent its task has older 'ship' events.
SHIPPED_SQL = """
update hub.fulfilment_tasks t set status = 'shipped', shipped_at = e.occurred_at, updated_at = $now
from (select task_id, min(occurred_at) as occurred_at from ops.wms_events where event_type = 'ship'
      group by task_id) e
where e.task_id = t.wms_task_id and t.status = 'sent_to_wms'
"""


def _record(con: duckdb.DuckDBPyConnection, outcomes: list[dict], assignments: str) -> None:
    """Apply per-task outcomes: ok rows get `assignments`, failed rows attempts+1/last_error."""
    if not outcomes:
        return
    out = pd.DataFrame(outcomes)  # noqa: F841 - used in SQL
    with transaction(con):
        con.execute(
            f"update hub.fulfilment_tasks t set {assignments}, last_error = null, updated_at = o.at"
            " from out o where o.task_id = t.task_id and o.ok"
        )
        con.execute(
            "update hub.fulfilment_tasks t set attempts = t.attempts + 1, last_error = o.error, updated_at = o.at"
            " from out o where o.task_id = t.task_id and not o.ok"
        )


def request_waybills(
    con: duckdb.DuckDBPyConnection, create_waybill: Callable[..., dict], now: Callable[[], datetime]
) -> dict[str, int]:
    """create_waybill(order_id=, idempotency_key=, receiver_province=, receiver_city=, parcel_weight_g=,
    warehouse_id=) -> {"waybill_no", "carrier"}. Tasks that already hold a waybill are not re-requested."""
    todo = con.execute(WAYBILL_TODO_SQL).df()
    outcomes = []
    for t in todo.itertuples():
        units = sum(int(line["quantity"]) for line in json.loads(t.lines))
        try:
            if isinstance(t.waybill_no, str):
                body = {"waybill_no": t.waybill_no, "carrier": None}
            else:
                body = create_waybill(
                    order_id=t.order_id,
                    idempotency_key=t.waybill_idempotency_key,
                    receiver_province=t.receiver_province,
                    receiver_city=t.receiver_city,
                    parcel_weight_g=units * GRAMS_PER_UNIT,
                    warehouse_id=t.warehouse_id,
                )
            if not body.get("waybill_no"):
                raise ApiError("logistics", "logistics/waybills", f"no waybill_no in answer: {body}")
            at = now()
            outcomes.append(
                {
                    "task_id": t.task_id,
                    "ok": True,
                    "error": None,
                    "at": at,
                    "event_at": _api_time(body, at),
                    "waybill_no": body["waybill_no"],
                    "carrier": body.get("carrier"),
                }
            )
        except ApiError as exc:
            outcomes.append(
                {
                    "task_id": t.task_id,
                    "ok": False,
                    "error": str(exc)[:500],
                    "at": now(),
                    "event_at": None,
                    "waybill_no": None,
                    "carrier": None,
                }
            )
    _record(
        con,
        outcomes,
        "status = 'waybill_issued', waybill_no = o.waybill_no, carrier = coalesce(o.carrier,"
        " t.carrier), waybill_at = coalesce(t.waybill_at, o.event_at)",
    )
    return {
        "requested": len(todo),
        "issued": sum(o["ok"] for o in outcomes),
        "failed": sum(not o["ok"] for o in outcomes),
    }


def send_to_wms(
    con: duckdb.DuckDBPyConnection, create_shipment: Callable[[dict], dict], now: Callable[[], datetime]
) -> dict[str, int]:
    """Send each waybill-ready task to its warehouse. A 409 (insufficient stock) turns the task into
    'wms_rejected', which the allocator retries like a backorder (the waybill is kept)."""
    todo = con.execute(WMS_TODO_SQL).df()
    outcomes, rejected = [], []
    for t in todo.itertuples():
        payload = {
            "idempotency_key": t.wms_idempotency_key,
            "order_id": t.order_id,
            "warehouse_id": t.warehouse_id,
            "waybill_no": t.waybill_no,
            "carrier": t.carrier,
            "lines": json.loads(t.lines),
        }
        try:
            body = create_shipment(payload)
        except ApiError as exc:
            outcomes.append(
                {
                    "task_id": t.task_id,
                    "ok": False,
                    "error": str(exc)[:500],
                    "at": now(),
                    "event_at": None,
                    "wms_task_id": None,
                }
            )
            continue
        if body.get("error"):
            rejected.append({"task_id": t.task_id, "error": str(body["error"]), "at": now()})
        else:
            at = now()
            outcomes.append(
                {
                    "task_id": t.task_id,
                    "ok": True,
                    "error": None,
                    "at": at,
                    "event_at": _api_time(body, at),
                    "wms_task_id": str(body.get("task_id")),
                }
            )
    _record(
        con,
        outcomes,
        "status = 'sent_to_wms', wms_task_id = o.wms_task_id, sent_to_wms_at = coalesce(t.sent_to_wms_at, o.event_at)",
    )
    if rejected:
        rej = pd.DataFrame(rejected)  # noqa: F841 - used in SQL
        with transaction(con):
            con.execute(
                "update hub.fulfilment_tasks t set status = 'wms_rejected', status_reason = r.error,"
                " last_error = r.error, attempts = t.attempts + 1, updated_at = r.at from rej r"
                " where r.task_id = t.task_id"
            )
    return {
        "sent": sum(o["ok"] for o in outcomes),
        "failed": sum(not o["ok"] for o in outcomes),
        "rejected": len(rejected),
    }


def mark_shipped(con: duckdb.DuckDBPyConnection, now: datetime) -> int:
    """Tasks with a WMS 'ship' event become 'shipped' with shipped_at = the event time."""
    with transaction(con):
        before = con.execute("select count(*) from hub.fulfilment_tasks where status = 'shipped'").fetchone()[0]
        con.execute(SHIPPED_SQL, {"now": now})
        return con.execute("select count(*) from hub.fulfilment_tasks where status = 'shipped'").fetchone()[0] - before


def write_back(
    con: duckdb.DuckDBPyConnection, channel: str, confirm: Callable[[str, str, str], None], now: Callable[[], datetime]
) -> dict[str, int]:
    """Report shipped tasks to their channel with the tracking number; failures are retried next run."""
    todo = con.execute(WRITEBACK_TODO_SQL, [channel]).df()
    outcomes = []
    for t in todo.itertuples():
        try:
            confirm(t.channel_order_id, t.waybill_no, t.carrier or "SF")
            outcomes.append({"task_id": t.task_id, "ok": True, "error": None, "at": now()})
        except ApiError as exc:
            outcomes.append({"task_id": t.task_id, "ok": False, "error": str(exc)[:500], "at": now()})
    _record(con, outcomes, "channel_confirmed_at = o.at")
    return {"confirmed": sum(o["ok"] for o in outcomes), "failed": sum(not o["ok"] for o in outcomes)}
