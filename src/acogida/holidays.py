"""Spain's national public holidays (the days every office is closed)."""

from __future__ import annotations

import datetime as dt
from functools import cache

# Fixed-date national holidays: New Year, Epiphany, Labour Day, Assumption, National Day,
# All Saints, Constitution Day, Immaculate Conception, Christmas.
_FIXED = ((1, 1), (1, 6), (5, 1), (8, 15), (10, 12), (11, 1), (12, 6), (12, 8), (12, 25))


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter (the anonymous Meeus/Jones/Butcher algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@cache
def national_holidays(year: int) -> frozenset[dt.date]:
    """The fixed national holidays plus Good Friday."""
    good_friday = easter_sunday(year) - dt.timedelta(days=2)
    return frozenset({dt.date(year, month, day) for month, day in _FIXED} | {good_friday})


def is_national_holiday(day: dt.date) -> bool:
    return day in national_holidays(day.year)
