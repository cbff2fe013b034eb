"""Signatures against vectors worked out by hand (and TOP's published documentation example)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderhub.sources.signing import douyin_param_json, douyin_sign, pdd_md5_sign, stringify, top_md5_sign
from orderhub.sources.timefmt import beijing_str, epoch_s, jd_timestamp, split_windows


def test_top_md5_matches_the_platform_documentation_example():
    params = {
        "method": "taobao.item.seller.get",
        "app_key": "12345678",
        "session": "test",
        "timestamp": "2016-01-01 12:00:00",
        "format": "json",
        "v": "2.0",
        "sign_method": "md5",
        "fields": "num_iid,title,nick,price,num",
        "num_iid": "11223344",
    }
    assert top_md5_sign(params, "helloworld") == "66987CB115214E59E6EC978214934FB8"
    # the sign parameter itself never takes part
    assert top_md5_sign({**params, "sign": "whatever"}, "helloworld") == "66987CB115214E59E6EC978214934FB8"


def test_pdd_md5_is_secret_wrapped_sorted_pairs_upper_hex():
    params = {
        "type": "pdd.order.number.list.increment.get",
        "client_id": "sim-pdd-id",
        "timestamp": "1762790500",
        "data_type": "JSON",
        "start_updated_at": "1762788600",
        "end_updated_at": "1762790400",
        "page": "1",
        "page_size": "100",
    }
    by_hand = (
        "sim-pdd-secret"
        "client_idsim-pdd-id"
        "data_typeJSON"
        "end_updated_at1762790400"
        "page1"
        "page_size100"
        "start_updated_at1762788600"
        "timestamp1762790500"
        "typepdd.order.number.list.increment.get"
        "sim-pdd-secret"
    )
    assert pdd_md5_sign(params, "sim-pdd-secret") == hashlib.md5(by_hand.encode()).hexdigest().upper()
    assert pdd_md5_sign(params, "sim-pdd-secret") == "147D0425CBF5FF61E59606FB77777EA8"


def test_douyin_hmac_sha256_over_sorted_compact_param_json():
    param_json = douyin_param_json(
        {"update_time_start": 1762790400, "update_time_end": 1762876800, "page": 0, "size": 100, "order_asc": False}
    )
    assert (
        param_json
        == '{"order_asc":false,"page":0,"size":100,"update_time_end":1762876800,"update_time_start":1762790400}'
    )
    sign = douyin_sign("sim-dy-key", "order.searchList", param_json, "2025-11-12 00:00:00", "2", "sim-dy-secret")
    assert sign == "b8e35b41ff1e3935ee4e7d786cc849174f64780841f10a5d9cc0e13684c67937"
    assert douyin_param_json({"reason": "发错货"}) == '{"reason":"发错货"}'


def test_stringify_wire_forms():
    assert stringify({"a": True, "b": False, "c": None, "d": 5}) == {"a": "true", "b": "false", "d": "5"}


def test_platform_time_formats_are_beijing_or_epoch():
    dt = datetime(2026, 11, 10, 16, 3, 17, 250000, tzinfo=UTC)
    assert beijing_str(dt) == "2026-11-11 00:03:17"
    assert jd_timestamp(dt) == "2026-11-11 00:03:17.250+0800"
    assert epoch_s(dt) == 1794326597
    with pytest.raises(ValueError):
        beijing_str(datetime(2026, 11, 11))


@given(
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)),
    length=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)),
    max_window=st.sampled_from([timedelta(days=1), timedelta(minutes=30), timedelta(days=7)]),
)
def test_windows_cover_the_range_contiguously_within_the_limit(start, length, max_window):
    end = start + length
    windows = split_windows(start, end, max_window)
    if not windows:
        assert end.replace(microsecond=0) == start.replace(microsecond=0) and start.microsecond == end.microsecond == 0
        return
    assert windows[0][0] <= start and windows[-1][1] >= end
    assert all(e - s <= max_window and s < e for s, e in windows)
    assert all(a[1] == b[0] for a, b in zip(windows, windows[1:]))
    assert all(s.microsecond == 0 and e.microsecond == 0 for s, e in windows)


def test_jd_md5_covers_the_business_json():
    from orderhub.sources.signing import jd_md5_sign

    params = {
        "method": "jingdong.pop.order.enSearch",
        "app_key": "sim-jd-key",
        "v": "2.0",
        "timestamp": "2026-11-11 08:00:00.000+0800",
        "360buy_param_json": douyin_param_json({"start_date": "2026-11-11 00:00:00", "page": 1}),
    }
    by_hand = (
        "sim-jd-secret"
        '360buy_param_json{"page":1,"start_date":"2026-11-11 00:00:00"}'
        "app_keysim-jd-key"
        "methodjingdong.pop.order.enSearch"
        "timestamp2026-11-11 08:00:00.000+0800"
        "v2.0"
        "sim-jd-secret"
    )
    assert jd_md5_sign(params, "sim-jd-secret") == hashlib.md5(by_hand.encode()).hexdigest().upper()
