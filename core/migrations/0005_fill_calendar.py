"""Fill the calendar of Finnish working days (1990–2100) from the holidays library. The rule is
repeated here rather than imported from core.working_days, so that this migration keeps working
when the app code changes; ``manage.py refresh_calendar`` rewrites the table later."""

import datetime

import holidays
from django.db import migrations


def fill(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    first, last = datetime.date(1990, 1, 1), datetime.date(2100, 12, 31)
    holiday_dates = set(holidays.country_holidays("FI", years=range(first.year, last.year + 1)))
    rows = []
    number = 0
    day = first
    while day <= last:
        working = day.weekday() < 5 and day not in holiday_dates
        number += working
        rows.append(CalendarDay(day=day, is_working_day=working, working_day_number=number))
        day += datetime.timedelta(days=1)
    CalendarDay.objects.bulk_create(rows, batch_size=5000)


def empty(apps, schema_editor):
    apps.get_model("core", "CalendarDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0004_calendar_day")]

    operations = [migrations.RunPython(fill, empty)]
