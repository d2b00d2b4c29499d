"""``GET vacancies/{id}/candidates/``: the ranking a page at a time, counted in the same query."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework import matching
from tests import factories
from tests.api.conftest import bearer_client

TODAY = factories.TODAY


@pytest.fixture
def world():
    counsellor = factories.counsellor("182", username="counsellor.jamsa")
    vacancy = factories.VacancyFactory(language_requirements={})
    people = [
        factories.ParticipantFactory(
            status="job_seeking", enrolled_on=TODAY - datetime.timedelta(days=10 * i + 1)
        )
        for i in range(5)
    ]
    return counsellor, vacancy, people


def test_pages_follow_the_ranking_and_the_count_covers_every_candidate(world):
    counsellor, vacancy, people = world
    client = bearer_client(counsellor)
    path = f"/api/v1/vacancies/{vacancy.uuid}/candidates/"

    first = client.get(path, {"page_size": 2})
    second = client.get(path, {"page_size": 2, "page": 2})
    last = client.get(path, {"page_size": 2, "page": 3})

    assert first.status_code == second.status_code == last.status_code == 200
    assert first.json()["count"] == 5
    ids = [r["participant"] for p in (first, second, last) for r in p.json()["results"]]
    longest_wait_first = sorted(people, key=lambda p: p.enrolled_on)
    assert ids == [str(p.uuid) for p in longest_wait_first]


def test_a_page_past_the_end_is_not_found_in_the_envelope(world):
    counsellor, vacancy, _people = world
    response = bearer_client(counsellor).get(
        f"/api/v1/vacancies/{vacancy.uuid}/candidates/", {"page_size": 2, "page": 4}
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_page_and_the_total_come_from_one_ranking_statement(world):
    counsellor, vacancy, _people = world
    client = bearer_client(counsellor)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            f"/api/v1/vacancies/{vacancy.uuid}/candidates/", {"page": 2, "page_size": 2}
        )
    assert response.status_code == 200
    ranking_statements = [q for q in queries if q["sql"].startswith("WITH candidate")]
    assert len(ranking_statements) == 1
    assert response.json()["count"] == 5


def test_suggestions_are_the_rankings_own(world):
    counsellor, vacancy, _people = world
    from django.db.models import Q

    expected = list(matching.rank_candidates(vacancy, scope=Q(), today=TODAY))
    response = bearer_client(counsellor).get(f"/api/v1/vacancies/{vacancy.uuid}/candidates/")
    results = response.json()["results"]
    assert [(r["participant"], r["score"], r["eligible"]) for r in results] == [
        (str(s.participant_uuid), s.score, s.eligible) for s in expected
    ]
    assert results[0]["criteria"][0] == {
        "name": "status",
        "met": True,
        "detail": "active or job seeking",
    }


@pytest.mark.parametrize("page", ["99999999999999999999", "9223372036854775807"])
def test_odd_page_numbers_answer_404_in_the_envelope(world, page):
    counsellor, vacancy, _people = world
    client = bearer_client(counsellor)
    client.raise_request_exception = False
    response = client.get(f"/api/v1/vacancies/{vacancy.uuid}/candidates/", {"page": page})
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("page", ["\u00b2", "٣", "abc", "0", "-1", ""])
def test_page_numbers_that_are_no_positive_whole_number_answer_400(world, page):
    counsellor, vacancy, _people = world
    response = bearer_client(counsellor).get(
        f"/api/v1/vacancies/{vacancy.uuid}/candidates/", {"page": page}
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"].keys() == {"page"}
