"""Finnish working days (docs/domain.md#plans-appointments-and-the-worklist: "working days exclude weekends and Finnish public
holidays").

Holidays come from the maintained ``holidays`` library (pinned in pyproject.toml), never from a
hand-written list: it knows the moving feasts (Easter, Ascension, Midsummer, All Saints' Day),
and Midsummer Eve and Christmas Eve, on which Finnish offices are closed. The dates are kept in
the ``core.CalendarDay`` table so that statements computing deadlines in the database (the
worklist, ``plans.worklist``) can count working days with two index look-ups (ADR 17).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import holidays
from django.db import transaction

from core.models import CalendarDay

#: The range the calendar covers: every start date a worklist rule may meet (job searches
#: started since 1990) and its deadlines.
FIRST_DAY = datetime.date(1990, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)


def finnish_holidays(first: datetime.date, last: datetime.date) -> set[datetime.date]:
    return set(holidays.country_holidays("FI", years=range(first.year, last.year + 1)))


def is_working_day(day: datetime.date, holiday_dates: set[datetime.date]) -> bool:
    return day.weekday() < 5 and day not in holiday_dates


def calendar_days(
    first: datetime.date = FIRST_DAY, last: datetime.date = LAST_DAY
) -> Iterator[CalendarDay]:
    holiday_dates = finnish_holidays(first, last)
    number = 0
    day = first
    while day <= last:
        working = is_working_day(day, holiday_dates)
        number += working
        yield CalendarDay(day=day, is_working_day=working, working_day_number=number)
        day += datetime.timedelta(days=1)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """``start`` + ``days`` working days, in Python (the same rule as the table; for tests,
    seed data and checks)."""
    holiday_dates = finnish_holidays(start, start + datetime.timedelta(days=days * 3 + 30))
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        remaining -= is_working_day(day, holiday_dates)
    return day


def fill_calendar() -> int:
    """Rewrite the calendar table from the holidays library (derived data, no history: the
    library is the record). Safe to run again; a newer library release may move a holiday."""
    rows = list(calendar_days())
    with transaction.atomic():
        CalendarDay.objects.all().delete()
        CalendarDay.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
