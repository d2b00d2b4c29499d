"""Bearer tokens (docs/api.md): issued by ``POST auth/token/``, stored hashed, valid for 8
hours, revocable; 10 consecutive failures for one username from one address lock that pair."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from api.models import ApiToken
from tests import factories
from tests.api.conftest import client_for

TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "secret-pass-123"


@pytest.fixture
def user():
    return factories.counsellor("182", username="counsellor.jamsa")


def _login(client, username, password, address="10.0.0.1"):
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


def _bearer(token):
    client = client_for()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_a_token_is_issued_for_eight_hours_and_works(user):
    # when
    response = _login(client_for(), user.username, PASSWORD)

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    expires_at = datetime.datetime.fromisoformat(body["expires_at"])
    assert abs(expires_at - (timezone.now() + datetime.timedelta(hours=8))) < datetime.timedelta(
        minutes=1
    )
    assert _bearer(body["token"]).get("/api/v1/participants/").status_code == 200


def test_a_token_is_stored_only_as_its_hash(user):
    token = _login(client_for(), user.username, PASSWORD).json()["token"]
    stored = ApiToken.objects.get(user=user)
    assert stored.key_hash != token
    assert len(stored.key_hash) == 64
    assert not ApiToken.objects.filter(key_hash=token).exists()
    for row in ApiToken.objects.values():
        assert token not in {str(value) for value in row.values()}


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("counsellor.jamsa", "wrong"),
        ("counsellor.jamsa", ""),
        ("nobody", PASSWORD),
        ("COUNSELLOR.JAMSA", PASSWORD),
    ],
)
def test_wrong_credentials_answer_401(user, username, password):
    response = _login(client_for(), username, password)
    assert response.status_code in (400, 401), response.content
    if response.status_code == 401:
        assert response.json()["code"] == "authentication_failed"
    assert not ApiToken.objects.exists()


def test_an_inactive_user_gets_no_token(user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert _login(client_for(), user.username, PASSWORD).status_code == 401


def test_a_request_without_credentials_answers_400(user):
    response = client_for().post(TOKEN_URL, {"username": user.username}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_delete_revokes_the_token_in_use(user):
    # given two tokens of the same user
    token = _login(client_for(), user.username, PASSWORD).json()["token"]
    other = _login(client_for(), user.username, PASSWORD).json()["token"]

    # when
    revoked = _bearer(token).delete(TOKEN_URL)

    # then only that token stops working
    assert revoked.status_code == 204
    after = _bearer(token).get("/api/v1/participants/")
    assert after.status_code == 401
    assert after.json()["code"] == "authentication_failed"
    assert after["WWW-Authenticate"] == "Bearer"
    assert _bearer(other).get("/api/v1/participants/").status_code == 200
    assert _bearer(token).delete(TOKEN_URL).status_code == 401


def test_delete_without_a_token_answers_401():
    response = client_for().delete(TOKEN_URL)
    assert response.status_code == 401


def test_an_expired_token_answers_401(user):
    # given a token issued a little over eight hours ago
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=8, minutes=1)):
        token = _login(client_for(), user.username, PASSWORD).json()["token"]

    # when
    response = _bearer(token).get("/api/v1/participants/")

    # then
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_token_still_works_just_before_it_expires(user):
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=7, minutes=59)):
        token = _login(client_for(), user.username, PASSWORD).json()["token"]
    assert _bearer(token).get("/api/v1/participants/").status_code == 200


def test_the_token_of_a_deactivated_user_stops_working(user):
    token = _login(client_for(), user.username, PASSWORD).json()["token"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert _bearer(token).get("/api/v1/participants/").status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b", "Bearer \u00e4\u00e4kk\u00f6set", "Token abc", "Basic dXNlcjpwYXNz"],
)
def test_malformed_authorization_headers_answer_401(user, header):
    client = client_for()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/participants/")
    assert response.status_code == 401
    assert response.json()["code"] in ("authentication_failed", "not_authenticated")


# Lockout -------------------------------------------------------------------------------------


def test_ten_failures_lock_the_username_and_address_even_for_the_right_password(user):
    # given ten consecutive failures
    client = client_for()
    failures = [_login(client, user.username, "wrong") for _ in range(10)]
    assert {response.status_code for response in failures[:9]} == {401}
    assert failures[9].status_code == 429
    assert failures[9].json()["code"] == "locked_out"

    # when the right password comes next
    response = _login(client, user.username, PASSWORD)

    # then the pair is locked
    assert response.status_code == 429, response.content
    assert response.json()["code"] == "locked_out"
    assert not ApiToken.objects.exists()


def test_nine_failures_do_not_lock_and_a_success_resets_the_count(user):
    client = client_for()
    for _ in range(9):
        assert _login(client, user.username, "wrong").status_code == 401
    assert _login(client, user.username, PASSWORD).status_code == 201
    for _ in range(9):
        assert _login(client, user.username, "wrong").status_code == 401
    assert _login(client, user.username, PASSWORD).status_code == 201


def test_the_lockout_leaves_another_username_and_another_address_alone(user):
    # given a locked pair
    colleague = factories.counsellor("182", username="counsellor.jamsa.2")
    client = client_for()
    for _ in range(10):
        _login(client, user.username, "wrong")
    assert _login(client, user.username, PASSWORD).status_code == 429

    # then
    assert _login(client, colleague.username, PASSWORD).status_code == 201
    assert _login(client, user.username, PASSWORD, address="10.0.0.2").status_code == 201


def test_the_lockout_ends_after_15_minutes(user):
    client = client_for()
    for _ in range(10):
        _login(client, user.username, "wrong")
    assert _login(client, user.username, PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert _login(client, user.username, PASSWORD).status_code == 201


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "with a bearer token"])
def test_an_idempotency_key_on_the_token_endpoint_issues_a_fresh_token_and_stores_nothing(
    user, signed_in
):
    from api.models import IdempotencyRecord

    client = client_for()
    if signed_in:
        client = _bearer(_login(client_for(), user.username, PASSWORD).json()["token"])
    body = {"username": user.username, "password": PASSWORD}

    first = client.post(TOKEN_URL, body, format="json", HTTP_IDEMPOTENCY_KEY="login-1")
    retry = client.post(TOKEN_URL, body, format="json", HTTP_IDEMPOTENCY_KEY="login-1")

    assert first.status_code == retry.status_code == 201, (first.content, retry.content)
    assert first.json()["token"] != retry.json()["token"]
    assert not retry.has_header("Idempotent-Replayed")
    assert not IdempotencyRecord.objects.exists()
