"""Optimistic concurrency (docs/api.md): every single-resource answer carries ``ETag``; PATCH
must send ``If-Match`` (428 without, 412 when stale, nothing changed); of two writers holding
the same ETag exactly one wins; transitions take If-Match without requiring it."""

import pytest

from casework.models import CaseNote, Participant
from tests import factories
from tests.api.conftest import client_for, snapshot
from tests.races import race, real_race


def _participant_url(participant):
    return f"/api/v1/participants/{participant.uuid}/"


def test_two_writers_with_the_same_etag_one_wins_one_gets_412(world):
    # given two counsellors' clients that both read version 1
    first = client_for(world.counsellor)
    second = client_for(world.counsellor)
    url = _participant_url(world.participant)
    etag = first.get(url)["ETag"]
    assert second.get(url)["ETag"] == etag == '"1"'
    history_before = Participant.history.filter(id=world.participant.pk).count()

    # when both write with that ETag
    won = first.patch(url, {"phone": "+358401111111"}, format="json", HTTP_IF_MATCH=etag)
    lost = second.patch(url, {"phone": "+358402222222"}, format="json", HTTP_IF_MATCH=etag)

    # then
    assert won.status_code == 200, won.content
    assert won["ETag"] == '"2"'
    assert lost.status_code == 412, lost.content
    assert lost.json()["code"] == "precondition_failed"
    participant = Participant.objects.get(pk=world.participant.pk)
    assert participant.phone == "+358401111111"
    assert participant.version == 2
    history = Participant.history.filter(id=world.participant.pk)
    assert history.count() == history_before + 1
    assert history.latest("history_id").phone == "+358401111111"


@pytest.mark.parametrize(
    ("if_match", "status", "code"),
    [
        (None, 428, "precondition_required"),
        ("*", 428, "precondition_required"),
        ('"0"', 412, "precondition_failed"),
        ('"2"', 412, "precondition_failed"),
        ("garbage", 412, "precondition_failed"),
    ],
)
@pytest.mark.parametrize(
    ("path", "body"),
    [
        (lambda w: _participant_url(w.participant), {"phone": "+358403333333"}),
        (lambda w: f"/api/v1/case-notes/{w.case_note.uuid}/", {"text": "Changed"}),
        (lambda w: f"/api/v1/vacancies/{w.vacancy.uuid}/", {"title": "Changed"}),
        (lambda w: f"/api/v1/licence-cards/{w.licence_card.uuid}/", {"card_number": "Z"}),
    ],
    ids=["participant", "case note", "vacancy", "licence card"],
)
def test_a_patch_without_a_current_if_match_changes_nothing(
    world, path, body, if_match, status, code
):
    # given
    before = snapshot()
    headers = {} if if_match is None else {"HTTP_IF_MATCH": if_match}

    # when
    response = client_for(world.counsellor).patch(path(world), body, format="json", **headers)

    # then
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert snapshot() == before


