"""Reporting periods: whole calendar months (docs/domain.md#dashboards-and-the-esf-report, "from/to filters take whole months").

``from`` widens to the first day of its month and ``to`` to the last day of its month, so a
dashboard or report never cuts a month in two. Query strings take ``YYYY-MM`` or ``YYYY-MM-DD``;
anything else, or a ``from`` after ``to``, is a validation error (HTTP 400).
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.errors import ValidationFailed

_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
FIRST_YEAR = 1900
LAST_YEAR = 2999
#: How many months the monthly trend shows, oldest first.
TREND_MONTHS = 24


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """An inclusive range of whole months; either end may be open (None)."""

    start: datetime.date | None = None
    end: datetime.date | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }

    def filter(self, field: str) -> dict[str, datetime.date]:
        """ORM lookups that keep ``field`` inside the period."""
        lookups: dict[str, datetime.date] = {}
        if self.start:
            lookups[f"{field}__gte"] = self.start
        if self.end:
            lookups[f"{field}__lte"] = self.end
        return lookups

    def trend_months(self, today: datetime.date) -> list[datetime.date]:
        """The first days of the ``TREND_MONTHS`` months that end with the period's last month
        (the current month for an open period), oldest first."""
        last = month_start(self.end or today)
        return [add_months(last, offset) for offset in range(-TREND_MONTHS + 1, 1)]


def whole_months(
    period_from: datetime.date | None = None, period_to: datetime.date | None = None
) -> Period:
    """Widen dates to whole months; ``from`` after ``to`` is a validation error."""
    start = month_start(period_from) if period_from else None
    end = month_end(period_to) if period_to else None
    for name, value in (("from", start), ("to", end)):
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValidationFailed.single(
                name,
                _("Give a year from %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
            )
    if start and end and start > end:
        raise ValidationFailed.single("to", _("The period ends before it starts."))
    return Period(start, end)


def _parse(value: str | None, name: str) -> datetime.date | None:
    if value is None or value == "":
        return None
    match = _MONTH.match(value.strip())
    if not match:
        raise ValidationFailed.single(name, _("Give a month as YYYY-MM (or a date as YYYY-MM-DD)."))
    year, month, day = int(match.group(1)), int(match.group(2)), match.group(3)
    try:
        return datetime.date(year, month, int(day) if day else 1)
    except ValueError:
        raise ValidationFailed.single(name, _("That is not a real month or date.")) from None


def parse_period(period_from: str | None, period_to: str | None) -> Period:
    """``?from=&to=`` → whole months. Both fields are checked, and every error is reported."""
    errors: dict[str, list[str]] = {}
    parsed: dict[str, datetime.date | None] = {}
    for name, value in (("from", period_from), ("to", period_to)):
        try:
            parsed[name] = _parse(value, name)
        except ValidationFailed as error:
            errors.update(error.errors)
    if errors:
        raise ValidationFailed(errors)
    return whole_months(parsed["from"], parsed["to"])
