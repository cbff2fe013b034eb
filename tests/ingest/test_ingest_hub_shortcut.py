"""The one-version shortcut of build_hub gives exactly what the full state-machine walk gives."""

from __future__ import annotations

import pytest
from ingest_kit import ALL_DAYS, SALT, land_fixture, snapshot, taobao_trade

from orderhub.standardize.hub import build_hub

pytestmark = pytest.mark.both_backends  # warehouse-facing: the DuckDB file and the lake (tests/conftest.py)

STATUSES = [
    "WAIT_BUYER_PAY",
    "WAIT_SELLER_SEND_GOODS",
    "WAIT_BUYER_CONFIRM_GOODS",
    "TRADE_FINISHED",
    "TRADE_CLOSED_BY_TAOBAO",
    "TRADE_CLOSED",
]


def test_one_version_shortcut_equals_the_full_walk(con):
    for name in ("taobao_api", "douyin_api", "pdd_api", "erp", "taobao_export"):
        land_fixture(con, name)
    trades = []
    for i, status in enumerate(STATUSES):  # one version each, every status, with and without its timestamps
        trades.append(taobao_trade(f"26100000000000{i:02d}", status, "2026-11-11 10:00:00", pay_time=None))
        trades.append(
            taobao_trade(
                f"26100000000001{i:02d}",
                status,
                "2026-11-11 10:00:00",
                consign_time="2026-11-11 09:00:00",
                end_time="2026-11-11 09:30:00",
            )
        )
    for i, (a, b) in enumerate([(3, 1), (1, 2), (2, 4), (0, 5)]):  # and orders with several versions
        tid = f"26100000000002{i:02d}"
        trades += [
            taobao_trade(tid, STATUSES[a], "2026-11-11 10:00:00"),
            taobao_trade(tid, STATUSES[b], "2026-11-11 11:00:00"),
        ]
    land_fixture(con, "taobao_api", trades)
    build_hub(con, *ALL_DAYS, SALT, walk_all=True)
    walked = snapshot(con)
    assert len(walked["hub.orders"]) > 20 and any(r[-1] for r in walked["hub.order_status_history"])
    build_hub(con, *ALL_DAYS, SALT)
    assert snapshot(con) == walked
