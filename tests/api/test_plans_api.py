"""The plans resources over HTTP (docs/domain.md#plans-appointments-and-the-worklist): service-needs assessments, plans with their
transitions and reviews, appointments. History and the read-access log follow every write and
read; a refused write changes nothing."""

import datetime

import pytest
from django.utils import timezone

from core.models import AccessEvent
from plans.models import Appointment, Plan, PlanReview, ServiceNeedsAssessment
from tests import factories
from tests.api.conftest import client_for, snapshot

TODAY = factories.TODAY
DAY = datetime.timedelta(days=1)
PLAN_MODELS = (ServiceNeedsAssessment, Plan, PlanReview, Appointment)


@pytest.fixture
def person(counsellor):
    return factories.ParticipantFactory(counsellor=counsellor)


def etag(response):
    return response["ETag"]


def logged(action):
    return AccessEvent.objects.filter(action=action).count()


# Service-needs assessments ------------------------------------------------------------------------


def test_completing_an_assessment_answers_400_naming_each_missing_field(api, person):
    # given
    created = api.post(
        "/api/v1/service-needs-assessments/",
        {"participant": str(person.uuid), "literacy": "Reads Latin script."},
        format="json",
    )
    assert created.status_code == 201, created.content
    before = snapshot(PLAN_MODELS)

    # when
    response = api.patch(
        f"/api/v1/service-needs-assessments/{created.json()['id']}/",
        {"completed_on": TODAY.isoformat()},
        format="json",
        HTTP_IF_MATCH=etag(created),
    )

    # then
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert set(body["errors"]) == {
        "language_skills",
        "study_and_work_skills",
        "service_needs_and_goals",
        "education_and_work_history",
        "strengths",
        "life_situation",
        "other_needs",
        "plan_needed",
        "informed_on",
    }
    assert snapshot(PLAN_MODELS) == before


def test_an_answered_assessment_completes_and_is_read_with_the_access_log(api, person):
    answers = {item: "Answered." for item in ServiceNeedsAssessment.ITEMS}
    created = api.post(
        "/api/v1/service-needs-assessments/",
        {"participant": str(person.uuid), **answers, "plan_needed": True},
        format="json",
    ).json()

    response = api.patch(
        f"/api/v1/service-needs-assessments/{created['id']}/",
        {"completed_on": TODAY.isoformat(), "informed_on": TODAY.isoformat()},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    listed = api.get("/api/v1/service-needs-assessments/", {"participant": str(person.uuid)})

    assert response.status_code == 200, response.content
    assert (response.json()["completed_on"], response["ETag"]) == (TODAY.isoformat(), '"2"')
    assert [row["id"] for row in listed.json()["results"]] == [created["id"]]
    assert logged("service_needs_assessments:list") == 1
    row = ServiceNeedsAssessment.history.filter(uuid=created["id"]).latest("history_id")
    assert row.history_change_reason == "service-needs assessment completed"


# Plans --------------------------------------------------------------------------------------------


def plan_body(person, **fields):
    return {
        "participant": str(person.uuid),
        "kind": "integration",
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + 300 * DAY).isoformat(),
        "goals": [
            {"horizon": "long_term", "kind": "employment", "text": "Work as a cleaner."},
            {"horizon": "period", "kind": "language", "text": "Finnish A2.1."},
        ],
        "services": [
            {
                "kind": "integration_training",
                "description": "Integration training",
                "provider": "Gradia",
                "hours": 700,
                "justification": "Finnish is needed for the employment goal.",
            }
        ],
        "rights_explained": True,
        **fields,
    }


def test_agreeing_an_incomplete_plan_answers_409_with_errors_per_field(api, person):
    # given: no assessment, an unjustified service
    body = plan_body(person)
    body["services"][0]["justification"] = ""
    created = api.post("/api/v1/plans/", body, format="json")
    assert created.status_code == 201, created.content
    before = snapshot(PLAN_MODELS)

    # when
    response = api.post(
        f"/api/v1/plans/{created.json()['id']}/transition/", {"to": "agreed"}, format="json"
    )

    # then
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "plan_incomplete"
    assert set(body["errors"]) == {"services.0.justification", "service_needs_assessment"}
    assert snapshot(PLAN_MODELS) == before


