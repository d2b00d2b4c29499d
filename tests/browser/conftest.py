"""Fixtures for the dashboard pages: users of every kind, and participants in two
municipalities."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from casework.models import VacancyLicenceRequirement
from core import audit
from core.actors import system_actor
from tests import factories

TODAY = factories.TODAY
#: The password tests.factories.UserFactory gives every user.
PASSWORD = "secret-pass-123"


def _months_ago(months: int) -> datetime.date:
    first = TODAY.replace(day=1)
    index = first.year * 12 + first.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 10)


def dashboard_data() -> dict[str, Any]:
    """Twenty participants in Jämsä (182), enough that most figures are shown and a few small
    ones suppressed: enrolled in two months, fifteen assessed, ten with a card, six shared
    matches, six employed, an open vacancy that asks for a card nobody has. Three participants
    in Äänekoski (992). Users of every kind."""
    jamsa = factories.municipality("182")
    aanekoski = factories.municipality("992")
    statuses = ["job_seeking"] * 7 + ["active"] * 5 + ["in_education"] * 2 + ["employed"] * 6
    participants = [
        factories.ParticipantFactory(
            municipality=jamsa,
            status=status,
            enrolled_on=_months_ago(3 if index % 2 else 6),
        )
        for index, status in enumerate(statuses)
    ]
    for index, participant in enumerate(participants[:15]):
        factories.LanguageAssessmentFactory(
            participant=participant, reading="B1.1" if index < 7 else "A2.1"
        )
    for participant in participants[:10]:
        factories.LicenceCardFactory(participant=participant)
    vacancy = factories.VacancyFactory(positions=6)
    audit.create(
        VacancyLicenceRequirement(
            vacancy=vacancy, licence_type=factories.licence_type("occupational_safety")
        ),
        actor=system_actor(),
        reason="test data",
    )
    for participant in participants[:6]:
        factories.MatchFactory(
            vacancy=vacancy, participant=participant, status="shared", reached_shared_on=TODAY
        )
    for participant in participants[14:]:
        factories.OutcomeFactory(participant=participant)
    for _ in range(3):
        factories.ParticipantFactory(municipality=aanekoski, status="active")
    return dashboard_users()


def dashboard_users() -> dict[str, Any]:
    """A manager, a counsellor of Jämsä, a manager of Äänekoski, the pilot-wide coordinator, an
    employer user and an admin."""
    return {
        "manager": factories.manager("182", username="manager.jamsa"),
        "counsellor": factories.counsellor("182", username="counsellor.jamsa"),
        "other_manager": factories.manager("992", username="manager.aanekoski"),
        "coordinator": factories.coordinator(username="coordinator"),
        "employer": factories.employer_user(username="employer1"),
        "admin": factories.admin_user(),
    }


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def users() -> dict[str, Any]:
    """The users only: enough for who-may-open-what."""
    return dashboard_users()


@pytest.fixture
def populated() -> dict[str, Any]:
    """The participants of ``dashboard_data`` and the users."""
    return dashboard_data()
