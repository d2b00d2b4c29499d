"""One builder per worklist rule: given a due date, the data that make the rule due on it; and
the event that clears it. Used by the boundary tests of every rule."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.db import transaction

from core import audit
from core.actors import system_actor
from core.working_days import finnish_holidays, is_working_day
from plans.worklist.sql import add_months
from tests import factories

DAY = datetime.timedelta(days=1)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """A moment on ``day`` (Helsinki local time is UTC+2 in March: 10:00 UTC is noon there)."""
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=datetime.UTC)


def working_days_before(day: datetime.date, count: int) -> datetime.date:
    holiday_dates = finnish_holidays(day - datetime.timedelta(days=60), day)
    while count:
        day -= DAY
        count -= is_working_day(day, holiday_dates)
    return day


def change(instance: Any, **values: Any) -> Any:
    with transaction.atomic():
        for name, value in values.items():
            setattr(instance, name, value)
        return audit.save_changes(instance, actor=system_actor(), reason="test")


def participant(counsellor: Any, **fields: Any) -> Any:
    fields.setdefault("status", "active")
    fields.setdefault("enrolled_on", datetime.date(2025, 6, 1))
    if fields["status"] == "exited":
        fields.setdefault("exit_reason", "moved_away")
    return factories.ParticipantFactory(counsellor=counsellor, **fields)


def _agreed_plan(person: Any, **fields: Any) -> Any:
    fields.setdefault("starts_on", fields.get("agreed_on", datetime.date(2026, 1, 1)))
    fields.setdefault("agreed_on", fields["starts_on"])
    fields.setdefault("ends_on", fields["starts_on"] + datetime.timedelta(days=360))
    fields.setdefault("unreferred_services", 0)
    return factories.PlanFactory(participant=person, status="agreed", **fields)


# Builders: (counsellor, due, today) → (participant, clear) ----------------------------------------


def assessment_due(counsellor: Any, due: datetime.date, today: datetime.date):
    person = participant(counsellor, first_permit_on=today - 100 * DAY, enrolled_on=due - 14 * DAY)

    def clear() -> None:
        factories.ServiceNeedsAssessmentFactory(
            participant=person, completed=True, started_on=today
        )

    return person, clear


def initial_interview_due(counsellor: Any, due: datetime.date, today: datetime.date):
    person = participant(
        counsellor, status="job_seeking", job_seeker_since=working_days_before(due, 10)
    )

    def clear() -> None:
        factories.AppointmentFactory(participant=person, status="held", starts_at=at(today))

    return person, clear


def plan_due(counsellor: Any, due: datetime.date, today: datetime.date):
    person = participant(counsellor, first_permit_on=today - 100 * DAY)
    completed = due - 14 * DAY
    factories.ServiceNeedsAssessmentFactory(
        participant=person, completed=True, started_on=completed
    )

    def clear() -> None:
        _agreed_plan(person, agreed_on=today)

    return person, clear


def referral_due(counsellor: Any, due: datetime.date, today: datetime.date):
    person = participant(counsellor)
    plan = _agreed_plan(person, agreed_on=add_months(due, -1), unreferred_services=2)

    def clear() -> None:
        change(plan, unreferred_services=0)

    return person, clear


def plan_review_due(counsellor: Any, due: datetime.date, today: datetime.date):
    person = participant(counsellor)
    plan = _agreed_plan(person, agreed_on=add_months(due, -6))

    def clear() -> None:
        factories.PlanReviewFactory(plan=plan, reviewed_on=today)

    return person, clear


def plan_ending(counsellor: Any, due: datetime.date, today: datetime.date):
    person = participant(counsellor)
    plan = _agreed_plan(person, agreed_on=due - 300 * DAY, ends_on=due)

    def clear() -> None:
        change(plan, status="ended", ended_on=today)

    return person, clear


def job_search_discussion_due(counsellor: Any, due: datetime.date, today: datetime.date):
    interview = add_months(due, -3)
    person = participant(counsellor, status="job_seeking", job_seeker_since=interview - 10 * DAY)
    factories.AppointmentFactory(participant=person, status="held", starts_at=at(interview))

    def clear() -> None:
        factories.AppointmentFactory(
            participant=person, kind="job_search_discussion", status="held", starts_at=at(today)
        )

    return person, clear


def card_expiring(counsellor: Any, due: datetime.date, today: datetime.date):
    person = participant(counsellor, status="job_seeking")
    factories.LicenceCardFactory(participant=person, issued_on=due - 1000 * DAY, valid_until=due)

    def clear() -> None:
        factories.LicenceCardFactory(
            participant=person, issued_on=today, valid_until=today + 1800 * DAY
        )

    return person, clear


def consent_expiring(counsellor: Any, due: datetime.date, today: datetime.date):
    person = participant(counsellor)
    consent = factories.ConsentFactory(
        participant=person, granted_on=today - 300 * DAY, expires_on=due
    )

    def clear() -> None:
        change(consent, withdrawn_on=today)

    return person, clear


def follow_up_due(counsellor: Any, due: datetime.date, today: datetime.date):
    exited_on = due - 28 * DAY
    person = participant(counsellor, status="exited", exited_on=exited_on)
    outcome = factories.OutcomeFactory(participant=person, starts_on=exited_on - 10 * DAY)

    def clear() -> None:
        change(outcome, follow_up_4_weeks="employed")

    return person, clear


def no_contact(counsellor: Any, due: datetime.date, today: datetime.date):
    person = participant(counsellor, enrolled_on=due - 60 * DAY)

    def clear() -> None:
        factories.CaseNoteFactory(participant=person, occurred_at=at(today))

    return person, clear


def missed_appointment(counsellor: Any, due: datetime.date, today: datetime.date):
    person = participant(counsellor)
    factories.AppointmentFactory(participant=person, status="missed", starts_at=at(due))

    def clear() -> None:
        factories.AppointmentFactory(
            participant=person, kind="guidance", status="held", starts_at=at(due, 12)
        )

    return person, clear


def retention_due(counsellor: Any, due: datetime.date, today: datetime.date):
    person = participant(counsellor, status="exited", exited_on=add_months(due, -48))

    def clear() -> None:
        call_command("apply_retention", stdout=io.StringIO())

    return person, clear


def retention_held(counsellor: Any, due: datetime.date, today: datetime.date):
    """``retention_due`` cleared by a legal hold instead of the anonymisation."""
    person = participant(counsellor, status="exited", exited_on=add_months(due, -48))

    def clear() -> None:
        change(person, legal_hold=True)

    return person, clear


BUILDERS: dict[str, Callable[..., tuple[Any, Callable[[], None]]]] = {
    name: function
    for name, function in globals().items()
    if name
    in {
        "assessment_due",
        "initial_interview_due",
        "plan_due",
        "referral_due",
        "plan_review_due",
        "plan_ending",
        "job_search_discussion_due",
        "card_expiring",
        "consent_expiring",
        "follow_up_due",
        "no_contact",
        "missed_appointment",
        "retention_due",
    }
}
