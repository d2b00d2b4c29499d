"""One error envelope for every error (docs/api.md): ``{"code", "detail"}``, plus ``errors``
with dotted nested field names on validation errors; bad input is a 4xx, never a 500."""

import datetime

import pytest
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from casework import selectors
from tests import factories
from tests.api.conftest import TODAY, client_for, iso, snapshot


def assert_envelope(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    assert set(body) <= {"code", "detail", "errors", "error_codes"}
    if code == "validation_error":
        assert isinstance(body["errors"], dict) and body["errors"]
        for field, messages in body["errors"].items():
            assert isinstance(field, str)
            assert messages and all(isinstance(message, str) for message in messages)
    return body


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


# The envelope on every status ----------------------------------------------------------------


def test_400_validation_error_lists_the_fields(api):
    response = api.post("/api/v1/participants/", {"first_name": 7}, format="json")
    body = assert_envelope(response, 400, "validation_error")
    assert {"municipality", "first_name", "last_name", "gender"} <= set(body["errors"])


def test_400_nested_fields_are_dotted(world):
    response = client_for(world.counsellor).post(
        "/api/v1/vacancies/",
        {
            "employer": str(world.employer.uuid),
            "title": "Cleaner",
            "occupation_code": "9112",
            "municipality": "182",
            "starts_on": iso(TODAY),
            "language_requirements": {"speaking": 5, "reading": "A2.1"},
            "required_licences": ["hygiene_passport", 3],
        },
        format="json",
    )
    body = assert_envelope(response, 400, "validation_error")
    assert set(body["errors"]) == {"language_requirements.speaking", "required_licences.1"}


def test_400_nested_domain_errors_are_dotted(world):
    response = client_for(world.counsellor).patch(
        f"/api/v1/vacancies/{world.vacancy.uuid}/",
        {"language_requirements": {"speaking": "Z9.9", "juggling": "A1.1"}},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    body = assert_envelope(response, 400, "validation_error")
    assert set(body["errors"]) == {
        "language_requirements.speaking",
        "language_requirements.juggling",
    }


def test_401(client=None):
    response = client_for().get("/api/v1/participants/")
    assert_envelope(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Bearer"


def test_401_with_a_bad_token():
    client = client_for()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    response = client.get("/api/v1/participants/")
    assert_envelope(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == "Bearer"


def test_403():
    response = client_for(factories.manager("182")).get("/api/v1/participants/")
    assert_envelope(response, 403, "permission_denied")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/participants/00000000-0000-0000-0000-000000000000/",
        "/api/v1/participants/not-a-uuid/",
        "/api/v1/participants/123/",
        "/api/v1/participants/00000000-0000-0000-0000-00000000000g/history/",
        "/api/v1/case-notes/xyz/",
        "/api/v1/consents/1/withdraw/",
        "/api/v1/matches/%20/",
        "/api/v1/municipalities/999/",
        "/api/v1/municipalities/abc/",
        "/api/v1/licence-types/no_such_card/",
        "/api/v1/no-such-resource/",
        "/api/v1/participants/00000000-0000-0000-0000-000000000000/no-such-action/",
        "/api/v1/",
    ],
)
def test_404_invalid_ids_and_unknown_urls(api, path):
    method = api.post if "withdraw" in path else api.get
    response = method(path, {}, format="json") if method == api.post else method(path)
    assert_envelope(response, 404, "not_found")


def test_404_for_a_page_past_the_end(api):
    response = api.get("/api/v1/participants/", {"page": 99})
    assert_envelope(response, 404, "not_found")


def test_405(api):
    response = api.put("/api/v1/participants/", {}, format="json")
    assert_envelope(response, 405, "method_not_allowed")


def test_412(world):
    response = client_for(world.counsellor).patch(
        f"/api/v1/participants/{world.participant.uuid}/",
        {"phone": "+358401234000"},
        format="json",
        HTTP_IF_MATCH='"5"',
    )
    assert_envelope(response, 412, "precondition_failed")


def test_428(world):
    response = client_for(world.counsellor).patch(
        f"/api/v1/participants/{world.participant.uuid}/", {"phone": "+358401"}, format="json"
    )
    assert_envelope(response, 428, "precondition_required")


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "multipart/form-data"])
def test_415_for_a_body_that_is_not_json(api, content_type):
    before = snapshot()
    response = api.generic(
        "POST", "/api/v1/participants/", "first_name=Amina", content_type=content_type
    )
    assert_envelope(response, 415, "unsupported_media_type")
    assert snapshot() == before


