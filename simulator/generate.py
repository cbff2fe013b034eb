"""Vectorised generation of one chunk of orders (a Beijing day, or a live-mode hour) with full lifecycles.

Every event time of an order's life is drawn up front (absolute epoch seconds, NaN = never happens);
lifecycle.py decides what is visible at the virtual "now". A chunk depends only on (seed, chunk key), so
the world does not change when the clock is moved or more history is generated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator import calendar as cal
from simulator import wms_model
from simulator.catalog import PROVINCES
from simulator.hashing import unit
from simulator.timeutil import DAY, day_start

SOURCES = np.array(["tb", "dy", "pdd", "jd", "tm", "erp"])
SHARES = np.array([0.34, 0.26, 0.25, 0.08, 0.07])  # of consumer orders (erp wholesale drawn separately)
EVENTS = [
    "created",
    "paid",
    "received",
    "picked",
    "packed",
    "ship1",
    "shipped",
    "done",
    "cancelled",
    "rf_req",
    "rf_done",
]
# rf_type is the world's own after-sales kind, never a platform code (each channel serializer maps it to its
# platform's documented codes): 0 refund before shipping, 1 return, 2 wrong item, 3 damaged, 4 wrong address
LOYAL_BUYERS = 4000
LIVE_KEY_BASE = 9_000_000_000  # order keys of live-mode chunks start here (day chunks: day * 100_000 + i)
_PROV = list(PROVINCES)
_PROV_W = np.array([PROVINCES[p][0] for p in _PROV])
_PROV_CDF = np.cumsum(_PROV_W) / _PROV_W.sum()
_REMOTE = np.array([PROVINCES[p][3] for p in _PROV])


def day_chunk(seed: int, day: int, catalog: pd.DataFrame, golive: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng([seed, 11, day])
    mean, promo, peak = cal.expected_orders(day)
    n = int(rng.poisson(mean))
    hours = rng.choice(24, size=n, p=(h := cal.HOURLY_PEAKDAY if peak else cal.HOURLY) / h.sum())
    created = day_start(day) + hours * 3600.0 + rng.uniform(0, 3600, n)
    src = rng.choice(5, size=n, p=SHARES)
    n_erp = int(rng.poisson(4 if cal.is_weekend(day) else 30))
    created = np.concatenate(
        [created, day_start(day) + rng.choice(np.arange(9, 18), n_erp) * 3600.0 + rng.uniform(0, 3600, n_erp)]
    )
    src = np.concatenate([src, np.full(n_erp, 5)])
    order = np.argsort(created, kind="stable")
    return build(rng, day * 100_000, created[order], src[order], promo, catalog, golive)


def live_chunk(
    seed: int, hour: int, rate_per_s: float, catalog: pd.DataFrame, golive: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng([seed, 13, hour])
    n = min(int(rng.poisson(rate_per_s * 3600)), 99_999)
    created = np.sort(hour * 3600.0 + rng.uniform(0, 3600, n))
    src = rng.choice(6, size=n, p=np.append(SHARES * 0.97, 0.03))  # live mode keeps some ERP orders coming
    return build(rng, LIVE_KEY_BASE + hour * 100_000, created, src, "", catalog, golive)


def build(rng, key_base: int, created, src, promo: str, catalog: pd.DataFrame, golive: float):
    n = len(created)
    key = key_base + np.arange(n, dtype=np.int64)
    erp = src == 5
    # buyers: a third come back (loyal pool), the rest are new; attributes follow the buyer id
    buyer = np.where(rng.random(n) < 0.35, rng.integers(1, LOYAL_BUYERS, n), key + 10_000_000)
    prov = np.searchsorted(_PROV_CDF, unit(buyer, 1)).clip(0, len(_PROV) - 1)
    remote = _REMOTE[prov]
    # lines
    n_lines = np.where(erp, rng.integers(3, 9, n), rng.choice([1, 2, 3, 4], n, p=[0.7, 0.2, 0.07, 0.03]))
    owner = np.repeat(np.arange(n), n_lines)
    line_no = np.arange(len(owner)) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    sku = rng.choice(len(catalog), size=len(owner), p=catalog["weight"].to_numpy())
    qty = rng.choice([1, 2, 3], len(owner), p=[0.75, 0.18, 0.07])
    moq = catalog["moq"].to_numpy()[sku]
    qty = np.where(erp[owner], moq * rng.integers(1, 6, len(owner)), qty)
    price = catalog["price_fen"].to_numpy()[sku]
    # per-line draw for the unmapped_sku_rate fault: a line is sold under an unmapped listing code while
    # its draw < the rate (2.0 = never: ERP and export-only lines)
    unmapped_u = np.where((~erp[owner]) & (src[owner] != 4), rng.random(len(owner)), 2.0)
    total = np.bincount(owner, weights=price * qty, minlength=n).astype(np.int64)
    # discounts: festival discounts, else occasional shop coupons; remote provinces pay freight
    pct = rng.integers(8, 16, n) if promo else np.zeros(n, dtype=np.int64)
    coupon = np.where(rng.random(n) < 0.25, rng.choice([500, 1000, 2000], n), 0)
    discount = np.minimum(np.where(pct > 0, total * pct // 10000 * 100, coupon), total // 2)
    discount = np.where(erp, 0, discount)
    post = np.where(remote, rng.choice([1200, 1500, 2000], n), np.where(rng.random(n) < 0.1, 600, 0))
    post = np.where(erp, rng.integers(0, 20, n) * 1000, post)
    pay = total - discount + post
    ev = lifecycle_times(rng, created, erp, remote, n_lines, golive, key)
    orders = pd.DataFrame(
        {
            "key": key,
            "src": src.astype(np.int8),
            "buyer": buyer,
            "prov": prov.astype(np.int16),
            "total_fen": total,
            "discount_fen": discount,
            "post_fen": post,
            "pay_fen": pay,
            "promo": promo,
            "n_lines": n_lines.astype(np.int16),
            **ev,
        }
    )
    part1 = line_no < np.maximum(1, n_lines[owner] // 2)  # lines in the first parcel of a split shipment
    lines = pd.DataFrame(
        {
            "order_key": key[owner],
            "line_no": line_no.astype(np.int16),
            "sku": sku.astype(np.int16),
            "qty": qty.astype(np.int32),
            "price_fen": price,
            "part1": part1,
            "unmapped_u": unmapped_u,
        }
    )
    return orders, lines


def lifecycle_times(rng, created, erp, remote, n_lines, golive: float, key: np.ndarray) -> dict[str, np.ndarray]:
    n = len(created)
    nan = np.full(n, np.nan)
    cancelled = rng.random(n) < np.where(erp, 0.02, 0.05)
    paid = np.where(
        cancelled, nan, created + rng.exponential(90, n) + np.where(rng.random(n) < 0.05, rng.uniform(300, 1800, n), 0)
    )
    cancel_at = np.where(cancelled, created + rng.uniform(900, 1800, n), nan)
    before = np.nan_to_num(paid, nan=created) < golive  # the "old way": slower hand-offs to the warehouse
    median = np.where(before, 26 * 3600.0, 6 * 3600.0) * np.where(erp, 2.0, 1.0)
    delay = median * rng.lognormal(0, np.where(before, 0.5, 0.6), n)
    ship1 = paid + delay
    picked, packed = paid + 0.55 * delay, paid + 0.8 * delay
    partial = (n_lines > 1) & (rng.random(n) < 0.35) & ~erp
    shipped = ship1 + np.where(partial, rng.uniform(DAY, 3 * DAY, n), 0)
    done = shipped + rng.uniform(2 * DAY, 6 * DAY, n) + np.where(remote, 2 * DAY, 0) + rng.uniform(0, 7 * DAY, n)
    # the WMS receives the shipment task first; pick/pack/ship follow it (later steps move back when needed)
    received = wms_model.receive_times(key, paid, before)
    picked = np.fmax(picked, received + 300 + 1500 * unit(key, 121))
    packed = np.fmax(packed, picked + 300 + 1500 * unit(key, 122))
    shift = np.fmax(ship1, packed + 300 + 1500 * unit(key, 123)) - ship1
    ship1, shipped, done = ship1 + shift, shipped + shift, done + shift
    # after-sales: ~3.5% of paid orders; before shipping (refund only / wrong address) or after (returns)
    has_rf = ~cancelled & (rng.random(n) < 0.035)
    pre_ship = rng.random(n) < 0.5
    rf_req = np.where(pre_ship, paid + rng.uniform(0.05, 0.5, n) * delay, shipped + rng.uniform(DAY, 5 * DAY, n))
    rf_req_all = rf_req
    rf_done_u = rng.uniform(2 * 3600, 48 * 3600, n)
    rf_ok_u = rng.random(n)
    rf_type = np.where(pre_ship, rng.choice([0, 4], n, p=[0.8, 0.2]), rng.choice([1, 2, 3], n, p=[0.6, 0.2, 0.2]))
    # shipping errors (wrong item / wrong address) come from manual re-keying: OrderHub removes most of them
    keep = np.where(before, wms_model.WRONG_KEEP_BEFORE, wms_model.WRONG_KEEP_AFTER)
    has_rf &= ~np.isin(rf_type, (2, 4)) | (unit(key, 124) < keep)
    rf_req = np.where(has_rf, rf_req_all, nan)
    rf_done = rf_req + rf_done_u
    rf_ok = has_rf & (rf_ok_u < 0.85)
    # a successful refund stops the lifecycle where it was
    stop_ship = rf_ok & pre_ship
    for arr in (received, picked, packed, ship1, shipped, done):
        arr[stop_ship & (arr > rf_done)] = np.nan
    done[rf_ok & ~pre_ship] = np.nan
    late = rng.random(n) < 0.01  # ~1% of updates become visible minutes after their modified time
    return {
        "created": created,
        "paid": paid,
        "received": received,
        "picked": picked,
        "packed": packed,
        "ship1": ship1,
        "shipped": shipped,
        "done": done,
        "cancelled": cancel_at,
        "rf_req": rf_req,
        "rf_done": rf_done,
        "rf_ok": rf_ok,
        "rf_type": np.where(has_rf, rf_type, -1).astype(np.int8),
        "partial": partial,
        "late_s": np.where(late, rng.uniform(120, 1200, n), 0.0),
        "op_seed": rng.integers(0, 1 << 30, n),
    }