def test_a_weak_or_unquoted_etag_of_the_current_version_is_accepted(world):
    client = client_for(world.counsellor)
    url = _participant_url(world.participant)
    assert (
        client.patch(url, {"phone": "+358404444441"}, format="json", HTTP_IF_MATCH='W/"1"')
    ).status_code == 200
    assert (
        client.patch(url, {"phone": "+358404444442"}, format="json", HTTP_IF_MATCH="2")
    ).status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (lambda w: _participant_url(w.participant), lambda w: {"phone": w.participant.phone}),
        (lambda w: f"/api/v1/case-notes/{w.case_note.uuid}/", lambda w: {"text": w.case_note.text}),
        (lambda w: f"/api/v1/employers/{w.employer.uuid}/", lambda w: {"name": w.employer.name}),
        (lambda w: f"/api/v1/vacancies/{w.vacancy.uuid}/", lambda w: {"title": w.vacancy.title}),
        (lambda w: f"/api/v1/outcomes/{w.outcome.uuid}/", lambda w: {}),
    ],
    ids=["participant", "case note", "employer", "vacancy", "outcome"],
)
def test_a_patch_that_changes_nothing_leaves_the_version_alone(world, path, body):
    # given
    before = snapshot()

    # when
    response = client_for(world.counsellor).patch(
        path(world), body(world), format="json", HTTP_IF_MATCH='"1"'
    )

    # then
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1
    assert snapshot() == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (lambda w: _participant_url(w.participant) + "transition/", {"to": "active"}),
        (lambda w: f"/api/v1/consents/{w.consent.uuid}/withdraw/", {}),
        (lambda w: f"/api/v1/enrolments/{w.enrolment.uuid}/transition/", {"to": "attended"}),
        (lambda w: f"/api/v1/vacancies/{w.vacancy.uuid}/transition/", {"to": "filled"}),
        (
            lambda w: f"/api/v1/matches/{w.match.uuid}/transition/",
            {"to": "withdrawn", "reason_code": "other"},
        ),
    ],
    ids=["participant", "consent withdraw", "enrolment", "vacancy", "match"],
)
@pytest.mark.parametrize("if_match", [None, '"1"'])
def test_a_transition_accepts_if_match_without_requiring_it(world, path, body, if_match):
    headers = {} if if_match is None else {"HTTP_IF_MATCH": if_match}
    response = client_for(world.counsellor).post(path(world), body, format="json", **headers)
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (lambda w: _participant_url(w.participant) + "transition/", {"to": "active"}),
        (lambda w: f"/api/v1/consents/{w.consent.uuid}/withdraw/", {}),
        (lambda w: f"/api/v1/enrolments/{w.enrolment.uuid}/transition/", {"to": "attended"}),
        (lambda w: f"/api/v1/vacancies/{w.vacancy.uuid}/transition/", {"to": "filled"}),
        (
            lambda w: f"/api/v1/matches/{w.match.uuid}/transition/",
            {"to": "withdrawn", "reason_code": "other"},
        ),
    ],
    ids=["participant", "consent withdraw", "enrolment", "vacancy", "match"],
)
def test_a_transition_with_a_stale_if_match_answers_412_and_changes_nothing(world, path, body):
    before = snapshot()
    response = client_for(world.counsellor).post(
        path(world), body, format="json", HTTP_IF_MATCH='"7"'
    )
    assert response.status_code == 412, response.content
    assert snapshot() == before


def test_every_single_resource_answer_carries_its_etag(world):
    client = client_for(world.counsellor)
    for url in [
        _participant_url(world.participant),
        f"/api/v1/case-notes/{world.case_note.uuid}/",
        f"/api/v1/language-assessments/{world.language_assessment.uuid}/",
        f"/api/v1/skill-assessments/{world.skill_assessment.uuid}/",
        f"/api/v1/trainings/{world.training.uuid}/",
        f"/api/v1/enrolments/{world.enrolment.uuid}/",
        f"/api/v1/licence-cards/{world.licence_card.uuid}/",
        f"/api/v1/employers/{world.employer.uuid}/",
        f"/api/v1/vacancies/{world.vacancy.uuid}/",
        f"/api/v1/matches/{world.match.uuid}/",
        f"/api/v1/outcomes/{world.outcome.uuid}/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["ETag"] == f'"{response.json()["version"]}"', url


# A real race: two threads, two connections, PATCHing at the same moment (tests.races).


@real_race
@pytest.mark.usefixtures("no_module_world")
@pytest.mark.parametrize("round_", range(3))
def test_two_threads_patching_at_once_one_wins_one_gets_412(round_):
    # given a participant at version 1 and two clients holding its ETag
    counsellor = factories.counsellor("182", username=f"counsellor.race{round_}")
    participant = factories.ParticipantFactory(counsellor=counsellor)
    note = factories.CaseNoteFactory(participant=participant)
    url = _participant_url(participant)
    clients = [client_for(counsellor), client_for(counsellor)]
    third = client_for(counsellor)

    # when both PATCH at once
    responses = race(
        *[
            lambda client=client, index=index: client.patch(
                url, {"phone": f"+35840555000{index}"}, format="json", HTTP_IF_MATCH='"1"'
            )
            for index, client in enumerate(clients)
        ]
        + [
            lambda: third.patch(
                f"/api/v1/case-notes/{note.uuid}/",
                {"text": "from a third writer"},
                format="json",
                HTTP_IF_MATCH='"1"',
            )
        ]
    )

    # then exactly one of the two participant writers won, and history shows one change
    statuses = sorted(response.status_code for response in responses[:2])
    assert statuses == [200, 412], [r.content for r in responses[:2]]
    assert responses[2].status_code == 200
    winner = next(r for r in responses[:2] if r.status_code == 200)
    stored = Participant.objects.get(pk=participant.pk)
    assert stored.version == 2
    assert stored.phone == winner.json()["phone"]
    assert Participant.history.filter(id=participant.pk).count() == 2
    assert CaseNote.objects.get(pk=note.pk).version == 2
