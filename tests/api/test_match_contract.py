"""Matches keep their score, explanation and reasons (docs/domain.md Match, issue 9 items 1, 2
and 4): the score and explanation are the matching service's, only active or job-seeking
participants are proposed, no transition erases an earlier reason, and the hire that fills the
last position fills the vacancy."""

import datetime

import pytest

from casework.models import Match, Outcome, Participant, Vacancy
from tests import factories
from tests.api.conftest import TODAY, bearer_client, client_for, iso, proposable, snapshot

DAY = datetime.timedelta(days=1)


def _ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def _candidate(world):
    """An active participant of Jämsä who meets the vacancy's language requirement."""
    person = factories.ParticipantFactory(
        municipality=world.participant.municipality, status="active"
    )
    factories.LanguageAssessmentFactory(participant=person, speaking="B1.1")
    factories.SkillAssessmentFactory(participant=person)
    factories.ConsentFactory(participant=person)
    return person


def _propose(api, world, person, **extra):
    body = {"vacancy": str(world.vacancy2.uuid), "participant": str(person.uuid), **extra}
    return api.post("/api/v1/matches/", body, format="json")


def test_a_proposed_match_stores_the_candidate_suggestion_for_the_pair(world, api):
    # given the pair as the vacancy's candidates rank it
    person = _candidate(world)
    page = _ok(api.get(f"/api/v1/vacancies/{world.vacancy2.uuid}/candidates/"))
    [suggestion] = [s for s in page["results"] if s["participant"] == str(person.uuid)]

    # when the counsellor proposes it, trying to set the score and explanation too
    match = _ok(_propose(api, world, person, score=100, explanation={"criteria": []}), 201)

    # then the match carries the suggestion's score and explanation, not the caller's
    assert match["score"] == suggestion["score"]
    assert match["explanation"] == {
        "eligible": suggestion["eligible"],
        "criteria": suggestion["criteria"],
        "gaps": suggestion["gaps"],
    }
    stored = Match.objects.get(uuid=match["id"])
    assert (stored.score, stored.explanation) == (match["score"], match["explanation"])
    assert _ok(api.get(f"/api/v1/matches/{match['id']}/")) == match


@pytest.mark.parametrize("status", ["referred", "employed", "in_education", "exited"])
def test_only_an_active_or_job_seeking_participant_can_be_proposed(world, api, status):
    # given
    extra = {"exited_on": TODAY - DAY, "exit_reason": "other"} if status == "exited" else {}
    person = factories.ParticipantFactory(
        municipality=world.participant.municipality, status=status, **extra
    )
    before = snapshot()

    # when
    response = _propose(api, world, person)

    # then
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert list(body["errors"]) == ["participant"]
    assert snapshot() == before


def _history_of(api, person, match_id):
    entries = _ok(api.get(f"/api/v1/participants/{person.uuid}/history/", {"page_size": 100}))
    return [e for e in entries["results"] if e["object"] == f"match:{match_id}"]


def test_no_transition_erases_an_earlier_reason(world, api):
    # given a proposal with a reason, shared without one, an interview and a decline with theirs
    person = _candidate(world)
    employer = bearer_client(world.employer_user)
    match = _ok(_propose(api, world, person, reason="Strong kitchen experience."), 201)
    url = f"/api/v1/matches/{match['id']}/transition/"
    _ok(api.post(url, {"to": "shared"}, format="json"))
    _ok(employer.post(url, {"to": "interview", "reason": "Come on Monday."}, format="json"))
    body = {"to": "declined", "reason": "Chose a course.", "reason_code": "candidate_withdrew"}
    after = _ok(api.post(url, body, format="json"))

    # then the match keeps the proposal's reason and the employer's own
    assert after["reason"] == "Strong kitchen experience."
    assert after["employer_reason"] == "Come on Monday."
    # and each transition's reason is in its own history row, newest first
    history = _history_of(api, person, match["id"])
    assert [(e["user"], e["reason"]) for e in history] == [
        (world.counsellor.username, "Chose a course."),
        (world.employer_user.username, "Come on Monday."),
        (world.counsellor.username, "match shared"),
        (world.counsellor.username, "Strong kitchen experience."),
    ]
    statuses = [next(c["new"] for c in e["changes"] if c["field"] == "status") for e in history]
    assert statuses == ["declined", "interview", "shared", "proposed"]


