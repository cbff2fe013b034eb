"""Paging covers a window exactly once (no faults), newest first; windows beyond the platform limit fail."""

from __future__ import annotations

import math

from simulator import client
from simulator.timeutil import bj, parse_bj, parse_iso

NOW = "2026-11-25T00:00:00Z"  # same virtual now as the module fixture in conftest.py
END = int(parse_iso(NOW))


def _tb_page(sim, start, end, page_no, size=100):
    r = client.taobao(
        sim.url,
        "taobao.trades.sold.increment.get",
        start_modified=bj(start),
        end_modified=bj(end),
        page_no=page_no,
        page_size=size,
        **client.TOP_TRADES,
    ).json()["trades_sold_increment_get_response"]
    return r["trades"]["trade"], r["total_results"]


def test_taobao_pages_cover_window_once(sim):
    start, end = END - 86400, END
    first, total = _tb_page(sim, start, end, 1, 50)
    seen = list(first)
    for p in range(2, math.ceil(total / 50) + 1):
        seen += _tb_page(sim, start, end, p, 50)[0]
    tids = [t["tid"] for t in seen]
    assert len(tids) == total == len(set(tids)) > 100
    mods = [parse_bj(t["modified"]) for t in seen]
    assert mods == sorted(mods, reverse=True)
    assert all(start <= m < end for m in mods)
    truth = sim.world.modified_window("tb", start, end)
    assert len(truth) == total


def test_taobao_has_next_mode(sim):
    r = client.taobao(
        sim.url,
        "taobao.trades.sold.increment.get",
        start_modified=bj(END - 3600),
        end_modified=bj(END),
        page_no=1,
        page_size=5,
        use_has_next="true",
        **client.TOP_TRADES,
    ).json()["trades_sold_increment_get_response"]
    assert r["has_next"] is True and "total_results" not in r


def test_adjacent_windows_do_not_overlap(sim):
    a, _ = _tb_page(sim, END - 7200, END - 3600, 1)
    b, _ = _tb_page(sim, END - 3600, END, 1)
    assert not {t["tid"] for t in a} & {t["tid"] for t in b}


def test_douyin_pages_from_zero(sim):
    ids, total = [], None
    for page in range(0, 100):
        d = client.douyin(
            sim.url,
            "order.searchList",
            {"update_time_start": END - 6 * 3600, "update_time_end": END, "page": page, "size": 100},
        ).json()["data"]
        total = d["total"]
        ids += [o["order_id"] for o in d["shop_order_list"]]
        if (page + 1) * 100 >= total:
            break
    assert len(ids) == len(set(ids)) == total > 0


def test_pdd_lists_only_paid_orders(sim):
    seen = []
    for start in range(END - 4 * 3600, END, 1800):
        r = client.pdd(
            sim.url,
            "pdd.order.number.list.increment.get",
            start_updated_at=start,
            end_updated_at=start + 1800,
            page_size=100,
            **client.PDD_ORDERS,
        ).json()["order_sn_increment_get_response"]
        assert r["total_count"] <= 100 or r["has_next"]
        seen += r["order_sn_list"]
    assert seen and all(o["confirm_status"] == 1 and o["confirm_time"] for o in seen)


def test_window_limits(sim):
    tb = client.taobao(
        sim.url,
        "taobao.trades.sold.increment.get",
        start_modified=bj(END - 86401),
        end_modified=bj(END),
        **client.TOP_TRADES,
    ).json()
    assert tb["error_response"]["code"] == 41 and tb["error_response"]["sub_code"] == "isv.invalid-parameter"
    pdd = client.pdd(
        sim.url,
        "pdd.order.number.list.increment.get",
        start_updated_at=END - 1801,
        end_updated_at=END,
        page_size=10,
        **client.PDD_ORDERS,
    ).json()
    assert (pdd["error_response"]["error_code"], pdd["error_response"]["error_msg"]) == (10000, "时间范围过大")
    dy = client.douyin(
        sim.url,
        "order.searchList",
        {"update_time_start": END - 7 * 86400 - 1, "update_time_end": END, "page": 0, "size": 10},
    ).json()
    assert dy["code"] != 10000 and dy["data"] is None
    ok = client.douyin(
        sim.url,
        "order.searchList",
        {"update_time_start": END - 7 * 86400, "update_time_end": END, "page": 0, "size": 10},
    ).json()
    assert ok["code"] == 10000


def test_truth_matches_listing(sim):
    import requests

    truth = requests.get(f"{sim.url}/admin/truth/orders", params={"channel": "pdd"}).json()
    assert truth["count"] == len(truth["orders"]) > 1000
    recent = {o["channel_order_id"] for o in truth["orders"] if parse_iso(o["modified_at"]) >= END - 1800}
    r = client.pdd(
        sim.url,
        "pdd.order.number.list.increment.get",
        start_updated_at=END - 1800,
        end_updated_at=END,
        page_size=100,
        **client.PDD_ORDERS,
    ).json()["order_sn_increment_get_response"]
    assert {o["order_sn"] for o in r["order_sn_list"]} <= recent
    assert len(recent) == r["total_count"]
