"""Caseload (docs/domain.md#plans-appointments-and-the-worklist): the participant's plan fields, ``participants/reassign/`` (all or
nothing, one history row per participant) and ``participants/?counsellor=none``."""

import pytest

from casework.models import Participant
from tests import factories
from tests.api.conftest import client_for, snapshot

REASSIGN = "/api/v1/participants/reassign/"


@pytest.fixture
def colleague():
    return factories.counsellor("182", username="counsellor.jamsa2")


def caseload(counsellor, n=3, **fields):
    return factories.ParticipantFactory.create_batch(n, counsellor=counsellor, **fields)


# The participant's new fields ---------------------------------------------------------------------


def test_the_plan_fields_are_written_read_and_kept_in_history(api, counsellor):
    participant = factories.ParticipantFactory(counsellor=counsellor)

    response = api.patch(
        f"/api/v1/participants/{participant.uuid}/",
        {
            "first_permit_on": "2025-01-15",
            "job_seeker_since": "2025-02-01",
            "service_language": "sv",
            "interpreter_language": "prs",
        },
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["first_permit_on"], body["job_seeker_since"]) == ("2025-01-15", "2025-02-01")
    assert (body["service_language"], body["interpreter_language"]) == ("sv", "prs")
    listed = api.get("/api/v1/participants/").json()["results"][0]
    assert listed["interpreter_language"] == "prs"
    history = api.get(f"/api/v1/participants/{participant.uuid}/history/").json()["results"]
    changed = {change["field"] for change in history[0]["changes"]}
    assert {"first_permit_on", "job_seeker_since", "service_language"} <= changed


def test_a_new_participant_is_served_in_finnish_without_an_interpreter(api):
    response = api.post(
        "/api/v1/participants/",
        {
            "municipality": "182",
            "first_name": "Amina",
            "last_name": "Haddad",
            "date_of_birth": "1990-03-15",
            "gender": "female",
            "labour_market_status": "unemployed",
            "first_permit_on": "2024-06-01",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["service_language"], body["interpreter_language"]) == ("fi", None)
    assert body["first_permit_on"] == "2024-06-01"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"service_language": "en"}, "service_language"),
        ({"interpreter_language": "qq"}, "interpreter_language"),
        ({"first_permit_on": "2999-01-01"}, "first_permit_on"),
        ({"job_seeker_since": "1900-01-01"}, "job_seeker_since"),  # before the birth
    ],
)
def test_the_plan_fields_are_checked(api, counsellor, change, field):
    participant = factories.ParticipantFactory(counsellor=counsellor)

    response = api.patch(
        f"/api/v1/participants/{participant.uuid}/", change, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Participant.objects.get(pk=participant.pk).version == 1


# Reassignment -------------------------------------------------------------------------------------


def test_reassign_moves_every_participant_with_one_history_row_each(api, counsellor, colleague):
    moved = caseload(counsellor)
    already = factories.ParticipantFactory(counsellor=colleague)

    response = api.post(
        REASSIGN,
        {
            "participants": [str(p.uuid) for p in [*moved, already]],
            "to": colleague.username,
            "reason": "counsellor on parental leave",
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert (response.json()["changed"], response.json()["counsellor"]) == (3, colleague.username)
    for participant in moved:
        fresh = Participant.objects.get(pk=participant.pk)
        assert (fresh.counsellor, fresh.version) == (colleague, 2)
        latest = fresh.history.latest("history_id")
        assert (latest.history_user.username, latest.history_change_reason) == (
            counsellor.username,
            "counsellor on parental leave",
        )
    assert Participant.objects.get(pk=already.pk).version == 1


def test_reassign_to_nobody_leaves_them_in_the_unassigned_list(api, counsellor):
    moved = caseload(counsellor, 2)
    caseload(counsellor, 1)

    response = api.post(
        REASSIGN,
        {"participants": [str(p.uuid) for p in moved], "to": None, "reason": "left the team"},
        format="json",
    )
    unassigned = api.get("/api/v1/participants/", {"counsellor": "none"}).json()["results"]

    assert response.status_code == 200, response.content
    assert {row["id"] for row in unassigned} == {str(p.uuid) for p in moved}


@pytest.mark.parametrize(
    "case", ["participant elsewhere", "target elsewhere", "target unknown", "no reason"]
)
def test_a_refused_reassignment_changes_nothing(api, counsellor, colleague, case):
    # given
    participants = caseload(counsellor, 2)
    body = {
        "participants": [str(p.uuid) for p in participants],
        "to": colleague.username,
        "reason": "rebalancing",
    }
    expected_field = "to"
    if case == "participant elsewhere":
        other = factories.ParticipantFactory(municipality=factories.municipality("992"))
        body["participants"].append(str(other.uuid))
        expected_field = "participants.2"
    elif case == "target elsewhere":
        body["to"] = factories.counsellor("992", username="counsellor.aanekoski").username
    elif case == "target unknown":
        body["to"] = "nobody.here"
    else:
        body["reason"] = "  "
        expected_field = "reason"
    before = snapshot((Participant,))

    # when
    response = api.post(REASSIGN, body, format="json")

    # then
    assert response.status_code == 400, response.content
    assert expected_field in response.json()["errors"]
    assert snapshot((Participant,)) == before


@pytest.mark.parametrize("role", ["manager", "coordinator", "employer"])
def test_only_counsellors_reassign(role, counsellor, colleague):
    participant = factories.ParticipantFactory(counsellor=counsellor)
    user = {
        "manager": lambda: factories.manager("182"),
        "coordinator": factories.coordinator,
        "employer": factories.employer_user,
    }[role]()

    response = client_for(user).post(
        REASSIGN,
        {"participants": [str(participant.uuid)], "to": colleague.username, "reason": "x"},
        format="json",
    )

    assert response.status_code == 403
    assert Participant.objects.get(pk=participant.pk).counsellor == counsellor