def test_an_employer_reads_only_its_own_reasons(world, api):
    # given a counsellor's proposal and share reasons, then the employer's interview reason
    person = _candidate(world)
    employer = bearer_client(world.employer_user)
    match = _ok(_propose(api, world, person, reason="The commute would be too long."), 201)
    url = f"/api/v1/matches/{match['id']}/transition/"
    shared = api.post(url, {"to": "shared", "reason": "Counsellor's private note."}, format="json")
    _ok(shared)

    # when the employer reads it before and after writing its own reason
    before = _ok(employer.get(f"/api/v1/matches/{match['id']}/"))
    answer = _ok(employer.post(url, {"to": "interview", "reason": "See you at 9."}, format="json"))
    later = _ok(employer.get("/api/v1/matches/"))["results"]

    # then
    assert before["reason"] == ""
    assert answer["reason"] == "See you at 9."
    assert [m["reason"] for m in later if m["id"] == match["id"]] == ["See you at 9."]
    for body in (before, answer, later):
        assert "commute" not in str(body) and "private" not in str(body)


def _at_interview(world, api, vacancy, person):
    match = _ok(
        api.post(
            "/api/v1/matches/",
            {"vacancy": str(vacancy.uuid), "participant": str(person.uuid)},
            format="json",
        ),
        201,
    )
    url = f"/api/v1/matches/{match['id']}/transition/"
    _ok(api.post(url, {"to": "shared"}, format="json"))
    _ok(bearer_client(world.employer_user).post(url, {"to": "interview"}, format="json"))
    return url


def test_the_hire_that_fills_the_last_position_fills_the_vacancy(world, api):
    # given a vacancy with two positions and two candidates at interview
    vacancy = factories.VacancyFactory(employer=world.employer, positions=2)
    first, second = _candidate(world), _candidate(world)
    first_url = _at_interview(world, api, vacancy, first)
    second_url = _at_interview(world, api, vacancy, second)
    employer = bearer_client(world.employer_user)
    hire = {"to": "hired", "starts_on": iso(TODAY + 7 * DAY)}

    # when the first is hired the vacancy stays open
    _ok(employer.post(first_url, hire, format="json"))
    assert Vacancy.objects.get(pk=vacancy.pk).status == "open"

    # and when the second is hired it is filled, with a history row by the employer's user
    _ok(employer.post(second_url, hire, format="json"))
    stored = Vacancy.objects.get(pk=vacancy.pk)
    assert stored.status == "filled"
    latest = stored.history.latest("history_id")
    assert latest.history_user_id == world.employer_user.pk
    assert "filled" in latest.history_change_reason
    seen = _ok(employer.get(f"/api/v1/vacancies/{vacancy.uuid}/"))
    assert seen["status"] == "filled"


@pytest.mark.parametrize("status", ["employed", "in_education"])
def test_hiring_a_participant_who_left_the_job_search_answers_409_and_changes_nothing(
    world, api, status
):
    # given a match at interview whose participant has meanwhile moved on
    person = _candidate(world)
    url = _at_interview(world, api, world.vacancy2, person)
    _ok(
        api.post(
            f"/api/v1/participants/{person.uuid}/transition/",
            {"to": status, "on": iso(TODAY)},
            format="json",
        )
    )
    before = snapshot()

    # when
    response = bearer_client(world.employer_user).post(
        url, {"to": "hired", "starts_on": iso(TODAY + 7 * DAY)}, format="json"
    )

    # then
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "participant_unavailable"
    assert snapshot() == before
    assert Participant.objects.get(pk=person.pk).status == status
    assert not Outcome.objects.filter(participant=person).exists()


def test_the_counsellor_still_proposes_a_referred_participant_once_active(world):
    # the world's participant is referred: it must be moved on before a proposal
    api = client_for(world.counsellor)
    person = proposable(world.participant)
    factories.LanguageAssessmentFactory(participant=person)
    assert _propose(api, world, person).status_code == 201
