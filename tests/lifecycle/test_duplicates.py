"""Possible duplicates (docs/domain.md#data-lifecycle): the normalisation, the warning on create, and the list of
pairs in the caller's scope."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework import duplicates
from casework.models import Participant
from core.models import AccessEvent
from tests import factories
from tests.api.conftest import client_for

BORN = datetime.date(1988, 4, 2)


@pytest.mark.parametrize(
    ("first", "other"),
    [
        (("Anna-Liisa", "Mäkelä"), ("anna liisa", "MAKELA")),
        (("José", "Núñez"), ("Jose", "Nunez")),
        (("Mohammed", "Al Hassan"), ("mohammed", "al-hassan")),
        (("Zoë", "O'Brien"), ("ZOE", "obrien")),
    ],
)
def test_names_that_differ_only_in_case_accents_hyphens_and_spaces_share_a_key(first, other):
    assert duplicates.duplicate_key(*first, BORN) == duplicates.duplicate_key(*other, BORN)


def test_another_date_of_birth_or_name_gives_another_key():
    key = duplicates.duplicate_key("Anna", "Mäkelä", BORN)

    assert duplicates.duplicate_key("Anna", "Mäkelä", BORN.replace(day=3)) != key
    assert duplicates.duplicate_key("Anne", "Mäkelä", BORN) != key
    assert duplicates.duplicate_key("", "Mäkelä", BORN) is None


def _body(**overrides):
    body = {
        "municipality": "182",
        "first_name": "Anna-Liisa",
        "last_name": "Mäkelä",
        "date_of_birth": BORN.isoformat(),
        "gender": "female",
        "labour_market_status": "unemployed",
    }
    return {**body, **overrides}


@pytest.mark.django_db
def test_a_create_that_matches_a_participant_of_the_callers_municipalities_warns():
    # given
    counsellor = factories.counsellor("182")
    existing = factories.ParticipantFactory(
        first_name="anna liisa", last_name="MAKELA", date_of_birth=BORN
    )

    # when
    response = client_for(counsellor).post("/api/v1/participants/", _body(), format="json")

    # then
    assert response.status_code == 201, response.content
    assert response.json()["warnings"] == [
        {"code": "possible_duplicate", "participant": str(existing.uuid)}
    ]
    created = Participant.objects.get(uuid=response.json()["id"])
    assert created.duplicate_key == existing.duplicate_key


@pytest.mark.django_db
def test_a_possible_duplicate_outside_the_callers_municipalities_is_never_named():
    # given
    counsellor = factories.counsellor("182")
    factories.ParticipantFactory(
        municipality=factories.municipality("992"),
        first_name="Anna-Liisa",
        last_name="Mäkelä",
        date_of_birth=BORN,
    )

    # when
    response = client_for(counsellor).post("/api/v1/participants/", _body(), format="json")

    # then
    assert response.status_code == 201
    assert response.json()["warnings"] == []


@pytest.mark.django_db
def test_an_update_of_the_names_keeps_the_key_in_step():
    # given
    counsellor = factories.counsellor("182")
    participant = factories.ParticipantFactory(first_name="Anna", last_name="Virtanen")
    client = client_for(counsellor)

    # when
    response = client.patch(
        f"/api/v1/participants/{participant.uuid}/",
        {"last_name": "Mäkelä"},
        format="json",
        HTTP_IF_MATCH=f'"{participant.version}"',
    )

    # then
    assert response.status_code == 200, response.content
    participant.refresh_from_db()
    assert participant.duplicate_key == duplicates.duplicate_key(
        "Anna", "Makela", participant.date_of_birth
    )


def _pairs(client, **params):
    response = client.get("/api/v1/participants/duplicates/", params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_the_duplicate_list_names_the_pairs_in_the_callers_scope_and_logs_the_read():
    # given
    counsellor = factories.counsellor("182")
    first = factories.ParticipantFactory(first_name="Anna", last_name="Mäkelä", date_of_birth=BORN)
    second = factories.ParticipantFactory(first_name="ANNA", last_name="Makela", date_of_birth=BORN)
    factories.ParticipantFactory(
        first_name="Anna", last_name="Mäkelä", date_of_birth=BORN.replace(year=1989)
    )
    factories.ParticipantFactory(
        municipality=factories.municipality("992"),
        first_name="Anna",
        last_name="Makela",
        date_of_birth=BORN,
    )
    before = AccessEvent.objects.count()

    # when
    body = _pairs(client_for(counsellor))

    # then
    assert body["count"] == 1
    pair = body["results"][0]
    assert {pair["participant"]["id"], pair["duplicate"]["id"]} == {
        str(first.uuid),
        str(second.uuid),
    }
    assert pair["reason"] == "same_name_and_date_of_birth"
    event = AccessEvent.objects.order_by("id")[before:].get()
    assert event.action == "participants:duplicates"
    assert set(event.subjects.values_list("participant_id", flat=True)) == {first.pk, second.pk}


@pytest.mark.django_db
def test_the_duplicate_list_runs_the_same_queries_for_one_pair_and_a_full_page():
    counsellor = factories.counsellor("182")
    client = client_for(counsellor)
    factories.ParticipantFactory.create_batch(
        2, first_name="Aino", last_name="Aalto", date_of_birth=BORN
    )
    client.get("/api/v1/participants/duplicates/")  # warm the caches
    with CaptureQueriesContext(connection) as one:
        assert _pairs(client)["count"] == 1
    for index in range(6):
        factories.ParticipantFactory.create_batch(
            2, first_name=f"Eino{chr(97 + index)}", last_name="Aalto", date_of_birth=BORN
        )
    with CaptureQueriesContext(connection) as many:
        assert _pairs(client, page_size=5)["count"] == 7

    assert len(many.captured_queries) == len(one.captured_queries)


@pytest.mark.django_db
def test_an_exited_participants_key_stays_but_an_empty_name_has_none():
    participant = factories.ParticipantFactory(first_name="Anna", last_name="Aalto")

    assert participant.duplicate_key
    assert (
        duplicates.possible_duplicates_of(user=factories.counsellor("182"), participant=participant)
        == []
    )
