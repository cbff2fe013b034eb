"""Each platform accepts its own signature and answers a wrong one with its own error body, never data."""

from __future__ import annotations

from simulator import client
from simulator.timeutil import parse_iso

NOW = "2026-11-25T00:00:00Z"  # same virtual now as the module fixture in conftest.py

END = int(parse_iso(NOW))


def test_taobao_signature(sim):
    args = dict(
        start_modified="2026-11-24 00:00:00", end_modified="2026-11-25 00:00:00", page_size=5, **client.TOP_TRADES
    )
    good = client.taobao(sim.url, "taobao.trades.sold.increment.get", **args).json()
    assert good["trades_sold_increment_get_response"]["trades"]["trade"]
    bad = client.taobao(sim.url, "taobao.trades.sold.increment.get", secret="wrong", **args).json()
    assert bad == {"error_response": {"code": 25, "msg": "Invalid signature", "sub_code": "isv.invalid-signature"}}
    bad_key = client.taobao(sim.url, "taobao.trades.sold.increment.get", key="other", **args).json()
    assert bad_key["error_response"]["code"] == 25


def test_taobao_sign_covers_every_param(sim):
    """Tampering with a parameter after signing must break the signature."""
    import time

    import requests

    from simulator.channels.common import md5_sign
    from simulator.timeutil import bj

    p = {
        "method": "taobao.trades.sold.increment.get",
        "app_key": "sim-tb-key",
        "timestamp": bj(time.time()),
        "format": "json",
        "v": "2.0",
        "sign_method": "md5",
        "start_modified": "2026-11-24 00:00:00",
        "end_modified": "2026-11-25 00:00:00",
        "session": "sim-tb-token",
        **client.TOP_TRADES,
    }
    p["sign"] = md5_sign("sim-tb-secret", p)
    assert "trades_sold_increment_get_response" in requests.get(f"{sim.url}/taobao/router/rest", params=p).json()
    p["page_size"] = "7"
    assert requests.get(f"{sim.url}/taobao/router/rest", params=p).json()["error_response"]["code"] == 25


def test_douyin_signature(sim):
    biz = {"update_time_start": END - 86400, "update_time_end": END, "page": 0, "size": 5}
    good = client.douyin(sim.url, "order.searchList", biz).json()
    assert good["code"] == 10000 and good["data"]["shop_order_list"]
    bad = client.douyin(sim.url, "order.searchList", biz, secret="wrong").json()
    assert (bad["code"], bad["sub_code"], bad["sub_msg"], bad["data"]) == (
        40003,
        "isv.signature-invalid",
        "签名校验失败",
        None,
    )


def test_pdd_signature(sim):
    args = dict(start_updated_at=END - 1800, end_updated_at=END, page_size=5, **client.PDD_ORDERS)
    good = client.pdd(sim.url, "pdd.order.number.list.increment.get", **args).json()
    assert good["order_sn_increment_get_response"]["order_sn_list"]
    bad = client.pdd(sim.url, "pdd.order.number.list.increment.get", secret="wrong", **args).json()
    # not 10019: that is "access_token已过期", which must not be confused with a wrong secret
    assert (bad["error_response"]["error_code"], bad["error_response"]["error_msg"]) == (10000, "签名错误")


def test_wms_and_logistics_need_api_key(sim):
    import requests

    assert requests.get(f"{sim.url}/wms/stock").status_code == 401
    assert requests.get(f"{sim.url}/wms/stock", headers={"X-Api-Key": "sim-wms-key"}).status_code == 200
    r = requests.post(
        f"{sim.url}/logistics/waybills", json={"order_id": "x", "idempotency_key": "k"}, headers={"X-Api-Key": "wrong"}
    )
    assert r.status_code == 401
