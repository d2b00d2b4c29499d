import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.test import APIClient

from api.authentication import token_issue
from assessments.models import (
    Enrolment,
    LanguageAssessment,
    LicenceCard,
    SkillAssessment,
    Training,
)
from casework.models import (
    CaseNote,
    Consent,
    Employer,
    Match,
    Outcome,
    Participant,
    Vacancy,
)
from plans.models import Appointment, Plan, ServiceNeedsAssessment
from tests import factories
from tests.helpers import audited_models

TODAY = factories.TODAY

#: Every audited model (derived from the registry): a refused write changes none of them.
DOMAIN_MODELS = audited_models()


def fresh(user: Any) -> Any:
    """The user as a new request sees it: re-read, with no per-request caches on the object."""
    return get_user_model().objects.get(pk=user.pk)


def client_for(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(fresh(user))
    return client


def bearer_client(user: Any) -> APIClient:
    """A client that authenticates like an outside one: a real bearer token."""
    token, _ = token_issue(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def snapshot(models: tuple[type, ...] = DOMAIN_MODELS) -> dict[str, Any]:
    """Rows, versions, every field and the number of history rows of each model."""
    return {
        model.__name__: (
            model.objects.count(),
            model.history.count(),
            list(model.objects.order_by("pk").values()),
        )
        for model in models
    }


def proposable(participant: Any) -> Any:
    """The participant moved to ``active`` (through the service) unless already active or job
    seeking: only they can be proposed for a vacancy (docs/domain.md Match)."""
    from casework import services
    from core.actors import system_actor

    participant = type(participant).objects.get(pk=participant.pk)
    if participant.status in ("active", "job_seeking"):
        return participant
    return services.participant_transition(
        actor=system_actor(), participant=participant, to="active", reason="test: first meeting"
    )


def iso(day: datetime.date) -> str:
    return day.isoformat()


@dataclass
class World:
    """One of everything in Jämsä (182), plus a participant in Äänekoski (992, another
    employment area), and a user for every role."""

    counsellor: Any
    other_counsellor: Any
    manager: Any
    coordinator: Any
    employer_user: Any
    other_employer_user: Any
    admin: Any
    participant: Participant
    other_participant: Participant
    consent: Consent
    case_note: CaseNote
    language_assessment: LanguageAssessment
    skill_assessment: SkillAssessment
    training: Training
    training2: Training
    enrolment: Enrolment
    licence_card: LicenceCard
    employer: Employer
    vacancy: Vacancy
    vacancy2: Vacancy
    match: Match
    outcome: Outcome
    needs_assessment: ServiceNeedsAssessment
    plan: Plan
    appointment: Appointment

    def user(self, role: str) -> Any:
        return None if role == "anonymous" else getattr(self, role)


ROLES = (
    "anonymous",
    "counsellor",
    "other_counsellor",
    "manager",
    "coordinator",
    "employer_user",
    "other_employer_user",
    "admin",
)


def build_world() -> World:
    jamsa = factories.municipality("182")
    aanekoski = factories.municipality("992")
    counsellor = factories.counsellor("182", username="counsellor.jamsa")
    employer = factories.EmployerFactory(municipality=jamsa, name="Siivous Oy")
    participant = factories.ParticipantFactory(municipality=jamsa, counsellor=counsellor)
    training = factories.TrainingFactory(municipality=jamsa)
    vacancy = factories.VacancyFactory(employer=employer)
    return World(
        counsellor=counsellor,
        other_counsellor=factories.counsellor("992", username="counsellor.aanekoski"),
        manager=factories.manager("182", username="manager.jamsa"),
        coordinator=factories.coordinator(username="coordinator"),
        employer_user=factories.employer_user(employer, username="employer1"),
        other_employer_user=factories.employer_user(
            factories.EmployerFactory(municipality=aanekoski), username="employer2"
        ),
        admin=factories.admin_user(),
        participant=participant,
        other_participant=factories.ParticipantFactory(municipality=aanekoski),
        consent=factories.ConsentFactory(participant=participant),
        case_note=factories.CaseNoteFactory(participant=participant),
        language_assessment=factories.LanguageAssessmentFactory(participant=participant),
        skill_assessment=factories.SkillAssessmentFactory(participant=participant),
        training=training,
        training2=factories.TrainingFactory(
            municipality=jamsa, licence_type=factories.licence_type("first_aid_1")
        ),
        enrolment=factories.EnrolmentFactory(training=training, participant=participant),
        licence_card=factories.LicenceCardFactory(participant=participant),
        employer=employer,
        vacancy=vacancy,
        vacancy2=factories.VacancyFactory(employer=employer, title="Kitchen assistant"),
        match=factories.MatchFactory(
            vacancy=vacancy, participant=participant, status="shared", reached_shared_on=TODAY
        ),
        outcome=factories.OutcomeFactory(participant=participant, employer=employer),
        needs_assessment=factories.ServiceNeedsAssessmentFactory(participant=participant),
        plan=factories.PlanFactory(participant=participant, agreed=True),
        appointment=factories.AppointmentFactory(participant=participant),
    )


class _WorldTransaction:
    """A world built once per test module inside an outer transaction that is rolled back at the
    end; each test's own transaction is a savepoint within it. Tests must not change the Python
    objects of the world (re-read rows from the database instead)."""

    def __init__(self, blocker: Any) -> None:
        self._blocker = blocker
        self._outer: Any = None
        self.world: World | None = None

    def open(self) -> None:
        with self._blocker.unblock():
            self._outer = transaction.atomic()
            self._outer.__enter__()
            self.world = build_world()

    def close(self) -> None:
        if self._outer is None:
            return
        with self._blocker.unblock():
            transaction.set_rollback(True)
            self._outer.__exit__(None, None, None)
        self._outer = None
        self.world = None


_OPEN_WORLDS: dict[str, _WorldTransaction] = {}


@pytest.fixture(scope="module")
def _module_world(request, django_db_setup, django_db_blocker):
    holder = _WorldTransaction(django_db_blocker)
    holder.open()
    _OPEN_WORLDS[request.module.__name__] = holder
    yield holder
    _OPEN_WORLDS.pop(request.module.__name__, None)
    holder.close()


@pytest.fixture
def world(_module_world, db) -> World:
    return _module_world.world


@pytest.fixture(scope="module")
def no_module_world(request):
    """For a transactional test in a module whose other tests share a world: close the world's
    outer transaction first, so that what the test commits is really committed (pytest-django
    runs transactional tests after all others, so no test needs the world afterwards)."""
    holder = _OPEN_WORLDS.pop(request.module.__name__, None)
    if holder is not None:
        holder.close()


def _counsellor(code: str, username: str) -> Any:
    """The world's counsellor where the module has a world, else a new one."""
    existing = get_user_model().objects.filter(username=username).first()
    return existing or factories.counsellor(code, username=username)


@pytest.fixture
def counsellor():
    return _counsellor("182", "counsellor.jamsa")


@pytest.fixture
def other_counsellor():
    return _counsellor("992", "counsellor.aanekoski")


@pytest.fixture
def api(counsellor):
    return client_for(counsellor)
