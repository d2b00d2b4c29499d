"""Plans and appointments in the workspace: draft and agree a plan (every agree rule is the
service's; a refusal lists what is missing and changes nothing), book and record an appointment."""

from __future__ import annotations

import datetime
import re

import pytest

from plans.models import Appointment, Plan
from tests import factories


@pytest.fixture
def counsellor():
    return factories.counsellor("182", username="counsellor.jamsa")


@pytest.fixture
def participant():
    participant = factories.ParticipantFactory(status="job_seeking", first_name="Amina")
    factories.ServiceNeedsAssessmentFactory(participant=participant, completed=True)
    return participant


def token(response) -> str:
    return re.search(r'name="form_token" value="([0-9a-f]{32})"', response.content.decode())[1]


def draft(client, participant, **changes) -> Plan:
    path = f"/workspace/participants/{participant.uuid}/plans/new/"
    data = {
        "form_token": token(client.get(path)),
        "kind": "integration",
        "starts_on": factories.TODAY.isoformat(),
        "ends_on": (factories.TODAY + datetime.timedelta(days=300)).isoformat(),
        "goal_kind": "employment",
        "goal_text": "Work as a cleaner.",
        "period_goal_kind": "language",
        "period_goal_text": "Finnish A2.1.",
        "service_kind": "integration_training",
        "service_description": "Integration training, Finnish",
        "service_provider": "Gradia",
        "service_justification": "Finnish is needed for the employment goal.",
        "follow_up": "Monthly meeting.",
        "rights_explained": "on",
        **changes,
    }
    response = client.post(path, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Plan.objects.filter(participant=participant).latest("id")


def test_draft_and_agree_a_plan(client, counsellor, participant):
    client.force_login(counsellor)
    plan = draft(client, participant)
    page = client.get(f"/workspace/participants/{participant.uuid}/")

    response = client.post(
        f"/workspace/plans/{plan.uuid}/transition/",
        {"form_token": token(page), "to": "agreed", "version": plan.version},
        follow=True,
    )

    plan.refresh_from_db()
    assert plan.status == "agreed", response.content.decode().split('class="messages"')[1][:800]
    assert plan.history.latest("history_id").history_user == counsellor
    assert "The plan was agreed." in response.content.decode()


def test_an_incomplete_plan_is_not_agreed_and_says_why(client, counsellor, participant):
    client.force_login(counsellor)
    plan = draft(client, participant, rights_explained="", service_justification="")
    page = client.get(f"/workspace/participants/{participant.uuid}/")
    rows = plan.history.count()

    response = client.post(
        f"/workspace/plans/{plan.uuid}/transition/",
        {"form_token": token(page), "to": "agreed", "version": plan.version},
        follow=True,
    )

    plan.refresh_from_db()
    assert plan.status == "draft"
    assert plan.history.count() == rows
    assert "rights_explained" in response.content.decode()


def test_book_and_record_an_appointment(client, counsellor, participant):
    client.force_login(counsellor)
    path = f"/workspace/participants/{participant.uuid}/appointments/new/"
    yesterday = factories.TODAY - datetime.timedelta(days=1)

    booked = client.post(
        path,
        {
            "form_token": token(client.get(path)),
            "kind": "initial_interview",
            "starts_at": f"{yesterday.isoformat()}T10:00",
            "channel": "in_person",
            "interpreter_language": "ar",
        },
    )
    appointment = Appointment.objects.get(participant=participant)
    page = client.get(f"/workspace/participants/{participant.uuid}/")
    recorded = client.post(
        f"/workspace/appointments/{appointment.uuid}/record/",
        {
            "form_token": token(page),
            "to": "held",
            "summary": "Mapped work history.",
            "version": appointment.version,
        },
    )

    appointment.refresh_from_db()
    assert booked.status_code == recorded.status_code == 302
    assert appointment.status == "held"
    assert appointment.summary == "Mapped work history."
    assert appointment.history.latest("history_id").history_user == counsellor


def test_a_future_appointment_cannot_be_held_and_nothing_changes(client, counsellor, participant):
    appointment = factories.AppointmentFactory(participant=participant)
    client.force_login(counsellor)
    page = client.get(f"/workspace/participants/{participant.uuid}/")

    client.post(
        f"/workspace/appointments/{appointment.uuid}/record/",
        {
            "form_token": token(page),
            "to": "held",
            "summary": "Too early.",
            "version": appointment.version,
        },
    )

    appointment.refresh_from_db()
    assert appointment.status == "planned"
    assert appointment.summary == ""