def test_415_comes_before_428_on_a_patch(world):
    response = client_for(world.counsellor).generic(
        "PATCH",
        f"/api/v1/participants/{world.participant.uuid}/",
        "phone=1",
        content_type="text/plain",
    )
    assert_envelope(response, 415, "unsupported_media_type")


@pytest.fixture
def tight_throttle(monkeypatch):
    cache.clear()
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {**SimpleRateThrottle.THROTTLE_RATES, "user": "2/minute"},
    )
    yield
    cache.clear()


def test_429_throttled(api, tight_throttle):
    responses = [api.get("/api/v1/licence-types/") for _ in range(3)]
    assert [r.status_code for r in responses[:2]] == [200, 200]
    assert_envelope(responses[2], 429, "throttled")
    assert int(responses[2]["Retry-After"]) > 0


def test_429_locked_out():
    factories.UserFactory(username="someone")
    client = client_for()
    for _ in range(10):
        client.post("/api/v1/auth/token/", {"username": "someone", "password": "x"}, format="json")
    response = client.post(
        "/api/v1/auth/token/", {"username": "someone", "password": "x"}, format="json"
    )
    assert_envelope(response, 429, "locked_out")


def test_500_answers_the_envelope_and_hides_the_cause(api, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "participant_list", broken)
    response = api.get("/api/v1/participants/")
    assert_envelope(response, 500, "server_error")
    assert b"secret" not in response.content


# Bodies and query strings that are not what they should be -----------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b'{"first_name": "Amina"',
        b"\xff\xfe\x00",
        b"[1, 2",
        b'{"first_name": NaN}',
    ],
)
def test_a_body_claiming_json_that_is_not_answers_400(api, raw):
    before = snapshot()
    response = api.generic("POST", "/api/v1/participants/", raw, content_type="application/json")
    assert_envelope(response, 400, "parse_error")
    assert snapshot() == before


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null", b"true"])
def test_a_json_body_that_is_not_an_object_answers_400(api, body):
    response = api.generic("POST", "/api/v1/participants/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] in ("validation_error", "parse_error")


@pytest.mark.parametrize(
    "raw",
    [
        b'{"first_name": "Ami\\u0000na"}',
        b'{"first_name": "Amina", "last_name": "Has\x00san"}',
        b'{"first_na\\u0000me": "Amina"}',
        b'{"first_name": ["\\u0000"]}',
    ],
)
def test_nul_characters_in_a_body_answer_400(api, raw):
    before = snapshot()
    response = api.generic("POST", "/api/v1/participants/", raw, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] in ("parse_error", "validation_error")
    assert snapshot() == before


@pytest.mark.parametrize(
    "query",
    [
        "search=Ami%00na",
        "status=active%00",
        "municipality=%00",
        "ordering=last_name%00",
        "na%00me=x",
        "page=1%00",
        "enrolled_on_after=2024-01-01%00",
    ],
)
def test_nul_characters_in_a_query_string_answer_400(api, query):
    response = api.get(f"/api/v1/participants/?{query}")
    assert_envelope(response, 400, "validation_error")


def test_nul_characters_in_a_patch_body_answer_400_and_change_nothing(world):
    before = snapshot()
    response = client_for(world.counsellor).patch(
        f"/api/v1/participants/{world.participant.uuid}/",
        {"first_name": "A\x00"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400
    assert snapshot() == before


def test_nul_characters_in_the_path_answer_400(world):
    response = client_for(world.counsellor).get(
        f"/api/v1/participants/{world.participant.uuid}%00/"
    )
    assert_envelope(response, 400, "validation_error")


def test_nul_characters_in_an_idempotency_key_answer_400(api):
    response = api.post(
        "/api/v1/participants/",
        _participant_body(),
        format="json",
        HTTP_IDEMPOTENCY_KEY="key\x00",
    )
    assert_envelope(response, 400, "validation_error")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", 12),
        ("first_name", 1.5),
        ("first_name", True),
        ("first_name", ["Amina"]),
        ("first_name", {"x": 1}),
        ("municipality", 182),
        ("personal_identity_code", 150390902),
        ("phone", 358401234567),
        ("counsellor", 1),
        ("citizenship", 0),
        ("gender", 1),
        ("date_of_birth", 19900315),
        ("education_level", "3"),
        ("education_level", 3.5),
        ("education_level", True),
        ("email", 5),
    ],
)
def test_a_wrong_type_answers_400(api, field, value):
    before = snapshot()
    response = api.post("/api/v1/participants/", _participant_body(**{field: value}), format="json")
    body = assert_envelope(response, 400, "validation_error")
    assert field in body["errors"], body
    assert snapshot() == before


HUGE = "x" * 1_000_000


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/participants/", lambda w: _participant_body(first_name=HUGE)),
        ("/api/v1/participants/", lambda w: _participant_body(email=HUGE + "@example.fi")),
        ("/api/v1/participants/", lambda w: _participant_body(date_of_birth=HUGE)),
        ("/api/v1/participants/", lambda w: _participant_body(personal_identity_code=HUGE)),
        ("/api/v1/participants/", lambda w: _participant_body(gender=HUGE)),
        (
            "/api/v1/case-notes/",
            lambda w: {
                "participant": str(w.participant.uuid),
                "kind": "meeting",
                "occurred_at": "2024-05-02T10:00:00+03:00",
                "text": HUGE,
            },
        ),
        (
            "/api/v1/case-notes/",
            lambda w: {
                "participant": HUGE,
                "kind": "meeting",
                "occurred_at": HUGE,
                "text": "x",
            },
        ),
        (
            "/api/v1/outcomes/",
            lambda w: {
                "participant": str(w.participant.uuid),
                "kind": "employment",
                "starts_on": iso(TODAY),
                "hours_per_week": "9" * 10_000,
            },
        ),
        (
            "/api/v1/vacancies/",
            lambda w: {
                "employer": str(w.employer.uuid),
                "title": "Cleaner",
                "occupation_code": "9112",
                "municipality": "182",
                "starts_on": iso(TODAY),
                "required_licences": ["hygiene_passport"] * 10_000,
            },
        ),
        (
            "/api/v1/vacancies/",
            lambda w: {
                "employer": str(w.employer.uuid),
                "title": "Cleaner",
                "occupation_code": "9112",
                "municipality": "182",
                "starts_on": iso(TODAY),
                "language_requirements": {f"skill{i}": "A1.1" for i in range(10_000)},
            },
        ),
        (
            f"/api/v1/participants/{'{participant}'}/transition/",
            lambda w: {"to": "active", "reason": HUGE},
        ),
        ("/api/v1/auth/token/", lambda w: {"username": HUGE, "password": HUGE}),
    ],
    ids=[
        "first_name",
        "email",
        "date_of_birth",
        "identity code",
        "gender",
        "case note text",
        "case note uuid and datetime",
        "decimal",
        "list",
        "dict",
        "transition reason",
        "token credentials",
    ],
)
def test_huge_values_answer_400_not_500(world, path, body):
    before = snapshot()
    path = path.replace("{participant}", str(world.participant.uuid))
    client = client_for(None if "auth" in path else world.counsellor)
    response = client.post(path, body(world), format="json")
    assert_envelope(response, 400, "validation_error")
    assert snapshot() == before


