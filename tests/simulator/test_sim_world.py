"""The world is a pure function of (seed, days, now) and looks like a real seller's business."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.timeutil import parse_iso
from simulator.world import World

NOW = parse_iso("2026-11-25T00:00:00Z")


def test_same_seed_same_world_different_seed_differs():
    a, b, c = World(seed=3, days=20, now=NOW), World(seed=3, days=20, now=NOW), World(seed=4, days=20, now=NOW)
    pd.testing.assert_frame_equal(a.orders, b.orders)
    pd.testing.assert_frame_equal(a.lines, b.lines)
    pd.testing.assert_frame_equal(a.state(), b.state())
    assert len(a.orders) != len(c.orders) or not a.orders["pay_fen"].equals(c.orders["pay_fen"])


def test_history_is_stable_when_more_days_are_generated():
    short, long = World(seed=3, days=10, now=NOW), World(seed=3, days=40, now=NOW)
    keys = short.orders["key"]
    sub = long.orders.set_index("key").loc[keys].reset_index()
    pd.testing.assert_series_equal(sub["pay_fen"], short.orders["pay_fen"], check_names=False)


def test_realism():
    w = World(seed=5, days=60, now=NOW)
    st = w.state()
    vis = w.orders[st["visible"].to_numpy()]
    day = pd.to_datetime(vis["created"], unit="s", utc=True).dt.tz_convert("Asia/Shanghai").dt.date
    per_day = day.value_counts()
    assert per_day.median() > 600
    assert per_day[pd.Timestamp("2026-11-11").date()] > 3 * per_day.median()  # Double 11 peak
    from simulator.catalog import PROVINCES

    provs = {list(PROVINCES)[p] for p in vis["prov"].unique()}
    assert {"新疆维吾尔自治区", "西藏自治区", "青海省", "内蒙古自治区"} <= provs
    assert 0.5 < vis["buyer"].nunique() / len(vis) < 0.9  # returning buyers
    step = st["step"].to_numpy()[st["visible"].to_numpy()]
    assert 0.03 < np.mean(step == 6) < 0.08 and 0.015 < np.mean(step == 7) < 0.05  # cancelled, refunded
    assert (st["step"] == 3).sum() > 0  # partial shipments exist
    assert 0.005 < (w.orders["late_s"] > 0).mean() < 0.02
    assert len(w.catalog) == 300 and w.catalog["title"].str.contains("[\u4e00-\u9fff]").all()


def test_golive_speeds_up_shipping():
    w = World(seed=5, days=60, now=NOW)
    o = w.orders.dropna(subset=["paid", "ship1"])
    before = (o["ship1"] - o["paid"])[o["paid"] < w.golive].median()
    after = (o["ship1"] - o["paid"])[(o["paid"] >= w.golive) & (o["src"] != 5)].median()
    assert before > 2.5 * after


def test_orders_progress_as_clock_moves():
    w = World(seed=5, days=10, now=NOW)
    st0 = w.state(NOW)
    st1 = w.state(NOW + 6 * 3600)
    moved = (st1["modified"] > st0["modified"]) & st0["visible"]
    assert moved.sum() > 100
    assert st1["visible"].sum() > st0["visible"].sum()  # new orders keep arriving


def test_same_seed_same_api_answers(tmp_path):
    import simulator
    from simulator import client
    from simulator.timeutil import bj

    bodies = []
    for i in range(2):
        s = simulator.start(
            seed=9,
            days=5,
            now="2026-11-25T00:00:00Z",
            erp_db=tmp_path / f"e{i}.sqlite",
            faults={"error_rate": 0.3, "malformed_rate": 0.1},
        )
        try:
            got = []
            for p in range(1, 4):
                r = client.taobao(
                    s.url,
                    "taobao.trades.sold.increment.get",
                    start_modified=bj(NOW - 86400),
                    end_modified=bj(NOW),
                    page_no=p,
                    page_size=50,
                )
                got.append((r.status_code, r.text))
            bodies.append(got)
        finally:
            s.stop()
    assert bodies[0] == bodies[1] and {code for code, _ in bodies[0]} - {200}  # faults drawn from the seed too


def test_late_updates_appear_after_their_window_was_read():
    w = World(seed=5, days=10, now=NOW)
    o = w.orders
    late = o[(o["late_s"] > 0) & (o["paid"] + o["late_s"] < NOW - 3600)].iloc[0]
    row = int(w.key_index[late["key"]])
    paid = float(late["paid"])
    # read right after the payment happened: the update is not visible yet, the order still looks unpaid
    before = w.state(paid + 1)
    assert before["step"].iat[row] == 0 and before["modified"].iat[row] < paid
    # later the payment shows up with its original (earlier) modified time
    after = w.state(paid + late["late_s"] + 1)
    assert after["step"].iat[row] >= 1 and after["modified"].iat[row] == np.floor(paid)
