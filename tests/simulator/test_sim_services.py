"""WMS, logistics, ERP database, seller-center exports, customer-service tickets, channel stock."""

from __future__ import annotations

import io
import sqlite3

import requests

from simulator import client
from simulator.exports import HEADERS

WMS = {"X-Api-Key": "sim-wms-key"}
LG = {"X-Api-Key": "sim-lg-key"}


def test_waybills_are_idempotent(sim):
    body = {
        "order_id": "taobao:1",
        "idempotency_key": "wb-1",
        "receiver_province": "西藏自治区",
        "parcel_weight_g": 800,
    }
    a = requests.post(f"{sim.url}/logistics/waybills", json=body, headers=LG).json()
    b = requests.post(f"{sim.url}/logistics/waybills", json=body, headers=LG).json()
    c = requests.post(f"{sim.url}/logistics/waybills", json={**body, "idempotency_key": "wb-2"}, headers=LG).json()
    assert a["waybill_no"] == b["waybill_no"] != c["waybill_no"] and a["waybill_no"].startswith("SF")
    got = requests.get(f"{sim.url}/logistics/waybills/{a['waybill_no']}", headers=LG).json()
    assert got["order_id"] == "taobao:1" and got["status"] == "created"


def _stock(sim):
    items, page = [], 1
    while True:
        r = requests.get(f"{sim.url}/wms/stock", params={"page": page, "page_size": 500}, headers=WMS).json()
        items += r["items"]
        if len(items) >= r["total"]:
            return items
        page += 1


def test_wms_stock_has_stockouts(sim):
    items = _stock(sim)
    assert len(items) == 900 and {i["warehouse_id"] for i in items} == {"WH-HZ", "WH-GZ", "WH-CD"}
    zero = {i["sku_id"] for i in items if i["on_hand"] == 0}
    assert 1 <= len(zero) < 200
    assert all(0 <= i["locked"] <= i["on_hand"] or i["on_hand"] == 0 for i in items)


def test_wms_shipments_idempotent_and_stock_checked(sim):
    items = [i for i in _stock(sim) if i["on_hand"] - i["locked"] >= 2]
    it = items[0]
    body = {
        "idempotency_key": "ship-1",
        "order_id": "taobao:42",
        "warehouse_id": it["warehouse_id"],
        "waybill_no": "SF1",
        "carrier": "SF",
        "lines": [{"sku_id": it["sku_id"], "quantity": 1}],
    }
    a = requests.post(f"{sim.url}/wms/shipments", json=body, headers=WMS)
    b = requests.post(f"{sim.url}/wms/shipments", json=body, headers=WMS)
    assert a.status_code == b.status_code == 200
    assert a.json()["task_id"] == b.json()["task_id"] and b.json()["duplicate"] is True
    big = {**body, "idempotency_key": "ship-2", "lines": [{"sku_id": it["sku_id"], "quantity": 10**7}]}
    r = requests.post(f"{sim.url}/wms/shipments", json=big, headers=WMS)
    assert r.status_code == 409 and r.json()["error"] == "insufficient_stock"


def test_wms_events_increase_and_have_operators(sim):
    r = requests.get(f"{sim.url}/wms/events", params={"after": 0, "limit": 2000}, headers=WMS).json()
    ev = r["events"]
    ids = [e["event_id"] for e in ev]
    assert ids == sorted(ids) and len(set(ids)) == len(ids) == 2000 and r["next_after"] == ids[-1]
    assert {e["event_type"] for e in ev} == {"receive", "pick", "pack", "ship"}
    assert all(e["operator_id"].startswith("OP-") for e in ev if e["event_type"] != "receive")
    assert all(e["operator_id"] is None for e in ev if e["event_type"] == "receive")
    nxt = requests.get(f"{sim.url}/wms/events", params={"after": r["next_after"], "limit": 10}, headers=WMS).json()
    assert nxt["events"][0]["event_id"] > ids[-1]


def test_erp_rows_inserted_unsynced_and_updated(sim):
    path = sim.erp.path
    with sqlite3.connect(path) as con:
        n0 = con.execute("select count(*) from so_header").fetchone()[0]
        assert n0 > 100 and con.execute("select count(*) from so_header where is_synced = 0").fetchone()[0] == n0
        assert con.execute("select count(*) from erp_items").fetchone()[0] == 300
        assert con.execute("select count(*) from erp_channel_skus where channel='douyin'").fetchone()[0] == 300
        con.execute("update so_header set is_synced = 1")
    r = requests.post(f"{sim.url}/admin/clock", json={"advance_seconds": 2 * 86400}).json()
    assert r["now"] > "2026-11-25"
    with sqlite3.connect(path) as con:
        n1 = con.execute("select count(*) from so_header").fetchone()[0]
        unsynced = con.execute("select count(*) from so_header where is_synced = 0").fetchone()[0]
    assert n1 > n0 and unsynced > n1 - n0  # new rows plus updated old rows


