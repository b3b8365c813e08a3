"""Finnish business days: weekdays that are not public holidays."""

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _finnish_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FI", years=year))


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _finnish_holidays(day.year)


def business_days_after(day: date, count: int) -> date:
    """The date `count` business days after `day` (which itself does not count)."""
    current = day
    left = count
    while left > 0:
        current += timedelta(days=1)
        if is_business_day(current):
            left -= 1
    return current
