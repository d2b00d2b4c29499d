"""The HTTP edges of issue 9 item 7: deep JSON, the database unavailable, Retry-After, no-store,
Location on 201, the API's 404 under DEBUG, ``does_not_exist`` codes, strict query values."""

import datetime

import pytest
from django.core.cache import cache
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests import factories
from tests.api.conftest import client_for, proposable, snapshot

DAY = datetime.timedelta(days=1)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _json_routes():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("post", "patch")
        and "application/json" in (operation.get("requestBody") or {}).get("content", {})
    )


@pytest.mark.parametrize("depth", [500, 2000])
def test_deeply_nested_json_answers_400_on_every_json_route(world, depth):
    # given every route that takes JSON, with real ids in its path
    counsellor = client_for(world.counsellor)
    ids = {"{id}": str(world.participant.uuid), "{code}": "182"}
    before = snapshot()

    for method, path in _json_routes():
        for placeholder, value in ids.items():
            path = path.replace(placeholder, value)
        # when
        response = getattr(counsellor, method.lower())(
            path, _nested(depth), content_type="application/json", HTTP_IF_MATCH='"1"'
        )
        # then never a 500: 400 in the envelope unless an earlier check (403/404) answers first
        assert response.status_code in (400, 403, 404, 412, 428), (method, path, response.content)
        if response.status_code == 400:
            assert response.json()["code"] in ("parse_error", "validation_error"), path
    assert snapshot() == before


def test_deeply_nested_json_answers_400_on_the_anonymous_token_endpoint(db):
    for depth in (300, 2000):
        response = APIClient().post(
            "/api/v1/auth/token/", _nested(depth), content_type="application/json"
        )
        assert response.status_code == 400, response.content
        assert response.json()["code"] == "parse_error"


def test_deep_json_with_an_idempotency_key_answers_400(world):
    response = client_for(world.counsellor).post(
        "/api/v1/participants/",
        '{"a":' * 300 + "1" + "}" * 300,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="deep",
    )
    assert response.status_code == 400, response.content


# Retry-After, no-store, Location --------------------------------------------------------------


def test_a_locked_out_pair_answers_429_with_retry_after(db):
    user = factories.UserFactory(username="locked.user")
    client = APIClient()
    for _ in range(10):
        client.post("/api/v1/auth/token/", {"username": user.username, "password": "wrong"})
    response = client.post("/api/v1/auth/token/", {"username": user.username, "password": "x"})
    assert response.status_code == 429, response.content
    assert response.json()["code"] == "locked_out"
    assert int(response["Retry-After"]) == 15 * 60


def test_throttling_answers_429_with_retry_after(db, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    cache.clear()
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "1/minute"})
    client = APIClient()
    client.post("/api/v1/auth/token/", {"username": "a", "password": "b"})
    response = client.post("/api/v1/auth/token/", {"username": "a", "password": "b"})
    cache.clear()
    assert response.status_code == 429, response.content
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) >= 1


@pytest.mark.parametrize(
    "path",
    ["/api/v1/participants/", "/api/v1/matches/", "/api/v1/municipalities/", "/api/v1/nothing/"],
)
def test_authenticated_answers_are_never_cached(world, path):
    response = client_for(world.counsellor).get(path)
    assert response["Cache-Control"] == "no-store"


def test_every_201_carries_the_location_of_what_it_created(world):
    counsellor = client_for(world.counsellor)
    person = proposable(world.participant)
    factories.LanguageAssessmentFactory(participant=person)
    created = [
        counsellor.post(
            "/api/v1/matches/",
            {"vacancy": str(world.vacancy2.uuid), "participant": str(person.uuid)},
            format="json",
        ),
        counsellor.post(
            f"/api/v1/participants/{person.uuid}/consents/",
            {"purpose": "share_with_employers", "granted_on": str(datetime.date.today())},
            format="json",
        ),
        APIClient().post(
            "/api/v1/auth/token/",
            {"username": world.counsellor.username, "password": "secret-pass-123"},
            format="json",
        ),
    ]
    for response in created:
        assert response.status_code == 201, response.content
        assert response["Location"].startswith("/api/v1/")
    match = created[0].json()
    assert created[0]["Location"] == f"/api/v1/matches/{match['id']}/"
    assert counsellor.get(created[0]["Location"]).json()["id"] == match["id"]


# The API's 404 under every setting ------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/matches/x/y/z/", "/api/v2/"])
def test_unmatched_api_paths_answer_the_json_envelope(db, debug, path):
    with override_settings(DEBUG=debug):
        response = APIClient().get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "not_found", "detail": "Not found."}


# does_not_exist, the same for missing and out of scope ---------------------------------------


def test_a_counsellor_elsewhere_and_an_unknown_username_answer_alike(world):
    counsellor = client_for(world.counsellor)
    url = f"/api/v1/participants/{world.participant.uuid}/"
    answers = [
        counsellor.patch(url, {"counsellor": name}, format="json", HTTP_IF_MATCH='"1"').json()
        for name in (world.other_counsellor.username, "no.such.user")
    ]
    assert answers[0] == answers[1]
    assert answers[0]["error_codes"] == {"counsellor": ["does_not_exist"]}


def test_a_body_naming_an_object_out_of_scope_answers_does_not_exist(world):
    response = client_for(world.counsellor).post(
        "/api/v1/matches/",
        {"vacancy": str(world.vacancy2.uuid), "participant": str(world.other_participant.uuid)},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["error_codes"] == {"participant": ["does_not_exist"]}


# Strict query values --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/v1/matches/", {"participant": ""}, "participant"),
        ("/api/v1/participants/", {"status": ""}, "status"),
        ("/api/v1/participants/", {"page_size": "abc"}, "page_size"),
        ("/api/v1/participants/", {"page": "abc"}, "page"),
        ("/api/v1/participants/", {"page_size": "0"}, "page_size"),
    ],
)
def test_empty_or_malformed_query_values_answer_400(world, path, query, field):
    response = client_for(world.counsellor).get(path, query)
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]
