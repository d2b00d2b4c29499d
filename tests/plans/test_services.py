"""The plans services besides agreeing: assessments, plan edits by status, reviews, appointments.
Each write leaves one history row with its actor and reason; a refused write changes nothing."""

import datetime

import pytest
from django.utils import timezone

from core.errors import (
    Conflict,
    ConflictWithErrors,
    InvalidTransition,
    PreconditionFailed,
    ValidationFailed,
)
from core.validation import today
from plans import services
from plans.models import Appointment, Plan, ServiceNeedsAssessment
from tests import factories

DAY = datetime.timedelta(days=1)


@pytest.fixture
def counsellor():
    return factories.counsellor("182")


def unchanged(instance):
    """A context check: the row and its history are as before."""
    fresh = type(instance).objects.get(pk=instance.pk)
    return fresh.version, type(instance).history.filter(id=instance.pk).count()


# Assessments --------------------------------------------------------------------------------------


def test_completing_an_assessment_names_every_missing_item(counsellor):
    assessment = factories.ServiceNeedsAssessmentFactory(literacy="Reads Latin script.")
    before = unchanged(assessment)

    with pytest.raises(ValidationFailed) as raised:
        services.service_needs_assessment_update(
            actor=counsellor, assessment=assessment, data={"completed_on": today()}
        )

    assert set(raised.value.errors) == {
        *(item for item in ServiceNeedsAssessment.ITEMS if item != "literacy"),
        "plan_needed",
        "informed_on",
    }
    assert unchanged(assessment) == before


def test_a_fully_answered_assessment_completes_with_history(counsellor):
    person = factories.ParticipantFactory()
    answers = {item: f"Answer to {item}" for item in ServiceNeedsAssessment.ITEMS}

    assessment = services.service_needs_assessment_create(
        actor=counsellor,
        participant=person,
        data={
            **answers,
            "started_on": today() - DAY,
            "completed_on": today(),
            "plan_needed": True,
            "informed_on": today(),
            "further_steps": ["language_test", "prior_learning", "language_test"],
            "language_used": "ar",
        },
    )

    assert assessment.completed_on == today()
    assert assessment.municipality_id == person.municipality_id
    assert assessment.further_steps == ["prior_learning", "language_test"]
    row = assessment.history.get()
    assert (row.history_user, row.history_change_reason) == (
        counsellor,
        "service-needs assessment completed",
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"further_steps": ["astrology"]}, "further_steps"),
        ({"language_used": "xx"}, "language_used"),
        ({"started_on": today() + DAY}, "started_on"),
    ],
)
def test_assessment_input_is_checked(counsellor, data, field):
    with pytest.raises(ValidationFailed) as raised:
        services.service_needs_assessment_create(
            actor=counsellor, participant=factories.ParticipantFactory(), data=data
        )
    assert field in raised.value.errors
    assert not ServiceNeedsAssessment.objects.exists()


# Plans: what each status lets change ---------------------------------------------------------------


def agreed_plan(counsellor):
    person = factories.ParticipantFactory()
    factories.ServiceNeedsAssessmentFactory(participant=person, completed=True)
    plan = factories.PlanFactory(participant=person)
    return services.plan_transition(actor=counsellor, plan=plan, to="agreed")


def test_a_draft_changes_freely_and_lists_are_replaced_whole(counsellor):
    plan = factories.PlanFactory()
    services_list = [
        {"kind": "guidance", "description": "Career guidance", "justification": "Goal 1"},
    ]

    updated = services.plan_update(
        actor=counsellor,
        plan=plan,
        data={"services": services_list, "follow_up": "Weekly", "county_participates": True},
        expected_version=1,
    )

    assert [s["kind"] for s in updated.services] == ["guidance"]
    assert updated.services[0]["referred_on"] is None
    assert (updated.follow_up, updated.county_participates, updated.version) == ("Weekly", True, 2)
    assert updated.unreferred_services == 1


def test_plan_shapes_are_checked_per_entry(counsellor):
    plan = factories.PlanFactory()
    before = unchanged(plan)

    with pytest.raises(ValidationFailed) as raised:
        services.plan_update(
            actor=counsellor,
            plan=plan,
            data={
                "goals": [{"horizon": "soon", "kind": "employment", "text": ""}],
                "services": [{"kind": "guidance", "description": "x", "referred_on": "tomorrow"}],
                "extensions": [{"reason_code": "because"}],
                "job_search_obligation": {"applications": -1},
            },
        )

    assert set(raised.value.errors) == {
        "goals.0.horizon",
        "goals.0.text",
        "services.0.referred_on",
        "extensions.0.until",
        "extensions.0.reason_code",
        "job_search_obligation.applications",
    }
    assert unchanged(plan) == before


def test_an_agreed_plan_records_referrals_and_achievements(counsellor):
    plan = agreed_plan(counsellor)
    referred = [{**plan.services[0], "referred_on": today().isoformat()}]
    achieved = [{**plan.goals[0], "achieved_on": today().isoformat()}, plan.goals[1]]

    updated = services.plan_update(
        actor=counsellor,
        plan=plan,
        data={"services": referred, "goals": achieved, "ends_on": plan.ends_on - DAY},
        reason="client referred to integration training",
    )

    assert updated.unreferred_services == 0
    assert updated.goals[0]["achieved_on"] == today().isoformat()
    assert updated.history.latest("history_id").history_change_reason == (
        "client referred to integration training"
    )


