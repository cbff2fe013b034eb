"""Time formats the platforms expect and the splitting of a fetch range into their maximum windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
_ONE_SECOND = timedelta(seconds=1)


def _aware(dt: datetime) -> datetime:
    # A naive datetime is ambiguous (UTC? Beijing?); refusing it avoids an 8-hour window shift.
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"timezone-aware datetime required, got naive {dt!r}")
    return dt


def beijing_str(dt: datetime) -> str:
    """'yyyy-MM-dd HH:mm:ss' in Beijing time (Taobao, Douyin and PDD string timestamps)."""
    return _aware(dt).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def jd_timestamp(dt: datetime) -> str:
    """JD's system timestamp 'yyyy-MM-dd HH:mm:ss.SSS+0800'."""
    local = _aware(dt).astimezone(BEIJING)
    return local.strftime("%Y-%m-%d %H:%M:%S.") + f"{local.microsecond // 1000:03d}+0800"


def epoch_s(dt: datetime) -> int:
    return int(_aware(dt).timestamp())


def floor_second(dt: datetime) -> datetime:
    return _aware(dt).replace(microsecond=0)


def ceil_second(dt: datetime) -> datetime:
    dt = _aware(dt)
    return dt if dt.microsecond == 0 else dt.replace(microsecond=0) + _ONE_SECOND


def split_windows(start: datetime, end: datetime, max_window: timedelta) -> list[tuple[datetime, datetime]]:
    """Contiguous [s, e) windows covering [start, end), each at most `max_window` long, oldest first.

    Bounds are widened to whole seconds because the platforms only take second precision; widening never
    loses a record (at worst a boundary record is fetched twice, and raw landing dedupes it).
    """
    start, end = floor_second(start), ceil_second(end)
    if max_window <= timedelta(0):
        raise ValueError("max_window must be positive")
    windows: list[tuple[datetime, datetime]] = []
    cursor = start
    while cursor < end:
        upper = min(cursor + max_window, end)
        windows.append((cursor, upper))
        cursor = upper
    return windows


def utc(dt: datetime) -> datetime:
    return _aware(dt).astimezone(UTC)
