"""JD (optional channel): signature, 1-day window, paging, paid orders only, yuan with up to 2 decimals."""

from __future__ import annotations

import requests

from simulator import client
from simulator.timeutil import bj, parse_iso

NOW = "2026-11-25T00:00:00Z"  # same virtual now as the module fixture in conftest.py
END = int(parse_iso(NOW))
ROOT = "jingdong_pop_order_enSearch_responce"


def _search(sim, start, end, page=1, size=50, **kw):
    biz = {"start_date": bj(start), "end_date": bj(end), "page": page, "page_size": size, "dateType": 0}
    biz.update(client.JD_SEARCH)
    return client.jd(sim.url, "jingdong.pop.order.enSearch", biz, **kw).json()


def test_jd_signature_and_window(sim):
    assert _search(sim, END - 3600, END, secret="bad")["error_response"]["code"] == "12"  # 无效签名
    assert _search(sim, END - 3600, END, access_token=None)["error_response"]["code"] == "19"  # 无效access_token
    too_long = _search(sim, END - 86401, END)[ROOT]["searchorderinfo_result"]["apiResult"]
    assert too_long["success"] is False
    assert _search(sim, END - 3600, END, size=51)[ROOT]["searchorderinfo_result"]["apiResult"]["success"] is False
    ok = _search(sim, END - 3600, END)[ROOT]["searchorderinfo_result"]
    assert ok["apiResult"]["success"] is True


def test_jd_pages_cover_truth(sim):
    start, end = END - 86400, END
    res = _search(sim, start, end, page=1)[ROOT]["searchorderinfo_result"]
    total, ids = res["orderTotal"], [o["orderId"] for o in res["orderInfoList"]]
    page = 2
    while len(ids) < total:
        ids += [
            o["orderId"] for o in _search(sim, start, end, page=page)[ROOT]["searchorderinfo_result"]["orderInfoList"]
        ]
        page += 1
    assert len(ids) == len(set(ids)) == total > 10
    truth = requests.get(f"{sim.url}/admin/truth/orders", params={"channel": "jd"}).json()["orders"]
    in_window = {o["channel_order_id"] for o in truth if start <= parse_iso(o["modified_at"]) < end}
    assert set(ids) == in_window
    o = res["orderInfoList"][0]
    assert o["orderState"] in {
        "WAIT_SELLER_STOCK_OUT",
        "WAIT_GOODS_RECEIVE_CONFIRM",
        "FINISHED_L",
        "TRADE_CANCELED",
        "LOCKED",
    }
    assert o["itemInfoList"] and "*" in o["consigneeInfo"]["desen_mobile"]
    assert not any(ch.isdigit() for ch in o["consigneeInfo"]["fullname"])
