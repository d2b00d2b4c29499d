"""Test data. Every audited row is saved through core.audit with the system actor, so it has its
history row like anything else; scenario tests then act through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from assessments import latest_levels
from assessments.models import (
    Enrolment,
    LanguageAssessment,
    LicenceCard,
    LicenceType,
    Occupation,
    SkillAssessment,
    Training,
)
from casework import duplicates
from casework import services as casework_services
from casework.models import (
    CaseNote,
    Consent,
    Employer,
    Match,
    Outcome,
    Participant,
    Vacancy,
)
from core import audit
from core.actors import system_actor
from municipalities import services as municipality_services
from municipalities.models import Municipality
from plans.models import Appointment, Plan, PlanReview, ServiceNeedsAssessment

#: Today as the code under test sees it (Polku's time zone, not the machine's). Tests that need
#: it take the ``today`` fixture (tests/conftest.py); this constant serves factory defaults.
TODAY = timezone.localdate()


class AuditedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        instance = model_class(*args, **kwargs)
        return audit.create(instance, actor=system_actor(), reason="test data")


def municipality(code: str = "182") -> Municipality:
    return Municipality.objects.get(code=code)


def licence_type(code: str = "occupational_safety") -> LicenceType:
    return LicenceType.objects.get(code=code)


def occupation(code: str = "9112") -> Occupation:
    return Occupation.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")


def counsellor(code: str = "182", username: str | None = None):
    user = UserFactory(
        username=username or f"counsellor-{code}-{UserFactory._meta.model.objects.count()}"
    )
    municipality_services.role_grant(
        actor=system_actor(), user=user, role="counsellor", municipality=municipality(code)
    )
    return user


def manager(code: str = "182", username: str | None = None):
    user = UserFactory(
        username=username or f"manager-{code}-{UserFactory._meta.model.objects.count()}"
    )
    municipality_services.role_grant(
        actor=system_actor(), user=user, role="manager", municipality=municipality(code)
    )
    return user


def coordinator(username: str | None = None):
    user = UserFactory(
        username=username or f"coordinator-{UserFactory._meta.model.objects.count()}"
    )
    municipality_services.role_grant(
        actor=system_actor(), user=user, role="coordinator", municipality=None
    )
    return user


def employer_user(employer: Employer | None = None, username: str | None = None):
    employer = employer or EmployerFactory()
    user = UserFactory(username=username or f"employer-{UserFactory._meta.model.objects.count()}")
    casework_services.employer_membership_set(actor=system_actor(), user=user, employer=employer)
    return user


def admin_user(username: str = "admin"):
    user = UserFactory(username=username, is_superuser=True, is_staff=True)
    return user


class ParticipantFactory(AuditedFactory):
    class Meta:
        model = Participant

    municipality = factory.LazyFunction(lambda: municipality("182"))
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = datetime.date(1990, 3, 15)
    gender = "female"
    labour_market_status = "unemployed"
    native_language = "ar"
    citizenship = "SY"
    status = "referred"
    enrolled_on = factory.LazyFunction(lambda: TODAY - datetime.timedelta(days=100))
    status_changed_on = factory.SelfAttribute("enrolled_on")
    phone = "+358401234567"
    email = factory.Sequence(lambda n: f"participant{n}@example.fi")
    duplicate_key = factory.LazyAttribute(
        lambda o: duplicates.duplicate_key(o.first_name, o.last_name, o.date_of_birth)
    )


class ConsentFactory(AuditedFactory):
    class Meta:
        model = Consent

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    purpose = "share_with_employers"
    granted_on = factory.LazyFunction(lambda: TODAY - datetime.timedelta(days=30))
    recorded_by = factory.LazyFunction(system_actor)


class CaseNoteFactory(AuditedFactory):
    class Meta:
        model = CaseNote

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    kind = "meeting"
    occurred_at = factory.Faker("past_datetime", tzinfo=datetime.UTC)
    text = "Discussed the hygiene passport course."
    author = factory.LazyFunction(system_actor)


class LanguageAssessmentFactory(AuditedFactory):
    class Meta:
        model = LanguageAssessment

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Like the service: the derived latest levels follow in the same transaction."""
        assessment = super()._create(model_class, *args, **kwargs)
        latest_levels.sync([assessment.participant_id])
        return assessment

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    language = "fi"
    assessed_on = factory.LazyFunction(lambda: TODAY - datetime.timedelta(days=10))
    instrument = "course_test"
    reading = "A2.1"
    listening = "A2.2"
    speaking = "A2.1"
    writing = "A1.3"


class SkillAssessmentFactory(AuditedFactory):
    class Meta:
        model = SkillAssessment

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    occupation = factory.LazyFunction(lambda: occupation("9112"))
    level = 2
    years_experience = Decimal("3.0")
    evidence = "work_history"
    assessed_on = factory.LazyFunction(lambda: TODAY - datetime.timedelta(days=10))


class TrainingFactory(AuditedFactory):
    class Meta:
        model = Training

    licence_type = factory.LazyFunction(lambda: licence_type("occupational_safety"))
    municipality = factory.LazyFunction(lambda: municipality("182"))
    provider = "Gradia"
    starts_on = factory.LazyFunction(lambda: TODAY + datetime.timedelta(days=10))
    ends_on = factory.LazyFunction(lambda: TODAY + datetime.timedelta(days=11))
    seats = 12
    language = "fi"


class EnrolmentFactory(AuditedFactory):
    class Meta:
        model = Enrolment

    training = factory.SubFactory(TrainingFactory)
    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    status = "enrolled"


class LicenceCardFactory(AuditedFactory):
    class Meta:
        model = LicenceCard

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    licence_type = factory.LazyFunction(lambda: licence_type("hygiene_passport"))
    issued_on = factory.LazyFunction(lambda: TODAY - datetime.timedelta(days=60))
    valid_until = None
    card_number = factory.Sequence(lambda n: f"C-{n:06d}")


