"""Demand calendar: weekly and intraday shape plus the Chinese e-commerce promotion peaks."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

from simulator.timeutil import BJ, EPOCH_DAY0

BASE_ORDERS_PER_DAY = 900.0
WEEKDAY = np.array([0.94, 0.92, 0.95, 0.98, 1.04, 1.12, 1.10])  # Mon..Sun
# Beijing hour of day; lunchtime and late-evening shopping, quiet small hours
HOURLY = np.array(
    [
        3.0,
        1.6,
        0.8,
        0.5,
        0.4,
        0.5,
        1.0,
        2.0,
        3.5,
        5.0,
        6.0,
        6.0,
        5.2,
        5.0,
        5.5,
        5.5,
        5.0,
        4.6,
        5.0,
        6.2,
        7.2,
        8.2,
        8.0,
        6.0,
    ]
)
HOURLY_PEAKDAY = HOURLY.copy()
HOURLY_PEAKDAY[0] *= 12  # the midnight rush when a festival's main day opens
OFFICE_HOURS = np.zeros(24)
OFFICE_HOURS[9:18] = 1.0


def day_date(day: int) -> date:
    return datetime.fromtimestamp(EPOCH_DAY0 + day * 86400 + 3600, BJ).date()


# Spring Festival (lunar new year's day): couriers stop and buyers are away for about two weeks
SPRING_FESTIVAL = [date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6), date(2028, 1, 26), date(2029, 2, 13)]


def promotion(d: date) -> tuple[float, str, bool]:
    """(volume factor, promotion name or '', is main festival day)."""
    m, dd = d.month, d.day
    if any(-7 <= (d - sf).days <= 7 for sf in SPRING_FESTIVAL):
        return 0.55, "", False
    if m == 6 and dd == 18:
        return 3.0, "618年中大促", True
    if m == 6 and dd <= 17:
        return 1.35, "618年中大促", False
    if m == 11 and dd == 11:
        return 4.5, "双11狂欢", True
    if (m == 10 and dd == 31) or (m == 11 and dd <= 10):
        return 1.5, "双11狂欢", False
    if m == 12 and dd == 12:
        return 2.5, "双12", True
    if m == 12 and dd in (10, 11):
        return 1.3, "双12", False
    if m == 1 and 5 <= dd <= 20:
        return 1.4, "年货节", False
    return 1.0, "", False


def expected_orders(day: int) -> tuple[float, str, bool]:
    d = day_date(day)
    factor, name, peak = promotion(d)
    trend = 1.0 + 0.0004 * (day - 2000)  # slow growth of the shop
    return BASE_ORDERS_PER_DAY * WEEKDAY[d.weekday()] * factor * trend, name, peak


def is_weekend(day: int) -> bool:
    return day_date(day).weekday() >= 5
