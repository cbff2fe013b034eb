"""Calendar features for the forecast: public holidays and shopping festivals, pluggable by country.

Holidays come from maintained packages, never a hand-typed date list: for China `chinese-calendar`
(official State Council schedule incl. make-up working days, 调休) where it covers the year, otherwise
the `holidays` package (any ISO country, e.g. "GB" for the UCI bench).

Shopping festivals are *derived* date rules, defined once in `FESTIVALS` below. They are the campaigns
the platforms run every year, so they are known in advance and are legitimate features for future days:
- 618 (年中大促, JD/Tmall mid-year sale): warm-up Jun 1-17, main day Jun 18.
- Double 11 (双11): warm-up Oct 31-Nov 10, main day Nov 11.
- Double 12 (双12): warm-up Dec 10-11, main day Dec 12.
- New Year goods festival (年货节): the 4 weeks ending 8 days before Spring Festival (the lunar date
  comes from the `holidays` package), when buyers stock up and couriers still deliver.
A country profile picks which festivals apply: "CN" all of them, other countries none (pluggable).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

CALENDAR_COLUMNS = [
    "dow",
    "month",
    "day_of_month",
    "is_holiday",
    "is_workday",
    "is_festival",
    "is_festival_peak",
    "days_to_peak",
    "is_planned_promo",
]


def _fixed_window(start: tuple[int, int], peak: tuple[int, int]) -> Callable[[int], tuple[date, date]]:
    return lambda y: (date(y, *start), date(y, *peak))


@lru_cache(maxsize=64)
def spring_festival(year: int) -> date:
    # English names whatever the machine's locale (with LANG=zh_CN the default names are Chinese: 春节)
    names = holidays.country_holidays("CN", years=[year], language="en_US")
    return min(d for d, n in names.items() if "Spring Festival" in n)


def _new_year_goods(year: int) -> tuple[date, date]:
    peak = spring_festival(year) - timedelta(days=8)
    return peak - timedelta(days=27), peak


# name -> year -> (first day of the campaign window, main/peak day)
FESTIVALS: dict[str, Callable[[int], tuple[date, date]]] = {
    "618": _fixed_window((6, 1), (6, 18)),
    "double11": _fixed_window((10, 31), (11, 11)),
    "double12": _fixed_window((12, 10), (12, 12)),
    "new_year_goods": _new_year_goods,
}


@dataclass(frozen=True)
class CountryProfile:
    country: str
    festivals: tuple[str, ...] = field(default_factory=tuple)

    def holiday_flags(self, days: list[date]) -> tuple[np.ndarray, np.ndarray]:
        """(is_public_holiday, is_working_day) per day."""
        years = sorted({d.year for d in days})
        table = holidays.country_holidays(self.country, years=years)
        is_hol = np.array([d in table for d in days])
        is_work = np.array([d.weekday() < 5 and not h for d, h in zip(days, is_hol)])
        if self.country == "CN":
            is_hol, is_work = _chinese_calendar_override(days, is_hol, is_work)
        return is_hol, is_work


def _chinese_calendar_override(days: list[date], is_hol: np.ndarray, is_work: np.ndarray):
    import chinese_calendar

    is_hol, is_work = is_hol.copy(), is_work.copy()
    for k, d in enumerate(days):
        try:  # the package covers the years the State Council has published; else keep `holidays`
            detail = chinese_calendar.get_holiday_detail(d)
            is_hol[k] = bool(detail[1])  # a named holiday, not just a weekend
            is_work[k] = chinese_calendar.is_workday(d)
        except NotImplementedError:
            pass
    return is_hol, is_work


PROFILES = {"CN": CountryProfile("CN", tuple(FESTIVALS))}


def profile(country: str) -> CountryProfile:
    return PROFILES.get(country.upper(), CountryProfile(country.upper()))


def festival_flags(days: list[date], names: Iterable[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(in a festival window, is a main day, days until the next main day capped at 30)."""
    in_window = np.zeros(len(days), dtype=bool)
    is_peak = np.zeros(len(days), dtype=bool)
    to_peak = np.full(len(days), 30.0)
    if not days:
        return in_window, is_peak, to_peak
    ords = np.array([d.toordinal() for d in days])
    for name in names:
        for year in range(days[0].year - 1, days[-1].year + 2):
            start, peak = FESTIVALS[name](year)
            s, p = start.toordinal(), peak.toordinal()
            in_window |= (ords >= s) & (ords <= p)
            is_peak |= ords == p
            ahead = (p - ords).astype(float)
            to_peak = np.where((ahead >= 0) & (ahead < to_peak), ahead, to_peak)
    return in_window, is_peak, to_peak


def calendar_frame(days: list[date], country: str = "CN", planned_promo_dates: Iterable[date] = ()) -> pd.DataFrame:
    """One row per day with CALENDAR_COLUMNS. `planned_promo_dates` are the seller's own campaigns."""
    prof = profile(country)
    is_hol, is_work = prof.holiday_flags(days)
    in_window, is_peak, to_peak = festival_flags(days, prof.festivals)
    planned = set(planned_promo_dates)
    return pd.DataFrame(
        {
            "dow": [d.weekday() for d in days],
            "month": [d.month for d in days],
            "day_of_month": [d.day for d in days],
            "is_holiday": is_hol.astype(np.int8),
            "is_workday": is_work.astype(np.int8),
            "is_festival": in_window.astype(np.int8),
            "is_festival_peak": is_peak.astype(np.int8),
            "days_to_peak": to_peak,
            "is_planned_promo": np.array([(d in planned) or w for d, w in zip(days, in_window)], dtype=np.int8),
        },
        index=pd.Index(days, name="day"),
    )[CALENDAR_COLUMNS]
