"""The pages' lists issue the same number of queries for one row as for a full page (as the API's
lists do, tests/api/test_query_counts.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("path", ["/workspace/participants/", "/workspace/"])
def test_counsellor_lists_do_not_grow_with_their_rows(client, path):
    counsellor = factories.counsellor("182", username="counsellor.jamsa")
    factories.ParticipantFactory(counsellor=counsellor)
    client.force_login(counsellor)
    queries(client, path)  # the first request resolves and caches the caller's access (ADR 19)
    one = queries(client, path)

    for _ in range(24):
        factories.ParticipantFactory(counsellor=counsellor)
    full = queries(client, path)

    assert full == one


def test_the_employer_candidates_do_not_grow_with_their_rows(client):
    employer = factories.EmployerFactory()
    user = factories.employer_user(employer=employer)
    vacancy = factories.VacancyFactory(employer=employer)

    def share() -> None:
        participant = factories.ParticipantFactory(status="job_seeking")
        factories.ConsentFactory(participant=participant)
        factories.LanguageAssessmentFactory(participant=participant)
        factories.MatchFactory(
            vacancy=vacancy,
            participant=participant,
            status="shared",
            reached_shared_on=factories.TODAY,
        )

    share()
    client.force_login(user)
    queries(client, f"/employer/vacancies/{vacancy.uuid}/")  # caches the caller's access
    one = queries(client, f"/employer/vacancies/{vacancy.uuid}/")
    for _ in range(10):
        share()
    full = queries(client, f"/employer/vacancies/{vacancy.uuid}/")

    assert full == one
