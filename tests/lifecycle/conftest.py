"""A participant with one record of every kind attached to them (for the data subject's export
and the retention job). ``ATTACHED_FACTORIES`` is checked against the model registry: a new model
attached to participants fails the tests until it gets a factory here."""

import datetime
from typing import Any

import pytest

from casework import services as casework_services
from core.actors import system_actor
from tests import factories


def _cover(participant: Any) -> Any:
    colleague = factories.counsellor("992")
    return casework_services.participant_cover_grant(
        actor=system_actor(), participant=participant, user=colleague
    )


def _match(participant: Any) -> Any:
    employer = factories.EmployerFactory(name="Jämsän Siivous Oy")
    vacancy = factories.VacancyFactory(employer=employer, title="Cleaner")
    return factories.MatchFactory(
        vacancy=vacancy, participant=participant, reason="Good fit, talked on the phone."
    )


#: model label → how to attach one record of it to a participant.
ATTACHED_FACTORIES = {
    "assessments.Enrolment": lambda p: factories.EnrolmentFactory(participant=p),
    "assessments.LanguageAssessment": lambda p: factories.LanguageAssessmentFactory(participant=p),
    "assessments.LicenceCard": lambda p: factories.LicenceCardFactory(participant=p),
    "assessments.SkillAssessment": lambda p: factories.SkillAssessmentFactory(participant=p),
    "casework.CaseNote": lambda p: factories.CaseNoteFactory(
        participant=p, text="Talked about her family situation."
    ),
    "casework.Consent": lambda p: factories.ConsentFactory(participant=p),
    "casework.Match": _match,
    "casework.Outcome": lambda p: factories.OutcomeFactory(participant=p),
    "casework.ParticipantCover": _cover,
    "plans.Appointment": lambda p: factories.AppointmentFactory(
        participant=p, summary="Discussed the job search."
    ),
    "plans.Plan": lambda p: factories.PlanFactory(participant=p),
    "plans.PlanReview": lambda p: factories.PlanReviewFactory(
        plan=factories.PlanFactory(participant=p, kind="employment")
    ),
    "plans.ServiceNeedsAssessment": lambda p: factories.ServiceNeedsAssessmentFactory(
        participant=p, completed=True
    ),
}


@pytest.fixture
def full_participant(db):
    """A Jämsä participant with one record of every attached kind."""
    participant = casework_services.participant_create(
        actor=system_actor(),
        municipality=factories.municipality("182"),
        first_name="Amina",
        last_name="Hassan",
        date_of_birth=datetime.date(1952, 10, 13),
        personal_identity_code="131052-308T",
        gender="female",
        labour_market_status="unemployed",
        phone="+358401234567",
        email="amina@example.fi",
        enrolled_on=factories.TODAY - datetime.timedelta(days=400),
    )
    for make in ATTACHED_FACTORIES.values():
        make(participant)
    return participant