@pytest.mark.parametrize(
    "change",
    [
        {"follow_up": "Something else"},
        {"rights_explained": False},
        {"goals": [{"horizon": "period", "kind": "other", "text": "New goal"}]},
        {"services": []},
    ],
)
def test_an_agreed_plan_refuses_other_changes(counsellor, change):
    plan = agreed_plan(counsellor)
    before = unchanged(plan)

    with pytest.raises(ConflictWithErrors) as raised:
        services.plan_update(actor=counsellor, plan=plan, data=change)

    assert raised.value.code == "plan_not_editable"
    assert set(raised.value.errors) == set(change)
    assert unchanged(plan) == before


def test_an_agreed_plans_new_end_is_checked_against_the_duration_rules(counsellor):
    plan = agreed_plan(counsellor)
    before = unchanged(plan)

    with pytest.raises(ConflictWithErrors) as raised:
        services.plan_update(
            actor=counsellor, plan=plan, data={"ends_on": plan.starts_on + 400 * DAY}
        )

    assert raised.value.code == "plan_incomplete"
    assert "ends_on" in raised.value.errors
    assert unchanged(plan) == before


def test_an_ended_plan_no_longer_changes(counsellor):
    plan = factories.PlanFactory()
    services.plan_transition(actor=counsellor, plan=plan, to="ended")

    with pytest.raises(Conflict) as raised:
        services.plan_update(actor=counsellor, plan=plan, data={"follow_up": "x"})
    assert raised.value.code == "plan_not_editable"


def test_a_stale_version_changes_nothing(counsellor):
    plan = factories.PlanFactory()

    with pytest.raises(PreconditionFailed):
        services.plan_update(
            actor=counsellor, plan=plan, data={"follow_up": "x"}, expected_version=7
        )
    assert Plan.objects.get(pk=plan.pk).follow_up == plan.follow_up


# Reviews ------------------------------------------------------------------------------------------


def test_an_agreed_plan_is_reviewed(counsellor):
    plan = agreed_plan(counsellor)

    review = services.plan_review_create(
        actor=counsellor, plan=plan, summary="On track.", client_requested=True
    )

    assert (review.reviewed_on, review.participant_id) == (today(), plan.participant_id)
    assert review.history.get().history_change_reason == "plan reviewed"


def test_a_draft_is_not_reviewed_and_a_review_does_not_precede_the_agreement(counsellor):
    with pytest.raises(Conflict) as raised:
        services.plan_review_create(
            actor=counsellor, plan=factories.PlanFactory(), summary="Too early."
        )
    assert raised.value.code == "plan_not_agreed"

    plan = agreed_plan(counsellor)
    with pytest.raises(ValidationFailed) as refused:
        services.plan_review_create(
            actor=counsellor, plan=plan, summary="x", reviewed_on=today() - DAY
        )
    assert set(refused.value.errors) == {"reviewed_on"}


# Appointments -------------------------------------------------------------------------------------


def test_an_appointment_takes_the_participants_interpreter_language(counsellor):
    person = factories.ParticipantFactory(interpreter_language="prs")

    appointment = services.appointment_create(
        actor=counsellor,
        participant=person,
        data={
            "kind": "initial_interview",
            "starts_at": timezone.now() + datetime.timedelta(days=2),
            "channel": "phone",
        },
    )

    assert (appointment.interpreter_language, appointment.status) == ("prs", "planned")


def test_only_a_past_appointment_is_held_or_missed(counsellor):
    future = factories.AppointmentFactory()
    past = factories.AppointmentFactory(starts_at=timezone.now() - datetime.timedelta(hours=1))

    with pytest.raises(InvalidTransition):
        services.appointment_transition(actor=counsellor, appointment=future, to="held")
    held = services.appointment_transition(actor=counsellor, appointment=past, to="held")
    cancelled = services.appointment_transition(
        actor=counsellor, appointment=future, to="cancelled", reason="client ill"
    )

    assert (held.status, cancelled.status) == ("held", "cancelled")
    assert cancelled.history.latest("history_id").history_change_reason == "client ill"
    with pytest.raises(InvalidTransition):
        services.appointment_transition(actor=counsellor, appointment=held, to="missed")


def test_a_closed_appointment_changes_only_its_summary(counsellor):
    appointment = factories.AppointmentFactory(status="held")

    updated = services.appointment_update(
        actor=counsellor, appointment=appointment, data={"summary": "Went well."}
    )
    assert updated.summary == "Went well."
    with pytest.raises(ConflictWithErrors) as raised:
        services.appointment_update(
            actor=counsellor, appointment=appointment, data={"channel": "video"}
        )
    assert set(raised.value.errors) == {"channel"}
    assert Appointment.objects.get(pk=appointment.pk).channel == "in_person"
