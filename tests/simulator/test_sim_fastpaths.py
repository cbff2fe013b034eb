"""The serving fast paths (pure-Python hashing, cached/vectorised formatting) give the reference values."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from simulator.channels.common import buyer_profile, lines_of, open_id
from simulator.hashing import mix, mix_int
from simulator.timeutil import BJ, bj, bj_days, iso, iso_many, parse_iso
from simulator.wms_events import hub_order_id, hub_order_ids
from simulator.world import SRC_CODE, World

NOW = parse_iso("2026-11-25T00:00:00Z")


def test_mix_int_is_mix():
    xs = np.random.default_rng(3).integers(0, 2**62, 500).astype(np.uint64)
    for salt in (0, 17, 41, 105):
        assert mix(xs, salt).tolist() == [mix_int(int(x), salt) for x in xs]
    assert open_id("pdd", 12345) == f"pdd{int(mix(np.array([12345], dtype=np.uint64), 17)[0]) % 16**24:024x}"


def test_time_formatting_fast_paths():
    ts = np.r_[0.0, 1.5, 1_782_000_000.9, np.random.default_rng(4).uniform(1.6e9, 1.9e9, 2000)]
    assert [bj(t) for t in ts] == [datetime.fromtimestamp(int(t), BJ).strftime("%Y-%m-%d %H:%M:%S") for t in ts]
    assert iso_many(ts) == [iso(t) for t in ts]
    assert bj_days(ts) == [bj(t, "%Y%m%d") for t in ts]
    assert bj_days(ts, "-") == [bj(t, "%Y-%m-%d") for t in ts]
    assert iso(ts[3]) == datetime.fromtimestamp(int(ts[3]), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_vectorised_ids_and_cached_rows_match_scalar_code():
    w = World(seed=3, days=3, now=NOW)
    rows = np.concatenate([w.channel_rows(s)[:40] for s in SRC_CODE])
    src = ["tb", "dy", "pdd", "jd", "tm", "erp"]
    expect = [hub_order_id(src[int(w.ocols["src"][r])], int(w.ocols["key"][r]), w.ocols["created"][r]) for r in rows]
    assert hub_order_ids(w, rows) == expect and len({e.split(":")[0] for e in expect}) == 5
    r = int(rows[0])
    o = w.orders.iloc[r]
    assert w.row(r)["key"] == o["key"] and w.row(r)["pay_fen"] == o["pay_fen"]
    lines = lines_of(w, r, "pdd", 0)
    ref = w.lines.iloc[w.line_slice(r)]
    assert [ln.qty for ln in lines] == ref["qty"].tolist() and all(ln.channel_sku.startswith("PDD-") for ln in lines)
    assert buyer_profile(int(o["buyer"]), int(o["prov"])) is buyer_profile(int(o["buyer"]), int(o["prov"]))  # cached
