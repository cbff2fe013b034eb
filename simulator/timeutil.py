"""Time formats the platforms use. Internally every instant is float epoch seconds (UTC)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

BJ = timezone(timedelta(hours=8), "Asia/Shanghai")
DAY = 86400.0
EPOCH_DAY0 = datetime(2020, 1, 1, tzinfo=BJ).timestamp()  # day numbers count Beijing days from here


def parse_iso(value: str) -> float:
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def iso(ts: float | None) -> str | None:
    if ts is None or (isinstance(ts, float) and math.isnan(ts)):
        return None
    return datetime.fromtimestamp(int(ts), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def bj(ts: float | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str | None:
    if ts is None or (isinstance(ts, float) and math.isnan(ts)):
        return None
    return datetime.fromtimestamp(int(ts), BJ).strftime(fmt)


def parse_bj(value: str) -> float:
    """'yyyy-MM-dd HH:mm:ss' Beijing → epoch seconds (ValueError when malformed)."""
    return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=BJ).timestamp()


def day_number(ts: float) -> int:
    return int((ts - EPOCH_DAY0) // DAY)


def day_start(day: int) -> float:
    return EPOCH_DAY0 + day * DAY


def epoch_int(ts: float | None) -> int:
    return 0 if ts is None or math.isnan(ts) else int(ts)