@pytest.mark.parametrize(
    "query",
    [
        {"search": "x" * 10_000},
        {"counsellor": "x" * 10_000},
        {"municipality": "x" * 10_000},
        {"page": "9" * 5_000},
    ],
)
def test_huge_query_values_answer_4xx_not_500(api, query):
    response = api.get("/api/v1/participants/", query)
    assert response.status_code in (400, 404), response.content
    assert response.json()["code"] in ("validation_error", "not_found")


def test_a_very_large_body_answers_4xx_not_500(api):
    response = api.generic(
        "POST",
        "/api/v1/participants/",
        b'{"first_name": "' + b"x" * 5_000_000 + b'"}',
        content_type="application/json",
    )
    assert 400 <= response.status_code < 500, response.status_code
    assert "code" in response.json()


@pytest.mark.parametrize(
    "query",
    [
        {"enrolled_on_after": "yesterday"},
        {"enrolled_on_before": "2024-13-45"},
        {"exited_on_after": "1"},
        {"status": "retired"},
        {"ordering": "password"},
        {"labour_market_status": "rich"},
    ],
)
def test_invalid_filter_values_answer_400(api, query):
    response = api.get("/api/v1/participants/", query)
    body = assert_envelope(response, 400, "validation_error")
    assert set(query) <= set(body["errors"])


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/case-notes/", {"participant": "not-a-uuid"}),
        ("/api/v1/case-notes/", {"occurred_at_after": "soon"}),
        ("/api/v1/matches/", {"vacancy": "nope"}),
        ("/api/v1/vacancies/", {"starts_on_before": "2024-02-30"}),
        ("/api/v1/enrolments/", {"status": "graduated"}),
        ("/api/v1/licence-cards/", {"valid_until_after": "x"}),
        ("/api/v1/trainings/", {"ends_on_after": "x"}),
        ("/api/v1/outcomes/", {"kind": "lottery"}),
        ("/api/v1/employers/", {"ordering": "business_id"}),
    ],
)
def test_invalid_filter_values_on_other_lists_answer_400(api, path, query):
    response = api.get(path, query)
    assert_envelope(response, 400, "validation_error")


