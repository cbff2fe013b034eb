"""The WMS receives each shipment task first (re-keyed before go-live, by OrderHub after), and shipping-error
after-sales / tickets follow the go-live: both are what OrderHub's KPIs are judged by."""

from __future__ import annotations

import numpy as np
import pytest
import requests

from simulator import wms_model
from simulator.cs import Tickets
from simulator.timeutil import DAY, parse_iso
from simulator.world import World

NOW = "2026-11-25T00:00:00Z"
WMS = {"X-Api-Key": "sim-wms-key"}


@pytest.fixture(scope="module")
def world():
    return World(seed=7, days=60, now=parse_iso(NOW), golive_days_ago=30)


def _shipped(w):
    o = w.orders
    return o[~np.isnan(o["shipped"].to_numpy()) & (o["shipped"].to_numpy() <= w.now())]


def test_receive_precedes_pick_pack_ship_and_keeps_ship_times(world):
    o = _shipped(world)
    rec, pick, pack, ship1 = (o[c].to_numpy() for c in ("received", "picked", "packed", "ship1"))
    assert not np.isnan(rec).any()
    assert (o["paid"].to_numpy() < rec).all() and (rec < pick).all() and (pick < pack).all() and (pack < ship1).all()
    assert (ship1 <= o["shipped"].to_numpy()).all()


def test_receive_delay_before_and_after_golive(world):
    o = _shipped(world)
    minutes = (o["received"].to_numpy() - o["paid"].to_numpy()) / 60
    before = o["paid"].to_numpy() < world.golive
    b, a = minutes[before], minutes[~before]
    assert 120 < np.median(b) < 260 and np.percentile(b, 90) > 600  # re-keying: hours, night orders next shift
    assert (b <= 30).mean() < 0.1
    assert 5 < np.median(a) < 12 and 0.93 <= (a <= 30).mean() <= 0.97  # OrderHub: minutes, a small tail
    assert np.percentile(a, 99.5) > 120  # backorders / festival queues exist


def test_rekeying_happens_in_shifts():
    # paid Saturday 2026-11-07 23:30 Beijing: the weekend shift opens at 10:00 next day
    paid = parse_iso("2026-11-07T15:30:00Z")
    out = wms_model.add_shift_time(np.array([paid, np.nan]), np.array([600.0, 600.0]))
    assert out[0] == parse_iso("2026-11-08T02:10:00Z") and np.isnan(out[1])
    # 2 working hours from Friday 22:00 Beijing: 1 h on Friday, 1 h from Saturday 10:00
    out = wms_model.add_shift_time(np.array([parse_iso("2026-11-06T14:00:00Z")]), np.array([7200.0]))
    assert out[0] == parse_iso("2026-11-07T03:00:00Z")


def test_shipping_error_tickets_per_shipped_order(world):
    class Sim:  # Tickets only needs .world
        pass

    sim = Sim()
    sim.world = world
    t = Tickets(sim).table()
    t = t[~t["typo"].to_numpy() & (t["created"].to_numpy() <= world.now())]
    o = world.orders
    before = np.nan_to_num(o["paid"].to_numpy(), nan=0) < world.golive
    shipped = ~np.isnan(o["shipped"].to_numpy()) & (o["shipped"].to_numpy() <= world.now())
    rf, src = o["rf_type"].to_numpy(), o["src"].to_numpy()
    api_wrong = np.isin(rf, (2, 4)) & np.isin(src, (0, 1, 2)) & (o["rf_req"].to_numpy() <= world.now())
    rows, kind = t["row"].to_numpy(), t["kind"].to_numpy()
    cs_wrong = np.bincount(rows[np.isin(kind, (2, 4))], minlength=len(o))
    per_mille = {}
    for name, sel in (("before", before), ("after", ~before & ~np.isnan(o["paid"].to_numpy()))):
        per_mille[name] = 1000 * (cs_wrong[sel].sum() + api_wrong[sel].sum()) / shipped[sel].sum()
    assert 1.2 < per_mille["before"] < 3.0 and per_mille["after"] < 0.8
    assert per_mille["after"] < per_mille["before"] / 3
    # other after-sales keep their rates (≈ 3% of paid orders are refund-only / return / damaged)
    other = np.isin(rf, (0, 1, 3)).sum() / (~np.isnan(o["paid"].to_numpy())).sum()
    assert 0.025 < other < 0.035
    # tickets cover the whole history window, not only recent weeks
    first = (t["created"].to_numpy().min() - (world.start_now - world.days * DAY)) / DAY
    assert first < 3


def test_api_events_have_receive_then_operator_steps(sim):
    ev = requests.get(f"{sim.url}/wms/events", params={"after": 0, "limit": 5000}, headers=WMS).json()["events"]
    by_order: dict[str, list[dict]] = {}
    for e in ev:
        by_order.setdefault(e["order_id"], []).append(e)
    full = [v for v in by_order.values() if len(v) == 4]
    assert full and all([e["event_type"] for e in v] == ["receive", "pick", "pack", "ship"] for v in full)
    stock = requests.get(f"{sim.url}/wms/stock", params={"page_size": 1}, headers=WMS).json()["items"][0]
    body = {
        "idempotency_key": "rcv-1",
        "order_id": "taobao:1",
        "warehouse_id": stock["warehouse_id"],
        "waybill_no": "SF1",
        "carrier": "SF",
        "lines": [{"sku_id": stock["sku_id"], "quantity": 1}],
    }
    task = requests.post(f"{sim.url}/wms/shipments", json=body, headers=WMS).json()
    requests.post(f"{sim.url}/admin/clock", json={"advance_seconds": 3 * 3600})
    after = ev[-1]["event_id"] if len(ev) < 5000 else 0
    mine = []
    cursor = after
    while True:
        page = requests.get(f"{sim.url}/wms/events", params={"after": cursor, "limit": 5000}, headers=WMS).json()
        mine += [e for e in page["events"] if e["task_id"] == task["task_id"]]
        if not page["events"]:
            break
        cursor = page["next_after"]
    assert [e["event_type"] for e in mine] == ["receive", "pick", "pack", "ship"]
    assert mine[0]["occurred_at"] == task["created_at"] and mine[0]["operator_id"] is None


def test_same_seed_same_receive_times():
    a = World(seed=3, days=5, now=parse_iso(NOW))
    b = World(seed=3, days=5, now=parse_iso(NOW))
    assert np.array_equal(a.orders["received"].to_numpy(), b.orders["received"].to_numpy(), equal_nan=True)
