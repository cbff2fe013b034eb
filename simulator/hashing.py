"""Stable per-key pseudo randomness: a draw depends on (key, salt) only, never on a random stream's position,
so buyer attributes, ids and WMS timings stay the same however much of the world is generated."""

from __future__ import annotations

import numpy as np


def mix(x: np.ndarray, salt: int = 0) -> np.ndarray:
    """splitmix64: stable per-id pseudo randomness (buyer attributes depend on the buyer id only)."""
    z = np.asarray(x, dtype=np.uint64) + np.uint64((0x9E3779B97F4A7C15 * (salt + 1)) & 0xFFFFFFFFFFFFFFFF)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


_M64 = (1 << 64) - 1


def mix_int(x: int, salt: int = 0) -> int:
    """`mix` for one Python int (same value as mix(np.array([x]), salt)[0]) without numpy's per-call overhead."""
    z = (int(x) + ((0x9E3779B97F4A7C15 * (salt + 1)) & _M64)) & _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def unit(x: np.ndarray, salt: int) -> np.ndarray:
    return (mix(x, salt) >> np.uint64(11)).astype(np.float64) / float(1 << 53)
