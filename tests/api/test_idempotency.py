"""Idempotency-Key on POST (docs/api.md): per user and path, for 24 hours; a retry with the same
key and body replays the first 2xx answer and creates nothing; another body answers 422."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from api.models import IdempotencyRecord
from casework.models import CaseNote, Participant
from tests.api.conftest import TODAY, client_for, iso, snapshot


def _participant_body(**overrides):
    return {
        "municipality": "182",
        "first_name": "Amina",
        "last_name": "Hassan",
        "date_of_birth": "1990-03-15",
        "gender": "female",
        "labour_market_status": "unemployed",
        **overrides,
    }


def _note_body(world, **overrides):
    return {
        "participant": str(world.participant.uuid),
        "kind": "meeting",
        "occurred_at": "2024-05-02T10:00:00+03:00",
        "text": "First meeting.",
        **overrides,
    }


def _post(client, path, body, key):
    return client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.parametrize(
    ("path", "body", "model"),
    [
        (lambda w: "/api/v1/participants/", lambda w: _participant_body(), Participant),
        (lambda w: "/api/v1/case-notes/", _note_body, CaseNote),
        (
            lambda w: f"/api/v1/participants/{w.participant.uuid}/consents/",
            lambda w: {"purpose": "share_with_employers", "granted_on": iso(TODAY)},
            Participant.consents.rel.related_model,
        ),
    ],
    ids=["participant", "case note", "consent"],
)
def test_a_retry_with_the_same_key_and_body_replays_the_first_answer(world, path, body, model):
    # given
    client = client_for(world.counsellor)
    rows_before = model.objects.count()

    # when
    first = _post(client, path(world), body(world), "key-1")
    retry = _post(client, path(world), body(world), "key-1")

    # then
    assert first.status_code == 201, first.content
    assert retry.status_code == first.status_code
    assert retry.content == first.content
    assert retry.json() == first.json()
    assert retry["ETag"] == first["ETag"]
    assert retry["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert model.objects.count() == rows_before + 1


def test_the_body_is_compared_as_canonical_json(world):
    client = client_for(world.counsellor)
    first = client.post(
        "/api/v1/participants/",
        '{"municipality": "182", "first_name": "Amina", "last_name": "Hassan", '
        '"date_of_birth": "1990-03-15", "gender": "female", "labour_market_status": "unemployed"}',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="canonical",
    )
    retry = client.post(
        "/api/v1/participants/",
        '{"labour_market_status":"unemployed","gender":"female","date_of_birth":"1990-03-15",'
        '"last_name":"Hassan","first_name":"Amina","municipality":"182"}',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="canonical",
    )
    assert first.status_code == 201
    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == first.json()["id"]


def test_the_same_key_with_another_body_answers_422_and_creates_nothing(world):
    # given
    client = client_for(world.counsellor)
    first = _post(client, "/api/v1/participants/", _participant_body(), "key-2")
    before = snapshot()

    # when
    reused = _post(client, "/api/v1/participants/", _participant_body(first_name="Other"), "key-2")

    # then
    assert first.status_code == 201
    assert reused.status_code == 422, reused.content
    assert reused.json()["code"] == "idempotency_key_reused"
    assert snapshot() == before


def test_the_same_key_on_another_path_is_independent(world):
    client = client_for(world.counsellor)
    participant = _post(client, "/api/v1/participants/", _participant_body(), "shared-key")
    note = _post(client, "/api/v1/case-notes/", _note_body(world), "shared-key")
    assert participant.status_code == 201
    assert note.status_code == 201, note.content
    assert not note.has_header("Idempotent-Replayed")
    assert CaseNote.objects.filter(uuid=note.json()["id"]).exists()


def test_the_same_key_by_another_user_is_independent(world):
    # given two counsellors of the same municipality
    from tests import factories

    colleague = factories.counsellor("182", username="counsellor.jamsa.2")
    before = Participant.objects.count()

    # when both use the same key with the same body
    mine = _post(client_for(world.counsellor), "/api/v1/participants/", _participant_body(), "k")
    theirs = _post(client_for(colleague), "/api/v1/participants/", _participant_body(), "k")

    # then both were created
    assert mine.status_code == theirs.status_code == 201
    assert not theirs.has_header("Idempotent-Replayed")
    assert mine.json()["id"] != theirs.json()["id"]
    assert Participant.objects.count() == before + 2


def test_a_failed_first_request_does_not_block_a_corrected_retry(world):
    # given a first attempt that fails validation
    client = client_for(world.counsellor)
    failed = _post(
        client, "/api/v1/participants/", _participant_body(date_of_birth="not a date"), "k-3"
    )
    assert failed.status_code == 400

    # when the client retries with a corrected body and the same key
    retry = _post(client, "/api/v1/participants/", _participant_body(), "k-3")
    again = _post(client, "/api/v1/participants/", _participant_body(), "k-3")

    # then the retry is processed, and a further retry replays it
    assert retry.status_code == 201, retry.content
    assert not retry.has_header("Idempotent-Replayed")
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == retry.json()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"to": "exited"}, 400),  # no exit_reason
        ({"to": "employed"}, 409),  # referred → employed is not allowed
    ],
)
def test_a_refused_action_is_not_replayed(world, body, status):
    client = client_for(world.counsellor)
    url = f"/api/v1/participants/{world.participant.uuid}/transition/"
    first = _post(client, url, body, "t-1")
    second = _post(client, url, body, "t-1")
    assert first.status_code == second.status_code == status
    assert not second.has_header("Idempotent-Replayed")
    assert not IdempotencyRecord.objects.filter(key="t-1").exists()


def test_an_action_is_replayed_and_not_done_twice(world):
    client = client_for(world.counsellor)
    url = f"/api/v1/participants/{world.participant.uuid}/transition/"
    first = _post(client, url, {"to": "active"}, "t-2")
    retry = _post(client, url, {"to": "active"}, "t-2")
    assert first.status_code == retry.status_code == 200
    assert retry["Idempotent-Replayed"] == "true"
    assert Participant.objects.get(pk=world.participant.pk).version == 2


def test_a_key_older_than_24_hours_is_forgotten(world):
    # given a participant created with a key a little over a day ago
    client = client_for(world.counsellor)
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=24, minutes=1)):
        first = _post(client, "/api/v1/participants/", _participant_body(), "old-key")
    assert first.status_code == 201

    # when the same key comes again (with another body: the old one is gone)
    later = _post(client, "/api/v1/participants/", _participant_body(first_name="Layla"), "old-key")

    # then it is a new request
    assert later.status_code == 201, later.content
    assert not later.has_header("Idempotent-Replayed")
    assert later.json()["id"] != first.json()["id"]


def test_a_key_younger_than_24_hours_is_remembered(world):
    client = client_for(world.counsellor)
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=23, minutes=59)):
        first = _post(client, "/api/v1/participants/", _participant_body(), "young-key")
    retry = _post(client, "/api/v1/participants/", _participant_body(), "young-key")
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == first.json()["id"]


def test_a_duplicate_arriving_while_the_first_still_runs_answers_409(world):
    # given a first request that is still running (its record is in progress)
    client = client_for(world.counsellor)
    first = _post(client, "/api/v1/participants/", _participant_body(), "running")
    IdempotencyRecord.objects.filter(key="running").update(
        state=IdempotencyRecord.State.IN_PROGRESS, response_status=None, resource_id=None
    )
    before = snapshot()

    # when
    duplicate = _post(client, "/api/v1/participants/", _participant_body(), "running")

    # then
    assert first.status_code == 201
    assert duplicate.status_code == 409, duplicate.content
    assert duplicate.json()["code"] == "request_in_progress"
    assert snapshot() == before


def test_a_refused_role_never_records_a_key(world):
    response = _post(client_for(world.manager), "/api/v1/participants/", _participant_body(), "mgr")
    assert response.status_code == 403
    assert not IdempotencyRecord.objects.exists()


# A replay reads the resource again: nothing personal is kept, nothing stale is disclosed -------


def test_the_key_table_keeps_the_resource_id_and_no_personal_data(world):
    client = client_for(world.counsellor)
    first = _post(client, "/api/v1/participants/", _participant_body(), "no-body")
    record = IdempotencyRecord.objects.get(key="no-body")
    assert record.resource_id == first.json()["id"]
    stored = " ".join(str(value) for value in IdempotencyRecord.objects.values().get().values())
    assert "Hassan" not in stored and "Amina" not in stored


def test_a_replay_shows_the_resource_as_it_is_now_and_is_access_logged(world):
    from core.models import AccessEvent

    client = client_for(world.counsellor)
    first = _post(client, "/api/v1/participants/", _participant_body(), "now")
    participant_id = first.json()["id"]
    patched = client.patch(
        f"/api/v1/participants/{participant_id}/",
        {"last_name": "Hassan-Virtanen"},
        format="json",
        HTTP_IF_MATCH=first["ETag"],
    )
    assert patched.status_code == 200, patched.content
    events_before = AccessEvent.objects.count()

    retry = _post(client, "/api/v1/participants/", _participant_body(), "now")

    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == participant_id
    assert retry.json()["last_name"] == "Hassan-Virtanen"
    assert retry["ETag"] == patched["ETag"]
    assert AccessEvent.objects.count() == events_before + 1
    assert Participant.objects.filter(last_name__startswith="Hassan").count() == 1
