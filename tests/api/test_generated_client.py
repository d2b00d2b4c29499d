"""A client generated from the OpenAPI schema with openapi-python-client (as an outside client
would) performs the counsellor's and the employer's match flow: every answer parses into the
shape the schema documents for that caller (``MatchForCaller`` is one of the counsellor's
``Match`` and the employer's ``EmployerMatch``), so the schema describes what each caller gets.

The generator runs offline (the tool ships its templates); the client talks to the Django app
in-process through httpx's WSGI transport."""

from __future__ import annotations

import datetime
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.db import connection
from drf_spectacular.generators import SchemaGenerator

from api.authentication import token_issue
from config.wsgi import application
from tests import factories
from tests.api.conftest import TODAY

DAY = datetime.timedelta(days=1)
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="module")
def polku_client(tmp_path_factory):
    if not GENERATOR.exists():
        pytest.fail("openapi-python-client is a dev dependency: make install")
    folder = tmp_path_factory.mktemp("generated")
    schema = SchemaGenerator().get_schema(request=None, public=True)
    (folder / "schema.json").write_text(json.dumps(schema, default=str))
    environment = {**os.environ, "PATH": f"{GENERATOR.parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(
        [str(GENERATOR), "generate", "--path", "schema.json", "--meta", "none",
         "--output-path", "polku_client"],
        cwd=folder, env=environment, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("polku_client")
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n.split(".")[0] == "polku_client"]:
            del sys.modules[name]
        shutil.rmtree(folder, ignore_errors=True)


def _client(polku_client, user):
    token, _ = token_issue(user=user)
    client = polku_client.AuthenticatedClient(base_url="http://testserver", token=token)
    transport = httpx.WSGITransport(app=application)
    client.set_httpx_client(
        httpx.Client(
            base_url="http://testserver",
            transport=transport,
            headers={"Authorization": f"Bearer {token}"},
        )
    )
    return client


def _parsed(response, kind):
    assert response.status_code == 200 or response.status_code == 201, response.content
    assert isinstance(response.parsed, kind), (type(response.parsed), response.content)
    return response.parsed


@pytest.mark.xfail(
    connection.vendor == "postgresql",
    strict=False,
    reason="on PostgreSQL the flow meets a 503 in the full suite; under investigation (issue 9)",
)
@pytest.mark.django_db
def test_the_generated_client_runs_the_counsellor_and_the_employer_flow(polku_client):
    from polku_client.api.matches import (
        matches_create,
        matches_list,
        matches_retrieve,
        matches_transition_create,
    )
    from polku_client.models import (
        EmployerMatch,
        Match,
        MatchInputRequest,
        MatchTransitionRequest,
        PaginatedMatchForCallerList,
    )
    from polku_client.models.match_status_enum import MatchStatusEnum

    # given a counsellor, an employer with an open vacancy, and a consenting job seeker
    counsellor = factories.counsellor("182")
    vacancy = factories.VacancyFactory()
    employer_user = factories.employer_user(vacancy.employer)
    person = factories.ParticipantFactory(status="job_seeking")
    factories.LanguageAssessmentFactory(participant=person, speaking="B1.1")
    factories.ConsentFactory(participant=person)
    as_counsellor = _client(polku_client, counsellor)
    as_employer = _client(polku_client, employer_user)

    # the counsellor's flow
    created = matches_create.sync_detailed(
        client=as_counsellor,
        body=MatchInputRequest(vacancy=vacancy.uuid, participant=person.uuid, reason="a fit"),
    )
    match = _parsed(created, Match)
    assert match.explanation.eligible is True
    shared = matches_transition_create.sync_detailed(
        match.id,
        client=as_counsellor,
        body=MatchTransitionRequest(to=MatchStatusEnum.SHARED, reason="over to you"),
    )
    assert _parsed(shared, Match).status == MatchStatusEnum.SHARED
    page = _parsed(matches_list.sync_detailed(client=as_counsellor), PaginatedMatchForCallerList)
    assert [type(item) for item in page.results] == [Match]
    _parsed(matches_retrieve.sync_detailed(match.id, client=as_counsellor), Match)

    # the employer's flow
    page = _parsed(matches_list.sync_detailed(client=as_employer), PaginatedMatchForCallerList)
    assert [type(item) for item in page.results] == [EmployerMatch]
    seen = _parsed(matches_retrieve.sync_detailed(match.id, client=as_employer), EmployerMatch)
    assert seen.reason == ""  # the counsellor's words stay with the counsellor
    interview = matches_transition_create.sync_detailed(
        match.id,
        client=as_employer,
        body=MatchTransitionRequest(to=MatchStatusEnum.INTERVIEW, reason="Monday 9:00"),
    )
    assert _parsed(interview, EmployerMatch).candidate.first_name == person.first_name
    hired = matches_transition_create.sync_detailed(
        match.id,
        client=as_employer,
        body=MatchTransitionRequest(to=MatchStatusEnum.HIRED, starts_on=TODAY + 7 * DAY),
    )
    assert _parsed(hired, EmployerMatch).reason == "Monday 9:00"
