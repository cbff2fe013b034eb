"""Purchase orders (raised in the ERP and from OrderHub) and goods receipts, with late deliveries."""

import requests

KEY = {"X-Api-Key": "sim-wms-key"}


def _orders(sim):
    r = requests.get(f"{sim.url}/erp/purchase_orders", params={"page_size": 5000}, headers=KEY, timeout=10)
    assert r.status_code == 200
    return r.json()["items"]


def test_erp_orders_are_open_received_or_overdue_and_receipts_match_stock(sim):
    items = _orders(sim)
    status = {s: sum(i["status"] == s for i in items) for s in ("open", "received", "overdue")}
    assert all(status.values()), status  # orders in transit, delivered, and late ones not yet delivered
    assert {i["source"] for i in items} == {"erp"}
    from simulator.timeutil import iso

    now = iso(sim.world.now())
    assert all(i["expected_at"] < now for i in items if i["status"] == "overdue")
    assert all(i["ordered_at"] <= now and i["expected_at"] > i["ordered_at"] for i in items)
    # receipts: cursor paging with increasing ids, every one a received order
    first = requests.get(f"{sim.url}/wms/receipts", params={"after": 0, "limit": 50}, headers=KEY, timeout=10).json()
    ids = [r["receipt_id"] for r in first["receipts"]]
    assert ids == sorted(ids) and len(ids) == 50 and first["next_after"] == ids[-1]
    rest = requests.get(
        f"{sim.url}/wms/receipts", params={"after": ids[-1], "limit": 5000}, headers=KEY, timeout=10
    ).json()["receipts"]
    assert min(r["receipt_id"] for r in rest) > ids[-1]
    received = {i["po_no"] for i in items if i["status"] == "received"}
    assert {r["po_no"] for r in first["receipts"] + rest} == received
    assert requests.get(f"{sim.url}/wms/receipts", timeout=10).status_code == 401


def test_orderhub_suggestions_become_orders_that_arrive_after_the_lead_time_and_add_stock(sim):
    lead = int(sim.world.catalog.set_index("sku_code").loc["SKU-00002", "lead_time_days"])
    before = sim.wms.levels()["on_hand"][1]  # WH-HZ, SKU-00002
    body = {"suggestion_date": "2026-11-25", "lines": [{"sku_id": "SKU-00002", "quantity": 480, "reason": "r"}]}
    assert requests.post(f"{sim.url}/erp/purchase_suggestions", json=body, headers=KEY, timeout=10).status_code == 200
    mine = [i for i in _orders(sim) if i["source"] == "orderhub"]
    assert len(mine) == 1 and mine[0]["status"] == "open" and mine[0]["warehouse_id"] == "WH-HZ"
    sim.advance((lead + 7) * 86400)  # past the lead time and the longest delay
    mine = [i for i in _orders(sim) if i["source"] == "orderhub"]
    assert mine[0]["status"] == "received" and mine[0]["received_quantity"] == 480
    got = requests.get(f"{sim.url}/wms/receipts", params={"after": 0, "limit": 5000}, headers=KEY, timeout=10).json()
    assert mine[0]["po_no"] in {r["po_no"] for r in got["receipts"]}
    # stock moved by the receipt plus the world's own replenishments and shipments over those days
    from simulator import purchasing

    assert purchasing.orderhub_received(sim.wms, sim.world.now())[1] == 480
    assert sim.wms.levels()["on_hand"][1] != before