_BUSINESS_IDS = ["0112038-9", "1572860-0", "2331972-7"]


def _business_id(n: int) -> str:
    """A valid Y-tunnus for every n (seven digits with the mod-11 check digit)."""
    weights = (7, 9, 10, 5, 8, 4, 2)
    base = 3000000 + n * 7
    while True:
        digits = f"{base:07d}"
        remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 1:
            check = 0 if remainder == 0 else 11 - remainder
            return f"{digits}-{check}"
        base += 1


class EmployerFactory(AuditedFactory):
    class Meta:
        model = Employer

    business_id = factory.Sequence(_business_id)
    name = factory.Faker("company")
    municipality = factory.LazyFunction(lambda: municipality("182"))
    industry = "cleaning"


class VacancyFactory(AuditedFactory):
    class Meta:
        model = Vacancy

    employer = factory.SubFactory(EmployerFactory)
    municipality = factory.SelfAttribute("employer.municipality")
    title = "Cleaner"
    occupation = factory.LazyFunction(lambda: occupation("9112"))
    language = "fi"
    language_requirements = factory.LazyFunction(lambda: {"speaking": "A2.1"})
    starts_on = factory.LazyFunction(lambda: TODAY + datetime.timedelta(days=30))
    positions = 2
    status = "open"


class MatchFactory(AuditedFactory):
    class Meta:
        model = Match

    vacancy = factory.SubFactory(VacancyFactory)
    # only an active or job-seeking participant can be proposed (docs/domain.md Match)
    participant = factory.SubFactory(ParticipantFactory, status="active")
    municipality = factory.SelfAttribute("participant.municipality")
    employer = factory.SelfAttribute("vacancy.employer")
    score = 70
    status = "proposed"


class OutcomeFactory(AuditedFactory):
    class Meta:
        model = Outcome

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    kind = "employment"
    contract_type = "fixed_term"
    hours_per_week = Decimal("30.0")
    starts_on = factory.LazyFunction(lambda: TODAY - datetime.timedelta(days=5))


# Plans (DESIGN §10) -------------------------------------------------------------------------------


class ServiceNeedsAssessmentFactory(AuditedFactory):
    """A started assessment; ``completed=True`` answers every item and completes it."""

    class Meta:
        model = ServiceNeedsAssessment

    class Params:
        completed = factory.Trait(
            literacy="Reads and writes Arabic; Latin script learned.",
            language_skills="Finnish A1.3 by the counsellor's estimate.",
            study_and_work_skills="Used to classroom study.",
            service_needs_and_goals="Work in cleaning, later a vocational qualification.",
            education_and_work_history="Upper secondary school; five years in a hotel.",
            strengths="Customer service, languages.",
            life_situation="Two children in day care.",
            other_needs="None found.",
            plan_needed=True,
            informed_on=factory.SelfAttribute("started_on"),
            completed_on=factory.SelfAttribute("started_on"),
        )

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    started_on = factory.LazyFunction(lambda: TODAY - datetime.timedelta(days=40))
    language_used = "ar"
    interpreter_used = True


def plan_goals() -> list[dict]:
    return [
        {"horizon": "long_term", "kind": "employment", "text": "Work as a cleaner.",
         "achieved_on": None},
        {"horizon": "period", "kind": "language", "text": "Finnish A2.1.", "achieved_on": None},
    ]  # fmt: skip


def plan_services() -> list[dict]:
    return [
        {
            "kind": "integration_training",
            "description": "Integration training, Finnish",
            "provider": "Gradia",
            "starts_on": (TODAY + datetime.timedelta(days=20)).isoformat(),
            "ends_on": (TODAY + datetime.timedelta(days=200)).isoformat(),
            "hours": 700,
            "justification": "Finnish is needed for the employment goal.",
            "referred_on": None,
            "completed_on": None,
        }
    ]


class PlanFactory(AuditedFactory):
    """A draft integration plan that would pass every agree rule (given a completed assessment
    with ``plan_needed``). Agreed plans in tests go through ``plans.services``."""

    class Meta:
        model = Plan

    class Params:
        agreed = factory.Trait(status="agreed", agreed_on=factory.SelfAttribute("starts_on"))

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    kind = "integration"
    status = "draft"
    starts_on = factory.LazyFunction(lambda: TODAY)
    ends_on = factory.LazyFunction(lambda: TODAY + datetime.timedelta(days=300))
    goals = factory.LazyFunction(plan_goals)
    services = factory.LazyFunction(plan_services)
    follow_up = "Monthly meeting with the counsellor."
    rights_explained = True
    unreferred_services = factory.LazyAttribute(
        lambda plan: sum(1 for service in plan.services if not service.get("referred_on"))
    )


class PlanReviewFactory(AuditedFactory):
    class Meta:
        model = PlanReview

    plan = factory.SubFactory(PlanFactory)
    participant = factory.SelfAttribute("plan.participant")
    municipality = factory.SelfAttribute("plan.municipality")
    reviewed_on = factory.LazyFunction(lambda: TODAY - datetime.timedelta(days=5))
    summary = "Integration training started; goals unchanged."


class AppointmentFactory(AuditedFactory):
    class Meta:
        model = Appointment

    participant = factory.SubFactory(ParticipantFactory)
    municipality = factory.SelfAttribute("participant.municipality")
    kind = "initial_interview"
    starts_at = factory.LazyFunction(
        lambda: datetime.datetime.combine(
            TODAY + datetime.timedelta(days=3), datetime.time(9, 0), tzinfo=datetime.UTC
        )
    )
    channel = "in_person"
    status = "planned"
    summary = ""
