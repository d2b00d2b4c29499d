"""Finnish working days: the holidays library through core.working_days, and the calendar table
the worklist counts with agrees with it."""

import datetime

import pytest

from core.models import CalendarDay
from core.working_days import add_working_days


@pytest.mark.parametrize(
    "start,expected",
    [
        # a plain fortnight: Monday + 10 working days is the Monday two weeks on
        (datetime.date(2026, 3, 2), datetime.date(2026, 3, 16)),
        # Good Friday 3.4. and Easter Monday 6.4.2026 are not working days
        (datetime.date(2026, 3, 30), datetime.date(2026, 4, 15)),
        # Midsummer Eve 19.6.2026 (a Friday) is not a working day
        (datetime.date(2026, 6, 15), datetime.date(2026, 6, 30)),
        # Christmas Eve, Christmas Day and Boxing Day, New Year's Day and Epiphany
        (datetime.date(2026, 12, 21), datetime.date(2027, 1, 8)),
        # a start on a Saturday counts from the Monday
        (datetime.date(2026, 3, 7), datetime.date(2026, 3, 20)),
    ],
)
def test_ten_working_days(start, expected):
    assert add_working_days(start, 10) == expected


def test_the_calendar_table_agrees_with_the_library():
    for start in (datetime.date(2026, 3, 30) + datetime.timedelta(days=n) for n in range(300)):
        number = CalendarDay.objects.get(day=start).working_day_number
        due = CalendarDay.objects.get(working_day_number=number + 10, is_working_day=True).day
        assert due == add_working_days(start, 10), start
