"""Late-visible updates: caught by the late sweep once their window has aged, and each window is read at
most twice (live + sweep) however often the pull runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from ingest_kit import taobao_trade

from orderhub.ingest.pull import PullReport, pull_api

BJ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 11, 12, 0, tzinfo=UTC)
START = T0 - timedelta(hours=2)


class LateApi:
    """Orders with a modified time and the moment the platform starts returning them."""

    channel, shop_id = "taobao", "tb-flagship"

    def __init__(self, orders: list[tuple[str, datetime, datetime]]):
        self.orders, self.now, self.windows = orders, T0, []

    def fetch_orders(self, start, end, calls):
        self.windows.append((start, end))
        return [
            taobao_trade(tid, "WAIT_SELLER_SEND_GOODS", modified.astimezone(BJ).strftime("%Y-%m-%d %H:%M:%S"))
            for tid, modified, visible in self.orders
            if start <= modified < end and visible <= self.now
        ]


def _pull(con, api, now):
    api.now = now
    pull_api(
        con,
        api,
        mapping="taobao_api",
        start_default=START,
        until=now,
        max_window=timedelta(days=1),
        report=PullReport(),
    )


def _landed(con) -> set[str]:
    return {r[0] for r in con.execute("select channel_order_id from raw.channel_orders").fetchall()}


def test_a_late_visible_update_is_swept_up_and_no_window_is_read_more_than_twice(con):
    on_time = ("2612345678900001", T0 - timedelta(minutes=5), T0 - timedelta(minutes=5))
    late = ("2612345678900002", T0 - timedelta(minutes=3), T0 + timedelta(minutes=10))  # shows up 13 min late
    api = LateApi([on_time, late])
    _pull(con, api, T0)
    assert _landed(con) == {on_time[0]}
    for minutes in range(1, 61):  # a pull every minute for an hour, like the peak sensor
        _pull(con, api, T0 + timedelta(minutes=minutes))
        if minutes == 15:
            assert late[0] not in _landed(con)  # visible now, but its window has not aged past the margin yet
    assert _landed(con) == {on_time[0], late[0]}
    for m in range(0, 120):  # every minute of the timeline was fetched at most twice
        t = START + timedelta(minutes=m)
        assert sum(s <= t < e for s, e in api.windows) <= 2, t
