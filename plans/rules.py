"""The legal rules of plans (docs/domain.md#plans-appointments-and-the-worklist, docs/domain.md#plans-appointments-and-the-worklist; ADR 15), as pure functions the
services call: the shapes of a plan's goals, services, job-search obligation and extensions, the
checks that agreeing a plan runs, and the derived warnings. Nothing here reads or writes the
database; the services pass in what the rules need to know."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.validation import Errors

GOAL_HORIZONS = ("long_term", "period")
GOAL_KINDS = (
    "employment",
    "entrepreneurship",
    "education",
    "language",
    "integration",
    "wellbeing",
    "other",
)
#: A job seeker's plan needs one of these (681/2023 §18; 380/2023 §34).
WORK_GOAL_KINDS = ("employment", "entrepreneurship")
SERVICE_KINDS = (
    "integration_training",
    "language_studies",
    "civic_orientation",
    "labour_market_training",
    "vocational_education",
    "licence_training",
    "guidance",
    "work_trial",
    "ngo_activity",
    "health_wellbeing",
    "other",
)
#: §23(2): up to two years together for little education / needs across sectors, or the
#: maximum passed on child home-care allowance with part-time participation.
DISCRETIONARY_EXTENSIONS = ("low_education_multi_sector", "home_care_allowance_part_time")
#: §23(3): as long as illness, injury, pregnancy or parental-allowance days prevented the plan.
ILLNESS_EXTENSION = "illness_injury_pregnancy_parental"
#: §31: under 25 with self-motivated studies, one more year to finish them.
STUDIES_EXTENSION = "studies_under_25"
EXTENSION_CODES = (*DISCRETIONARY_EXTENSIONS, ILLNESS_EXTENSION, STUDIES_EXTENSION)

#: 380/2023 §44, §47: by default four applications per one-month period.
DEFAULT_APPLICATIONS = 4
DEFAULT_PERIOD_MONTHS = 1

TEXT_LIMIT = 4000


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar date ``years`` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return datetime.date(day.year + years, 2, 28)


def is_under(date_of_birth: datetime.date | None, age: int, on: datetime.date) -> bool:
    return date_of_birth is not None and on < add_years(date_of_birth, age)


def as_date(value: Any) -> datetime.date | None:
    """A date from a date or an ISO string (what JSON stores); anything else raises ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        raise ValueError(value)
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    raise ValueError(value)


# Shapes -------------------------------------------------------------------------------------------


class _Reader:
    """Reads one JSON object of a list, collecting errors under ``<list>.<index>.<key>``."""

    def __init__(self, errors: Errors, prefix: str, item: Any) -> None:
        self.errors, self.prefix = errors, prefix
        self.item = item if isinstance(item, dict) else {}
        if not isinstance(item, dict):
            errors.add(prefix, _("Send an object."))

    def add(self, key: str, message: str) -> None:
        self.errors.add(f"{self.prefix}.{key}", message)

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.item.get(key)
        if value not in choices:
            self.add(key, _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)})
            return ""
        return value

    def text(self, key: str, *, required: bool = False) -> str:
        value = self.item.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(key, _("Send a string."))
            return ""
        value = value.strip()
        if len(value) > TEXT_LIMIT:
            self.add(key, _("At most %(limit)d characters.") % {"limit": TEXT_LIMIT})
        if required and not value:
            self.add(key, _("This field may not be blank."))
        return value

    def day(self, key: str, *, required: bool = False) -> str | None:
        try:
            value = as_date(self.item.get(key))
        except (TypeError, ValueError):
            self.add(key, _("Send a date as YYYY-MM-DD."))
            return None
        if value is None and required:
            self.add(key, _("This field is required."))
        return value.isoformat() if value else None

    def number(self, key: str, *, minimum: int, maximum: int, integer: bool = True) -> Any:
        value = self.item.get(key)
        if value is None:
            return None
        kinds = int if integer else int | float
        if (
            isinstance(value, bool)
            or not isinstance(value, kinds)
            or not (minimum <= value <= maximum)
        ):
            self.add(key, _("Send a number from %(low)d to %(high)d.") % {
                "low": minimum, "high": maximum})  # fmt: skip
            return None
        return value


def _list(value: Any, field: str, read: Callable[[_Reader], dict[str, Any]]) -> list[dict]:
    if value is None:
        value = []
    if not isinstance(value, list):
        raise ValidationFailed.single(field, _("Send a list."))
    if len(value) > 100:
        raise ValidationFailed.single(field, _("At most 100 entries."))
    errors = Errors()
    result = [read(_Reader(errors, f"{field}.{index}", item)) for index, item in enumerate(value)]
    errors.raise_if_any()
    return result


def goals(value: Any) -> list[dict[str, Any]]:
    """A plan's goals as stored (dates as ISO strings), or ValidationFailed naming each entry."""
    return _list(
        value,
        "goals",
        lambda item: {
            "horizon": item.choice("horizon", GOAL_HORIZONS),
            "kind": item.choice("kind", GOAL_KINDS),
            "text": item.text("text", required=True),
            "achieved_on": item.day("achieved_on"),
        },
    )


def services(value: Any) -> list[dict[str, Any]]:
    """A plan's services as stored; the justification may wait until the plan is agreed."""
    return _list(
        value,
        "services",
        lambda item: {
            "kind": item.choice("kind", SERVICE_KINDS),
            "description": item.text("description", required=True),
            "provider": item.text("provider"),
            "starts_on": item.day("starts_on"),
            "ends_on": item.day("ends_on"),
            "hours": item.number("hours", minimum=0, maximum=10000, integer=False),
            "justification": item.text("justification"),
            "referred_on": item.day("referred_on"),
            "completed_on": item.day("completed_on"),
        },
    )


def extensions(value: Any) -> list[dict[str, Any]]:
    return _list(
        value,
        "extensions",
        lambda item: {
            "until": item.day("until", required=True),
            "reason_code": item.choice("reason_code", EXTENSION_CODES),
            "reason": item.text("reason"),
        },
    )


def job_search_obligation(value: Any) -> dict[str, Any] | None:
    """``{"applications", "period_months", "reason"}`` or None; the numbers default to four
    applications per one month (380/2023 §44)."""
    if value is None:
        return None
    errors = Errors()
    item = _Reader(errors, "job_search_obligation", value)
    applications = item.number("applications", minimum=0, maximum=100)
    period = item.number("period_months", minimum=1, maximum=12)
    result = {
        "applications": DEFAULT_APPLICATIONS if applications is None else applications,
        "period_months": DEFAULT_PERIOD_MONTHS if period is None else period,
        "reason": item.text("reason"),
    }
    errors.raise_if_any()
    return result


def unreferred_services(planned: list[dict[str, Any]]) -> int:
    return sum(1 for service in planned if not service.get("referred_on"))


# Warnings -----------------------------------------------------------------------------------------


def warnings(
    *, goals: list[dict[str, Any]], date_of_birth: datetime.date | None, on: datetime.date
) -> list[dict[str, str]]:
    """§18: under 25, the goal is by default at least upper-secondary education. Its absence is
    a warning the counsellor may knowingly accept, not an error."""
    found = []
    if is_under(date_of_birth, 25, on) and not any(g.get("kind") == "education" for g in goals):
        found.append(
            {
                "code": "education_goal_missing",
                "detail": _("The client is under 25 and the plan has no education goal."),
            }
        )
    return found
