"""Time formats the platforms use. Internally every instant is float epoch seconds (UTC)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

import numpy as np

BJ = timezone(timedelta(hours=8), "Asia/Shanghai")
DAY = 86400.0
EPOCH_DAY0 = datetime(2020, 1, 1, tzinfo=BJ).timestamp()  # day numbers count Beijing days from here


def parse_iso(value: str) -> float:
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def iso(ts: float | None) -> str | None:
    if ts is None or (isinstance(ts, float) and math.isnan(ts)):
        return None
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def bj(ts: float | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str | None:
    if ts is None or (isinstance(ts, float) and math.isnan(ts)):
        return None
    if fmt != _BJ_FMT:
        return datetime.fromtimestamp(int(ts), BJ).strftime(fmt)
    # the serializers' hot path: a cached date prefix + arithmetic instead of datetime + strftime
    day, sec = divmod(int(ts) + 8 * 3600, 86400)
    return f"{_bj_date(day)} {sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}"


_BJ_FMT = "%Y-%m-%d %H:%M:%S"


@lru_cache(maxsize=4096)
def _bj_date(day: int) -> str:
    return datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%d")


def parse_bj(value: str) -> float:
    """'yyyy-MM-dd HH:mm:ss' Beijing → epoch seconds (ValueError when malformed)."""
    return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=BJ).timestamp()


def day_number(ts: float) -> int:
    return int((ts - EPOCH_DAY0) // DAY)


def day_start(day: int) -> float:
    return EPOCH_DAY0 + day * DAY


def epoch_int(ts: float | None) -> int:
    return 0 if ts is None or math.isnan(ts) else int(ts)


def iso_many(ts) -> list[str]:
    """`iso` for an array of epoch seconds (no NaN), vectorised."""
    secs = np.floor(np.asarray(ts, dtype=np.float64)).astype(np.int64).astype("datetime64[s]")
    return np.char.add(np.datetime_as_string(secs, unit="s"), "Z").tolist()


def bj_days(ts, sep: str = "") -> list[str]:
    """Beijing calendar day of each epoch second, "YYYYMMDD" (sep="") or "YYYY-MM-DD" (sep="-"), vectorised."""
    secs = (np.floor(np.asarray(ts, dtype=np.float64)).astype(np.int64) + 8 * 3600).astype("datetime64[s]")
    days = np.datetime_as_string(secs, unit="D")
    return days.tolist() if sep == "-" else np.char.replace(days, "-", sep).tolist()
