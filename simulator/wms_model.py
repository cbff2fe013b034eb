"""When the WMS receives each shipment task, and how often re-keying ships the wrong thing.

Before go-live, clerks re-key paid orders from the marketplace back-ends into the WMS during their shifts:
a few hours for most orders, the next shift for orders paid at night or at the weekend. After go-live
OrderHub creates the task within minutes; a small tail waits for stock (backorders) or for the queue to
drain on a festival's main day. All draws are per-order hashes of the order key (`hashing.unit`), so they
do not disturb the generator's random stream and a world stays a pure function of (seed, days, now).
"""

from __future__ import annotations

import numpy as np

from simulator import calendar as cal
from simulator.hashing import unit
from simulator.timeutil import DAY, EPOCH_DAY0

# clerks' re-keying shifts, Beijing hours [open, close): weekdays and weekends
SHIFT_WEEKDAY, SHIFT_WEEKEND = (9, 23), (10, 20)
REKEY_MEDIAN_S, REKEY_SIGMA = 105 * 60.0, 0.8  # working time the backlog adds before the clerk gets to it
AUTO_MEDIAN_S, AUTO_SIGMA = 6.5 * 60.0, 0.5  # OrderHub: sync interval + task creation
BACKORDER_SHARE = 0.025  # after go-live: tasks held for stock (0.5–20 h)
# share of wrong-item / wrong-address after-sales (and CS complaints) that survive: re-keying errors mostly
# vanish with OrderHub (calibrated to ~2 ‰ tickets per shipped order before go-live, ~0.3 ‰ after)
WRONG_KEEP_BEFORE, WRONG_KEEP_AFTER = 0.115, 0.015


def _normal(key: np.ndarray, salt: int) -> np.ndarray:
    """Standard normal per key (Box–Muller on two hashed uniforms)."""
    u1, u2 = np.maximum(unit(key, salt), 1e-12), unit(key, salt + 1)
    return np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2)


def add_shift_time(start: np.ndarray, work: np.ndarray) -> np.ndarray:
    """start + `work` seconds counted only inside the clerks' shifts (vectorised, a few shift hops)."""
    local = np.asarray(start, dtype=np.float64) - EPOCH_DAY0  # seconds since a Beijing midnight
    left = np.asarray(work, dtype=np.float64).copy()
    out = np.full(len(local), np.nan)
    todo = np.flatnonzero(~np.isnan(local))
    for _ in range(40):  # ≥ a week of shifts; work is never that long
        if not len(todo):
            break
        day = np.floor(local[todo] / DAY)
        weekend = (day.astype(np.int64) + 2) % 7 >= 5  # 2020-01-01 (day 0) was a Wednesday
        open_s = np.where(weekend, SHIFT_WEEKEND[0], SHIFT_WEEKDAY[0]) * 3600.0 + day * DAY
        close_s = np.where(weekend, SHIFT_WEEKEND[1], SHIFT_WEEKDAY[1]) * 3600.0 + day * DAY
        t = np.maximum(local[todo], open_s)
        avail = np.maximum(close_s - t, 0.0)
        fin = left[todo] <= avail
        out[todo[fin]] = t[fin] + left[todo[fin]]
        left[todo[~fin]] -= avail[~fin]
        local[todo[~fin]] = (day[~fin] + 1) * DAY
        todo = todo[~fin]
    return out + EPOCH_DAY0


def _peak_day(paid: np.ndarray) -> np.ndarray:
    """Is the order paid on a festival's main day (Beijing date)."""
    day = np.floor((np.nan_to_num(paid) - EPOCH_DAY0) / DAY).astype(np.int64)
    uniq, inv = np.unique(day, return_inverse=True)
    return np.array([cal.promotion(cal.day_date(int(d)))[2] for d in uniq], dtype=bool)[inv]


def receive_times(key: np.ndarray, paid: np.ndarray, before: np.ndarray) -> np.ndarray:
    """When the WMS accepted each order's shipment task (NaN for unpaid orders)."""
    key = np.asarray(key, dtype=np.int64)
    manual = add_shift_time(np.where(before, paid, np.nan), REKEY_MEDIAN_S * np.exp(REKEY_SIGMA * _normal(key, 131)))
    auto = paid + 60 + AUTO_MEDIAN_S * np.exp(AUTO_SIGMA * _normal(key, 133))
    auto += np.where(unit(key, 135) < BACKORDER_SHARE, 1800 + 70200 * unit(key, 136) ** 2, 0.0)
    # festival main day: the midnight rush queues for up to ~2.5 h, the rest of the day a little
    bj_hour = np.floor(((np.nan_to_num(paid) - EPOCH_DAY0) % DAY) / 3600)
    queue = np.where(bj_hour < 3, 600 + 8400 * unit(key, 137), 900 * unit(key, 137))
    auto += np.where(_peak_day(paid), queue, 0.0)
    return np.where(before, manual, auto)
