"""Channel clients against the in-process fake platform (tests/sources/conftest.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sources_fakes import T0  # tests/sources is on sys.path (rootdir-less test layout)

from orderhub.calllog import CallLog
from orderhub.http import ApiError
from resources.channels import DouyinApi, PddApi, TaobaoApi

ID_KEY = {"taobao": "tid_str", "douyin": "order_id", "pdd": "order_sn"}


@pytest.mark.parametrize("channel", ["taobao", "douyin", "pdd"])
def test_fetch_orders_returns_every_order_and_respects_the_platform_window(fake_platform, channel):
    fake, api, _ = fake_platform(channel, n_orders=250, spacing=timedelta(minutes=3))  # 12.5 h of orders
    calls = CallLog()
    records = api.fetch_orders(T0, T0 + timedelta(days=9), calls)
    assert {r[ID_KEY[channel]] for r in records} == {o["id"] for o in fake.orders}
    assert all(e - s <= api.max_window for s, e in fake.windows)
    assert all(r.ok and r.channel == channel for r in calls.records)


@pytest.mark.parametrize(("cls", "days", "expected"), [(TaobaoApi, 3, 3), (DouyinApi, 10, 2), (PddApi, 2 / 24, 4)])
def test_windows_split_at_each_platform_maximum(cls, days, expected):
    api = cls(base_url="http://x", app_key="k", app_secret="s", overlap_s=0)
    windows = api.windows(T0, T0 + timedelta(days=days))
    assert len(windows) == expected
    assert windows[0][0] == T0 and windows[-1][1] == T0 + timedelta(days=days)
    assert max(e - s for s, e in windows) == cls.max_window


def test_overlap_moves_the_start_back():
    api = TaobaoApi(base_url="http://x", app_key="k", app_secret="s", overlap_s=120)
    assert api.windows(T0, T0 + timedelta(hours=1))[0][0] == T0 - timedelta(seconds=120)


@pytest.mark.parametrize("channel", ["taobao", "pdd"])
def test_orders_modified_while_paging_are_not_missed(fake_platform, channel):
    # 45 orders in one window, 10 per page. Before the platform serves page 3, the order at position 15
    # (page 2) is modified: it leaves the window and everything behind it moves one place forward,
    # so position 20 slides from page 3 onto page 2. Reading page 2 before page 3 would skip it.
    fake, api, _ = fake_platform(channel, n_orders=45, spacing=timedelta(seconds=20))
    newest_first = sorted(fake.orders, key=lambda o: o["modified"], reverse=True)
    moved, slider = newest_first[15], newest_first[20]

    def mutate(platform, page):
        if page == 3 and moved["modified"] < T0 + timedelta(hours=1):
            moved["modified"] = T0 + timedelta(hours=2)

    fake.before_page = mutate
    records = api.fetch_orders(T0, T0 + timedelta(minutes=20), CallLog())
    got = {r[ID_KEY[channel]] for r in records}
    assert moved["modified"] == T0 + timedelta(hours=2)
    assert slider["id"] in got
    assert got >= {o["id"] for o in fake.orders} - {moved["id"]}
    pages = [int(p.get("page_no", p.get("page"))) for p in fake.requests]
    assert pages[:6] == [1, 5, 4, 3, 2, 1]  # count first, then last page first
    assert len(set(fake.windows)) > 1  # the count changed during the pass, so the window was re-read in parts


def test_retries_500_429_and_timeouts_then_succeeds_logging_every_attempt(fake_platform):
    fake, api, sleeps = fake_platform("taobao", n_orders=3)
    fake.faults = [("status", 500), ("status", 429, 7), ("timeout",)]
    calls = CallLog()
    records = api.fetch_orders(T0, T0 + timedelta(hours=1), calls)
    assert len(records) == 3
    assert [(r.attempt, r.ok, r.http_status) for r in calls.records] == [
        (1, False, 500),
        (2, False, 429),
        (3, False, None),
        (4, True, 200),
    ]
    assert len(sleeps) == 3 and 7 <= sleeps[1] <= 60  # Retry-After honoured
    assert all(r.endpoint == "taobao.trades.sold.increment.get" for r in calls.records)


@pytest.mark.parametrize("fault", [("status", 503), ("timeout",), ("status", 429, 1)])
def test_api_error_after_four_failed_attempts(fake_platform, fault):
    fake, api, sleeps = fake_platform("pdd", n_orders=3)
    fake.faults = [fault] * 5
    calls = CallLog()
    with pytest.raises(ApiError):
        api.fetch_orders(T0, T0 + timedelta(minutes=10), calls)
    assert [r.attempt for r in calls.records] == [1, 2, 3, 4]
    assert not any(r.ok for r in calls.records) and len(sleeps) == 3
    assert len(fake.faults) == 1  # the fifth was never requested


@pytest.mark.parametrize(
    ("channel", "message"), [("taobao", "Invalid signature"), ("douyin", "签名校验失败"), ("pdd", "签名错误")]
)
def test_bad_signature_raises_with_the_platform_message(fake_platform, channel, message):
    fake, api, _ = fake_platform(channel, n_orders=3)
    fake.secret = "another-secret"
    with pytest.raises(ApiError, match=message):
        api.fetch_orders(T0, T0 + timedelta(minutes=10), CallLog())


def test_undecodable_body_is_re_requested_and_logged_as_failed(fake_platform):
    fake, api, _ = fake_platform("douyin", n_orders=5)
    fake.faults = [("garbage",)]
    calls = CallLog()
    assert len(api.fetch_orders(T0, T0 + timedelta(hours=1), calls)) == 5
    assert [r.ok for r in calls.records] == [False, True]
    assert "undecodable" in calls.records[0].error


def test_push_stock_one_failing_sku_does_not_stop_the_others(fake_platform):
    fake, api, _ = fake_platform("taobao")
    fake.stock = {f"SKU-{i}": 0 for i in range(1, 4)}
    fake.failing_skus = {"SKU-2"}
    result = api.push_stock([{"channel_sku": f"SKU-{i}", "quantity": i * 10} for i in range(1, 4)], CallLog())
    assert [(r["channel_sku"], r["ok"]) for r in result] == [("SKU-1", True), ("SKU-2", False), ("SKU-3", True)]
    assert "商品不存在" in result[1]["error"]
    assert fake.stock == {"SKU-1": 10, "SKU-2": 0, "SKU-3": 30}


def test_list_stock_reads_every_page_once_per_sku(fake_platform):
    fake, api, _ = fake_platform("taobao")
    fake.stock = {f"SKU-{i:05d}": i for i in range(25)}
    listed = api.list_stock(CallLog())
    assert sorted((r["channel_sku"], r["quantity"]) for r in listed) == sorted(fake.stock.items())


def test_confirm_shipment_sends_tracking_number(fake_platform):
    fake, api, _ = fake_platform("taobao")
    api.confirm_shipment("2612345678901234", "SF1234567890123", "SF", CallLog())
    assert fake.shipments[0]["tid"] == "2612345678901234" and fake.shipments[0]["out_sid"] == "SF1234567890123"


def test_douyin_push_stock_by_the_listing_ids_with_json_params(fake_platform):
    fake, api, _ = fake_platform("douyin")
    fake.stock = {"DY00001": 1, "DY00002": 2}
    result = api.push_stock([{"channel_sku": "DY00002", "quantity": 5}], CallLog())
    assert result[0]["ok"] and fake.stock == {"DY00001": 1, "DY00002": 5}
    # the merchant code is resolved to the platform's ids once (product.listV2, sku.list), then pushed
    assert [r["_path"] for r in fake.requests][-1] == "/douyin/sku/syncStock"
    assert fake.requests[-1]["param_json"] == '{"incremental":false,"product_id":1,"sku_id":701,"stock_num":5}'


@pytest.mark.parametrize("channel", ["taobao", "douyin", "pdd"])
def test_an_order_moving_to_the_front_while_paging_triggers_a_split_and_nothing_is_missed(fake_platform, channel):
    # The window reaches "now": the modified order stays inside and jumps to the front, pushing the last
    # order of page 3 onto page 4, which a back-to-front pass has already read.
    fake, api, _ = fake_platform(channel, n_orders=45, spacing=timedelta(seconds=20))
    newest_first = sorted(fake.orders, key=lambda o: o["modified"], reverse=True)
    moved, pushed = newest_first[30], newest_first[29]
    first_page = 0 if channel == "douyin" else 1

    def mutate(platform, page):
        if page == first_page + 2 and moved["modified"] < T0 + timedelta(minutes=19):
            moved["modified"] = T0 + timedelta(minutes=19, seconds=59)

    fake.before_page = mutate
    records = api.fetch_orders(T0, T0 + timedelta(minutes=20), CallLog())
    got = {r[ID_KEY[channel]] for r in records}
    assert got == {o["id"] for o in fake.orders} and pushed["id"] in got
    assert len(set(fake.windows)) > 1  # the unstable window was fetched again in parts


def test_iter_order_windows_yields_each_platform_window_oldest_first(fake_platform):
    fake, api, _ = fake_platform("pdd", n_orders=40, spacing=timedelta(minutes=3))  # 2 hours of orders
    chunks = list(api.iter_order_windows(T0, T0 + timedelta(hours=2), CallLog()))
    assert [(s, e) for s, e, _ in chunks] == api.windows(T0, T0 + timedelta(hours=2))
    assert [len(records) for _, _, records in chunks] == [10, 10, 10, 10]