def test_page_size_is_clamped_to_200(api):
    # given 205 participants (written in bulk, with history)
    from casework.models import Participant
    from core import audit
    from core.actors import system_actor

    audit.bulk_create(
        Participant,
        factories.ParticipantFactory.build_batch(
            205,
            enrolled_on=TODAY - datetime.timedelta(days=10),
            status_changed_on=TODAY - datetime.timedelta(days=10),
        ),
        actor=system_actor(),
        reason="test data",
    )

    # when
    huge = api.get("/api/v1/participants/", {"page_size": 1000})
    default = api.get("/api/v1/participants/")
    nonsense = api.get("/api/v1/participants/", {"page_size": "lots"})

    # then
    assert huge.status_code == 200
    assert huge.json()["count"] >= 205
    assert len(huge.json()["results"]) == 200
    assert len(default.json()["results"]) == 50
    assert nonsense.status_code == 400 and nonsense.json()["errors"].keys() == {"page_size"}
    assert set(huge.json()) == {"count", "next", "previous", "results"}


# The order of the checks (docs/access.md): no later answer reveals what an earlier one hides ----


def _other_url(world):
    return f"/api/v1/participants/{world.other_participant.uuid}/"


def _own_url(world):
    return f"/api/v1/participants/{world.participant.uuid}/"


@pytest.mark.parametrize(
    ("role", "url", "content_type", "if_match", "body", "status"),
    [
        ("anonymous", _own_url, "text/plain", '"9"', b"x", 401),
        ("manager", _own_url, "text/plain", '"9"', b"x", 403),
        ("other_counsellor", _own_url, "text/plain", None, b"x", 404),
        ("counsellor", _other_url, "text/plain", '"9"', b"x", 404),
        ("counsellor", _own_url, "text/plain", None, b"x", 415),
        ("counsellor", _own_url, "application/json", None, b"{bad", 428),
        ("counsellor", _own_url, "application/json", '"9"', b"{bad", 412),
        ("counsellor", _own_url, "application/json", '"1"', b"{bad", 400),
        ("counsellor", _own_url, "application/json", '"1"', b'{"email": "x"}', 400),
    ],
)
def test_a_patch_answers_the_first_check_that_fails(
    world, role, url, content_type, if_match, body, status
):
    before = snapshot()
    headers = {"HTTP_IF_MATCH": if_match} if if_match else {}
    response = client_for(world.user(role)).generic(
        "PATCH", url(world), body, content_type=content_type, **headers
    )
    assert response.status_code == status, response.content
    assert snapshot() == before


@pytest.mark.parametrize(
    ("url", "content_type", "body", "status"),
    [
        (_other_url, "text/plain", b"x", 404),
        (_own_url, "text/plain", b"x", 415),
        (_own_url, "application/json", b'{"to": "employed", "exit_reason": "other"}', 400),
        (_own_url, "application/json", b'{"to": "employed"}', 409),
    ],
)
@pytest.mark.parametrize("idempotency_key", [None, "order-key"])
def test_a_transition_answers_the_first_check_that_fails(
    world, url, content_type, body, status, idempotency_key
):
    headers = {"HTTP_IDEMPOTENCY_KEY": idempotency_key} if idempotency_key else {}
    response = client_for(world.counsellor).generic(
        "POST", url(world) + "transition/", body, content_type=content_type, **headers
    )
    assert response.status_code == status, response.content


def test_options_answers_405_in_the_envelope(counsellor):
    response = client_for(counsellor).options("/api/v1/participants/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_a_malformed_body_with_an_idempotency_key_is_a_parse_error_and_records_nothing(counsellor):
    from api.models import IdempotencyRecord

    response = client_for(counsellor).generic(
        "POST",
        "/api/v1/employers/",
        b'{"business_id": ',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert not IdempotencyRecord.objects.exists()
