"""Covers (DESIGN §3, docs/access.md): an audited per-participant grant to a counsellor of
another municipality, given with an end date through one service (or the admin), that lapses
by itself after ``ends_on`` without anyone acting."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from casework.models import ParticipantCover
from casework.services import participant_cover_grant
from core.actors import system_actor
from core.errors import ValidationFailed
from tests import factories
from tests.api.conftest import bearer_client


@pytest.fixture
def colleague():
    """A counsellor of Jämsä who covers for someone in Äänekoski."""
    return factories.counsellor("182")


@pytest.fixture
def participant():
    return factories.ParticipantFactory(municipality=factories.municipality("992"))


def _detail(user, participant):
    return bearer_client(user).get(f"/api/v1/participants/{participant.uuid}/").status_code


def test_a_cover_ends_after_its_last_day_without_anyone_acting(colleague, participant):
    # given a cover that ends today
    today = timezone.localdate()
    participant_cover_grant(
        actor=system_actor(), participant=participant, user=colleague, ends_on=today
    )

    # when the colleague reads the participant today, and again the next morning
    covered_today = _detail(colleague, participant)
    next_morning = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(8, 0))
    )
    with time_machine.travel(next_morning, tick=False):
        next_day = _detail(colleague, participant)

    # then the cover served its last day and nothing else
    assert covered_today == 200
    assert next_day == 404
    cover = ParticipantCover.objects.get()
    assert cover.is_active  # nobody acted: the end date alone ended the access


def test_a_cover_names_its_reason_and_actor_in_the_history(colleague, participant):
    actor = factories.admin_user()

    cover = participant_cover_grant(
        actor=actor,
        participant=participant,
        user=colleague,
        ends_on=timezone.localdate() + datetime.timedelta(days=30),
        reason="holiday cover for K. Virtanen",
    )

    record = cover.history.get()
    assert record.history_user == actor
    assert record.history_change_reason == "holiday cover for K. Virtanen"


@pytest.mark.parametrize("case", ["ends_in_the_past", "not_a_counsellor"])
def test_a_refused_cover_changes_nothing(colleague, participant, case):
    # given
    user, ends_on = colleague, timezone.localdate() - datetime.timedelta(days=1)
    if case == "not_a_counsellor":
        user, ends_on = factories.manager("182"), None
    before = (ParticipantCover.objects.count(), ParticipantCover.history.count())

    # when
    with pytest.raises(ValidationFailed) as refused:
        participant_cover_grant(
            actor=system_actor(), participant=participant, user=user, ends_on=ends_on
        )

    # then
    field = "ends_on" if case == "ends_in_the_past" else "user"
    assert field in refused.value.errors
    assert (ParticipantCover.objects.count(), ParticipantCover.history.count()) == before
    assert _detail(user, participant) in (403, 404)


def test_the_admin_grants_a_cover_through_the_service(client, colleague, participant):
    # given
    admin = factories.admin_user()
    client.force_login(admin)
    ends_on = timezone.localdate() + datetime.timedelta(days=14)

    # when
    response = client.post(
        "/admin/casework/participantcover/add/",
        {"participant": participant.pk, "user": colleague.pk, "ends_on": ends_on.isoformat()},
    )

    # then the cover exists, with the admin in its history, and the colleague can read
    assert response.status_code == 302, response.content[:2000]
    cover = ParticipantCover.objects.get()
    assert (cover.user, cover.ends_on, cover.municipality_id) == (
        colleague,
        ends_on,
        participant.municipality_id,
    )
    assert cover.history.get().history_user == admin
    assert _detail(colleague, participant) == 200
