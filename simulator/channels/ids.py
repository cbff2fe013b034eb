"""Platform order ids: a pure, reversible function of the world's order key."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.hashing import mix, mix_int
from simulator.timeutil import BJ, bj

TB_BASE, DY_BASE, JD_BASE = 2_600_000_000_000_000, 6_900_000_000_000_000_000, 300_000_000_000


def _r(key: int) -> int:
    return mix_int(key, 41) % 9


def tb_tid(key: int) -> int:
    return TB_BASE + int(key) * 100 + 10 * _r(key)


def dy_order_id(key: int) -> str:
    return str(DY_BASE + int(key) * 100 + 10 * _r(key))


def pdd_order_sn(key: int, created: float) -> str:
    return f"{bj(created, '%y%m%d')}-{int(key) * 100 + 10 * _r(key):015d}"


def jd_order_id(key: int) -> int:
    return JD_BASE + int(key) * 10


def erp_order_no(key: int) -> str:
    return f"SO{int(key):011d}"


def key_from_channel_id(channel: str, order_id) -> int | None:
    """Inverse of the id functions above (None when it cannot be ours)."""
    try:
        s = str(order_id).strip()
        if channel == "taobao":
            return (int(s) - TB_BASE) // 100
        if channel == "douyin":
            return (int(s) - DY_BASE) // 100
        if channel == "pdd":
            return int(s.split("-")[1]) // 100
        if channel == "jd":
            return (int(s) - JD_BASE) // 10
        if channel == "erp":
            return int(s[2:])
    except (ValueError, IndexError):
        return None
    return None


def channel_ids(src: str, keys: np.ndarray, created: np.ndarray) -> list[str]:
    """Vectorised platform order ids for many orders of one shop (same values as the scalar functions)."""
    keys = np.asarray(keys, dtype=np.int64)
    r = (mix(keys.astype(np.uint64), 41) % np.uint64(9)).astype(np.int64)
    if src in ("tb", "tm"):
        return (TB_BASE + keys * 100 + 10 * r).astype(str).tolist()
    if src == "dy":
        return [str(DY_BASE + int(v)) for v in keys * 100 + 10 * r]
    if src == "pdd":
        days = pd.to_datetime(created, unit="s", utc=True).tz_convert(BJ).strftime("%y%m%d")
        return [f"{d}-{int(v):015d}" for d, v in zip(days, keys * 100 + 10 * r)]
    if src == "jd":
        return (JD_BASE + keys * 10).astype(str).tolist()
    return [f"SO{int(k):011d}" for k in keys]
