"""Fault injection: 5xx, 429 + Retry-After, slow responses, malformed records, drift, duplicates, mutation."""

from __future__ import annotations

import pytest
import requests

from simulator import client
from simulator.faults import DEFAULTS, Faults
from simulator.timeutil import bj, parse_iso

NOW = "2026-11-25T00:00:00Z"  # same virtual now as the module fixture in conftest.py
END = int(parse_iso(NOW))
ARGS = dict(start_modified=bj(END - 86400), end_modified=bj(END), **client.TOP_TRADES)


def _set(sim, **cfg):
    r = requests.post(f"{sim.url}/admin/faults", json=cfg)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture(autouse=True)
def reset(sim):
    yield
    _set(sim, **DEFAULTS)


def test_http_errors(sim):
    _set(sim, error_rate=1.0)
    r = client.taobao(sim.url, "taobao.trades.sold.increment.get", **ARGS)
    assert r.status_code in (500, 502, 503)
    assert requests.get(f"{sim.url}/admin/health").status_code == 200  # admin is never faulted


def test_platforms_throttle_with_their_own_http_200_body(sim):
    _set(sim, rate_limit_rate=1.0, retry_after=3)
    window = dict(start_updated_at=END - 60, end_updated_at=END, **client.PDD_ORDERS)
    r = client.pdd(sim.url, "pdd.order.number.list.increment.get", **window)
    assert r.status_code == 200 and r.json()["error_response"]["error_code"] == 70031
    for _ in range(2):  # the first is drawn; the second falls in the ban TOP announced
        tb = client.taobao(sim.url, "taobao.trades.sold.increment.get", **ARGS)
        assert tb.status_code == 200 and tb.json()["error_response"]["code"] == 7
        assert tb.json()["error_response"]["sub_msg"] == "This ban will last for 3 more seconds"
        sim.faults.cfg["rate_limit_rate"] = 0.0  # (not via /admin/faults: a settings change lifts the ban)
    _set(sim, rate_limit_rate=1.0, retry_after=2, channels=["wms"])  # everything else keeps HTTP 429
    w = requests.get(f"{sim.url}/wms/stock", headers={"X-Api-Key": "sim-wms-key"})
    assert w.status_code == 429 and w.headers["Retry-After"] == "2"


def test_faults_limited_to_channels(sim):
    _set(sim, error_rate=1.0, channels=["pdd"])
    assert client.taobao(sim.url, "taobao.trades.sold.increment.get", **ARGS).status_code == 200
    assert client.pdd(sim.url, "pdd.goods.list.get", is_onsale=1, page=1, page_size=5).status_code >= 500


def test_fault_streak_is_bounded_when_asked():
    f = Faults(1, {"error_rate": 1.0, "max_fault_streak": 3})
    answers = [f.request_fault("jd") for _ in range(8)]
    assert [a is None for a in answers] == [False, False, False, True] * 2
    f.update({"max_fault_streak": 0})  # unbounded: an outage
    assert all(f.request_fault("jd") is not None for _ in range(20))


def test_slow_response_times_out(sim):
    _set(sim, slow_rate=1.0, slow_seconds=1.5)
    with pytest.raises(requests.Timeout):
        client.taobao(sim.url, "taobao.trades.sold.increment.get", timeout=0.3, **ARGS)


def test_malformed_records_are_stable(sim):
    _set(sim, malformed_rate=0.3)
    trades = client.taobao(sim.url, "taobao.trades.sold.increment.get", page_size=100, **ARGS).json()[
        "trades_sold_increment_get_response"
    ]["trades"]["trade"]

    def broken(t):
        if "status" not in t:
            return True
        try:
            parse_iso(t["modified"].replace(" ", "T") + "+08:00")
            float(t["payment"])
            return t["payment"].count(".") != 1
        except (ValueError, KeyError):
            return True

    bad = [t["tid"] for t in trades if broken(t)]
    assert 10 <= len(bad) <= 60
    again = client.taobao(sim.url, "taobao.trades.sold.increment.get", page_size=100, **ARGS).json()[
        "trades_sold_increment_get_response"
    ]["trades"]["trade"]
    assert [t["tid"] for t in again if broken(t)] == bad


def test_schema_drift_adds_fields(sim):
    _set(sim, schema_drift=True)
    d = client.douyin(
        sim.url, "order.searchList", {"update_time_start": END - 3600, "update_time_end": END, "page": 0, "size": 5}
    ).json()["data"]
    assert all("x_ext_field" in o for o in d["shop_order_list"])