def test_a_plan_is_drafted_agreed_referred_and_reviewed(api, person, counsellor):
    factories.ServiceNeedsAssessmentFactory(participant=person, completed=True)
    created = api.post("/api/v1/plans/", plan_body(person), format="json").json()
    assert (created["status"], created["warnings"]) == ("draft", [])
    assert created["services"][0]["referred_on"] is None

    agreed = api.post(
        f"/api/v1/plans/{created['id']}/transition/",
        {"to": "agreed", "reason": "agreed with the client"},
        format="json",
    )
    assert agreed.status_code == 200, agreed.content
    assert (agreed.json()["status"], agreed.json()["agreed_on"]) == ("agreed", TODAY.isoformat())

    services = [{**agreed.json()["services"][0], "referred_on": TODAY.isoformat()}]
    referred = api.patch(
        f"/api/v1/plans/{created['id']}/",
        {"services": services},
        format="json",
        HTTP_IF_MATCH=etag(agreed),
    )
    assert referred.status_code == 200, referred.content
    assert Plan.objects.get(uuid=created["id"]).unreferred_services == 0

    review = api.post(
        f"/api/v1/plans/{created['id']}/reviews/",
        {"summary": "Training started.", "client_requested": True},
        format="json",
    )
    reviews = api.get(f"/api/v1/plans/{created['id']}/reviews/")
    assert review.status_code == 201, review.content
    assert [r["id"] for r in reviews.json()["results"]] == [review.json()["id"]]
    assert logged("plans:reviews") == 1

    history = api.get(f"/api/v1/participants/{person.uuid}/history/").json()["results"]
    plan_rows = [entry for entry in history if entry["object"] == f"plan:{created['id']}"]
    assert [(e["action"], e["reason"], e["user"]) for e in plan_rows] == [
        ("changed", "plan changed", counsellor.username),
        ("changed", "agreed with the client", counsellor.username),
        ("created", "integration plan drafted", counsellor.username),
    ]
    assert any(entry["object"].startswith("plan_review:") for entry in history)


def test_an_agreed_plan_refuses_other_changes_with_409_naming_them(api, person):
    plan = factories.PlanFactory(participant=person, agreed=True)
    before = snapshot(PLAN_MODELS)

    response = api.patch(
        f"/api/v1/plans/{plan.uuid}/",
        {"follow_up": "Weekly", "ends_on": (TODAY + 100 * DAY).isoformat()},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 409
    assert response.json()["code"] == "plan_not_editable"
    assert set(response.json()["errors"]) == {"follow_up"}
    assert snapshot(PLAN_MODELS) == before


def test_a_plan_patch_needs_if_match(api, person):
    plan = factories.PlanFactory(participant=person)

    missing = api.patch(f"/api/v1/plans/{plan.uuid}/", {"follow_up": "x"}, format="json")
    stale = api.patch(
        f"/api/v1/plans/{plan.uuid}/", {"follow_up": "x"}, format="json", HTTP_IF_MATCH='"9"'
    )

    assert (missing.status_code, stale.status_code) == (428, 412)
    assert Plan.objects.get(pk=plan.pk).version == 1


def test_a_plan_of_another_municipality_is_not_found(api):
    plan = factories.PlanFactory(participant__municipality=factories.municipality("992"))

    assert api.get(f"/api/v1/plans/{plan.uuid}/").status_code == 404
    assert api.get("/api/v1/plans/").json()["count"] == 0
    refused = api.post(f"/api/v1/plans/{plan.uuid}/transition/", {"to": "ended"}, format="json")
    assert refused.status_code == 404
    assert Plan.objects.get(pk=plan.pk).status == "draft"


# Appointments -------------------------------------------------------------------------------------


def test_an_appointment_is_booked_held_and_summarised(api, person):
    booked = api.post(
        "/api/v1/appointments/",
        {
            "participant": str(person.uuid),
            "kind": "initial_interview",
            "starts_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
            "channel": "video",
            "interpreter_language": "ar",
        },
        format="json",
    )
    assert booked.status_code == 201, booked.content
    appointment_id = booked.json()["id"]

    held = api.post(
        f"/api/v1/appointments/{appointment_id}/transition/",
        {"to": "held", "reason": "interview done"},
        format="json",
    )
    again = api.post(
        f"/api/v1/appointments/{appointment_id}/transition/", {"to": "missed"}, format="json"
    )
    summary = api.patch(
        f"/api/v1/appointments/{appointment_id}/",
        {"summary": "Discussed the plan."},
        format="json",
        HTTP_IF_MATCH=etag(held),
    )

    assert held.status_code == 200 and held.json()["status"] == "held"
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")
    assert summary.status_code == 200 and summary.json()["summary"] == "Discussed the plan."
    reasons = list(
        Appointment.history.filter(uuid=appointment_id)
        .order_by("history_id")
        .values_list("history_change_reason", flat=True)
    )
    assert reasons == ["initial_interview booked", "interview done", "appointment changed"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"interpreter_language": "zz"}, "interpreter_language"),
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"starts_at": "tomorrow"}, "starts_at"),
    ],
)
def test_appointment_input_is_checked(api, person, body, field):
    before = snapshot(PLAN_MODELS)
    payload = {
        "participant": str(person.uuid),
        "kind": "guidance",
        "starts_at": timezone.now().isoformat(),
        "channel": "phone",
        **body,
    }

    response = api.post("/api/v1/appointments/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert snapshot(PLAN_MODELS) == before


def test_managers_and_employers_may_not_read_plans(person):
    factories.PlanFactory(participant=person)
    for user in (factories.manager("182"), factories.coordinator(), factories.employer_user()):
        response = client_for(user).get("/api/v1/plans/")
        assert response.status_code == 403


def test_a_retried_review_is_replayed_not_recorded_twice(api, person):
    plan = factories.PlanFactory(participant=person, agreed=True)
    path = f"/api/v1/plans/{plan.uuid}/reviews/"
    body = {"summary": "On track."}

    first = api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="review-1")
    retry = api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="review-1")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == first.json()["id"]
    assert PlanReview.objects.filter(plan=plan).count() == 1
    assert logged("plans:reviews") == 1  # the replay re-reads the review