def test_export_csv_gbk_and_xlsx(sim):
    r = requests.get(f"{sim.url}/admin/exports/taobao", params={"date": "2026-11-20", "encoding": "gbk"})
    assert r.status_code == 200
    text = r.content.decode("gbk")
    lines = text.splitlines()
    assert lines[0].split(",") == HEADERS and len(lines) > 20
    assert lines[1].startswith('="26') and "交易" in text or "等待" in text
    u = requests.get(f"{sim.url}/admin/exports/taobao", params={"date": "2026-11-20", "encoding": "utf-8-sig"})
    assert u.content.startswith(b"\xef\xbb\xbf") and u.content.decode("utf-8-sig") == text
    x = requests.get(f"{sim.url}/admin/exports/taobao", params={"date": "2026-11-20", "format": "xlsx"})
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(x.content)).active
    rows = list(ws.values)
    assert list(rows[0]) == HEADERS and len(rows) == len(lines)


def test_cs_tickets(sim):
    t = requests.get(f"{sim.url}/cs/tickets", params={"updated_after": "2026-10-01T00:00:00Z", "limit": 5000}).json()[
        "tickets"
    ]
    assert len(t) > 20
    assert {x["source"] for x in t} == {"wechat", "email"}
    assert {x["ticket_type"] for x in t} >= {"refund_only", "return", "damaged"}
    ups = [x["updated_at"] for x in t]
    assert ups == sorted(ups)


def test_channel_stock_push_and_conflicts(sim):
    listed = requests.get(f"{sim.url}/admin/channel_stock", params={"channel": "taobao"}).json()["items"]
    assert len(listed) == 300  # unmapped listings only with the unmapped_sku_rate fault
    from simulator import listings

    ids = listings.taobao_ids(0)  # SKU-00001's item
    r = client.taobao(
        sim.url, "taobao.item.quantity.update", num_iid=ids["num_iid"], outer_id="SKU-00001", quantity=7, type=1
    ).json()
    assert r["item_quantity_update_response"]["item"]["num"] == 7
    inv = client.taobao(
        sim.url, "taobao.items.seller.list.get", fields="num_iid,outer_id,num,sku", num_iids=ids["num_iid"]
    ).json()
    item = inv["items_seller_list_get_response"]["items"]["item"][0]
    assert (item.get("skus", {}).get("sku", [item])[0].get("quantity", item["num"])) == 7
    dy_ids = listings.douyin_ids(1)
    dy = client.douyin(sim.url, "sku.syncStock", {**dy_ids, "stock_num": 3, "incremental": False}).json()
    assert dy["code"] == 10000
    missing_goods = client.pdd(sim.url, "pdd.goods.quantity.update", outer_id="PDD-00001", quantity=1, update_type=1)
    assert missing_goods.json()["error_response"]["error_msg"] == "参数错误: goods_id 不能为空"


def test_confirm_shipment_and_after_sales(sim):
    import requests as rq

    truth = rq.get(f"{sim.url}/admin/truth/orders", params={"channel": "douyin"}).json()["orders"]
    oid = truth[0]["channel_order_id"]
    r = client.douyin(
        sim.url, "order.logisticsAdd", {"order_id": oid, "logistics_code": "SF123", "company_code": "shunfeng"}
    ).json()
    assert r["code"] == 10000
    end = int(sim.world.now())
    a = client.douyin(
        sim.url,
        "afterSale.List",
        {"update_start_time": end - 7 * 86400, "update_end_time": end, "page": 0, "size": 100},
    ).json()["data"]
    assert a["total"] > 0 and {i["aftersale_info"]["aftersale_status"] for i in a["items"]} <= {6, 12, 14, 28}
    p = client.pdd(
        sim.url,
        "pdd.refund.list.increment.get",
        start_updated_at=end - 1800,
        end_updated_at=end,
        page=1,
        page_size=100,
        **client.PDD_REFUNDS,
    ).json()
    assert "refund_increment_get_response" in p


def test_purchase_suggestions(sim):
    body = {"suggestion_date": "2026-11-25", "lines": [{"sku_id": "SKU-00001", "quantity": 48, "reason": "forecast"}]}
    r = requests.post(f"{sim.url}/erp/purchase_suggestions", json=body, headers=WMS).json()
    assert r["accepted"] == 1 and r["batch_id"].startswith("PS-")


def test_export_has_goods_total_for_every_status(sim):
    import csv

    text = requests.get(
        f"{sim.url}/admin/exports/taobao", params={"date": "2026-11-20", "encoding": "utf-8-sig"}
    ).content
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    truth = {
        o["channel_order_id"]: o
        for o in requests.get(
            f"{sim.url}/admin/truth/orders", params={"channel": "taobao", "shop": "tm-outlet"}
        ).json()["orders"]
    }
    fen = lambda v: int(v.replace(".", ""))  # noqa: E731  ("129.00" → 12900, exact)
    closed_unpaid = 0
    for r in rows:
        t = truth[r["订单编号"][2:-1]]
        assert fen(r["总金额"]) == t["total_fen"] > 0
        if r["买家实际支付金额"] != "0.00":
            assert fen(r["买家实际支付金额"]) == fen(r["总金额"]) - fen(r["优惠金额"]) + fen(r["运费"])
        closed_unpaid += r["订单状态"] == "交易关闭" and r["买家实际支付金额"] == "0.00"
    assert closed_unpaid > 0  # the case the goods total is needed for