def test_duplicates_across_pages(sim):
    _set(sim, duplicate_rate=1.0)
    p1 = client.taobao(sim.url, "taobao.trades.sold.increment.get", page_no=1, page_size=20, **ARGS).json()
    p2 = client.taobao(sim.url, "taobao.trades.sold.increment.get", page_no=2, page_size=20, **ARGS).json()
    t1 = [t["tid"] for t in p1["trades_sold_increment_get_response"]["trades"]["trade"]]
    t2 = [t["tid"] for t in p2["trades_sold_increment_get_response"]["trades"]["trade"]]
    assert t2[0] == t1[-1] and len(t2) == 21


def test_mutation_while_paging_moves_an_order(sim):
    _set(sim, mutate_while_paging=True)
    end = sim.world.now() + 1  # window reaches now: a touched order jumps to the front
    args = dict(start_modified=bj(end - 86400), end_modified=bj(end), page_size=100, **client.TOP_TRADES)
    p1 = client.taobao(sim.url, "taobao.trades.sold.increment.get", page_no=1, **args).json()
    total = p1["trades_sold_increment_get_response"]["total_results"]
    before = {t["tid"]: t["modified"] for t in p1["trades_sold_increment_get_response"]["trades"]["trade"]}
    p1b = client.taobao(sim.url, "taobao.trades.sold.increment.get", page_no=1, **args).json()
    after = p1b["trades_sold_increment_get_response"]["trades"]["trade"]
    assert p1b["trades_sold_increment_get_response"]["total_results"] == total
    assert after[0]["modified"] == bj(sim.world.now())
    assert [t["tid"] for t in after] != list(before)
    assert requests.get(f"{sim.url}/admin/stats").json()["faults_injected"]["mutate_while_paging"] >= 1


def test_default_rate_limit_is_generous(sim):
    codes = {
        client.taobao(sim.url, "taobao.items.onsale.get", fields="num_iid", page_no=1, page_size=10).status_code
        for _ in range(40)
    }
    assert codes == {200}


def test_fault_flag_parsing():
    from simulator.faults import Faults, parse_flag

    f = Faults(1, parse_flag("error_rate=0.5,schema_drift=true,channels=taobao+pdd"))
    assert f.cfg["error_rate"] == 0.5 and f.cfg["schema_drift"] is True and f.cfg["channels"] == ["taobao", "pdd"]
    with pytest.raises(ValueError):
        f.update({"nonsense": 1})


def _taobao_codes(sim) -> list[str]:
    codes, page = [], 1
    while True:
        body = client.taobao(
            sim.url, "taobao.trades.sold.increment.get", page_no=page, page_size=100, use_has_next="true", **ARGS
        ).json()["trades_sold_increment_get_response"]
        codes += [
            o.get("outer_sku_id") or o["outer_iid"] for t in body["trades"]["trade"] for o in t["orders"]["order"]
        ]
        if not body["has_next"]:
            return codes
        page += 1


def test_unmapped_skus_only_as_a_fault(sim):
    import re

    default = _taobao_codes(sim)
    assert len(default) > 200 and all(re.fullmatch(r"SKU-\d{5}", c) for c in default)  # all in erp_channel_skus
    pdd = client.pdd(sim.url, "pdd.goods.list.get", is_onsale=1, page=2, page_size=100).json()[
        "goods_list_get_response"
    ]
    assert pdd["total_count"] == 150 and sum(len(g["sku_list"]) for g in pdd["goods_list"]) == 100
    _set(sim, unmapped_sku_rate=0.05, channels=["taobao"])
    faulty = _taobao_codes(sim)
    hits = [i for i, (a, b) in enumerate(zip(default, faulty)) if a != b]
    assert len(faulty) == len(default) and 0 < len(hits) < 0.15 * len(default)
    assert {faulty[i] for i in hits} == {"SKU-NEW-0901"}
    listed = requests.get(f"{sim.url}/admin/channel_stock", params={"channel": "taobao"}).json()["items"]
    assert {"channel_sku": "SKU-NEW-0901", "quantity": 50} in [
        {k: i[k] for k in ("channel_sku", "quantity")} for i in listed
    ]
    assert _taobao_codes(sim) == faulty  # the same lines every time (a pure function of seed and line)
    _set(sim, unmapped_sku_rate=0.0)
    assert _taobao_codes(sim) == default


def test_faults_flag_parses_unmapped_rate():
    from simulator.faults import Faults, parse_flag

    f = Faults(1, parse_flag("unmapped_sku_rate=0.01,channels=pdd"))
    assert f.unmapped_rate("pdd") == 0.01 and f.unmapped_rate("taobao") == 0.0
