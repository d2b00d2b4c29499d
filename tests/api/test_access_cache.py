"""The cached access (casework.access, docs/adr/0019-access-cache.md): one statement or a cache
hit answers who the caller is, and every grant, revocation, cover, employer link and token
revocation takes effect on the very next request, in any worker."""

import datetime
import socket

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from casework import access
from casework.access import access_of, roles_of
from casework.services import participant_cover_grant, participant_cover_revoke
from core import audit
from core.access import Role
from core.access_cache import stamps_of
from core.actors import system_actor
from municipalities.models import Municipality
from municipalities.services import role_grant, role_revoke
from tests import factories
from tests.api.conftest import bearer_client


@pytest.fixture
def counsellor():
    return factories.counsellor("182")


def _resolutions(monkeypatch):
    calls = []
    resolve = access._resolve

    def counting(user_id):
        calls.append(user_id)
        return resolve(user_id)

    monkeypatch.setattr(access, "_resolve", counting)
    return calls


def test_the_second_request_reads_the_access_from_the_cache(counsellor, monkeypatch):
    # given one request that resolved the counsellor's access
    client = bearer_client(counsellor)
    assert client.get("/api/v1/participants/").status_code == 200
    calls = _resolutions(monkeypatch)

    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/participants/")

    # then the token statement carries the stamps and nothing else resolves the access
    assert response.status_code == 200
    assert calls == []
    token_sql = queries[0]["sql"]
    assert "api_apitoken" in token_sql and "core_accessstamp" in token_sql
    assert "employer" not in token_sql
    assert not any("auth_permission" in q["sql"] for q in queries)


def test_a_revoked_role_is_refused_on_the_very_next_request(counsellor):
    # given a counsellor whose access is cached
    client = bearer_client(counsellor)
    assert client.get("/api/v1/participants/").status_code == 200

    # when the grant is revoked
    role_revoke(actor=system_actor(), grant=counsellor.role_grants.get())

    # then
    response = client.get("/api/v1/participants/")
    assert response.status_code == 403, response.content


def test_a_new_grant_works_on_the_very_next_request():
    # given a user without roles, refused (and that answer cached)
    user = factories.UserFactory()
    client = bearer_client(user)
    assert client.get("/api/v1/participants/").status_code == 403

    # when
    role_grant(
        actor=system_actor(), user=user, role="counsellor", municipality=factories.municipality()
    )

    # then
    assert client.get("/api/v1/participants/").status_code == 200


def test_a_cover_and_its_end_take_effect_on_the_next_request(counsellor):
    # given a participant of another municipality, out of the counsellor's reach
    participant = factories.ParticipantFactory(municipality=factories.municipality("992"))
    client = bearer_client(counsellor)
    path = f"/api/v1/participants/{participant.uuid}/"
    assert client.get(path).status_code == 404

    # when a cover is granted, then ended
    cover = participant_cover_grant(actor=system_actor(), participant=participant, user=counsellor)
    covered = client.get(path).status_code
    participant_cover_revoke(actor=system_actor(), cover=cover)

    # then
    assert covered == 200
    assert client.get(path).status_code == 404


def test_a_revoked_token_is_refused_on_the_very_next_request(counsellor):
    client = bearer_client(counsellor)
    assert client.get("/api/v1/participants/").status_code == 200

    assert client.delete("/api/v1/auth/token/").status_code == 204

    assert client.get("/api/v1/participants/").status_code == 401


def test_a_deactivated_user_is_refused_on_the_very_next_request(counsellor):
    client = bearer_client(counsellor)
    assert client.get("/api/v1/participants/").status_code == 200

    type(counsellor).objects.filter(pk=counsellor.pk).update(is_active=False)

    assert client.get("/api/v1/participants/").status_code == 401


def test_another_worker_sees_the_change_without_any_message(counsellor, monkeypatch):
    """Workers share nothing but the database: the revocation only replaces the stamp, and the
    other worker's cache entry (still there) is never looked up again."""
    # given a worker that cached the counsellor's access
    worker_cache = caches[access.CACHE_ALIAS]
    client = bearer_client(counsellor)
    assert client.get("/api/v1/participants/").status_code == 200
    entries_before = len(worker_cache._cache)  # type: ignore[attr-defined]

    # when another process revokes (nothing is deleted from this worker's cache)
    role_revoke(actor=system_actor(), grant=counsellor.role_grants.get())
    assert len(worker_cache._cache) == entries_before  # type: ignore[attr-defined]

    # then
    assert client.get("/api/v1/participants/").status_code == 403


def test_the_cache_key_changes_with_the_day(counsellor, monkeypatch):
    """Covers end on their date without anyone acting: an access is never used on another day."""
    user = type(counsellor).objects.get(pk=counsellor.pk)
    access_of(user)
    calls = _resolutions(monkeypatch)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(access.timezone, "localdate", lambda: tomorrow)

    access_of(type(counsellor).objects.get(pk=counsellor.pk))

    assert calls == [counsellor.pk]


def test_a_new_municipality_reaches_the_pilot_coordinator_at_once():
    coordinator = factories.coordinator()
    before = access_of(type(coordinator).objects.get(pk=coordinator.pk))

    added = audit.create(
        Municipality(code="998", name_fi="Testikunta", region_code="13"),
        actor=system_actor(),
        reason="test",
    )

    after = access_of(type(coordinator).objects.get(pk=coordinator.pk))
    assert added.pk not in before.municipality_ids("coordinator")
    assert added.pk in after.municipality_ids("coordinator")


def test_an_employer_link_changes_the_role_at_once():
    user = factories.UserFactory()
    assert roles_of(type(user).objects.get(pk=user.pk)) == frozenset()

    from casework.services import employer_membership_set

    employer_membership_set(actor=system_actor(), user=user, employer=factories.EmployerFactory())

    assert roles_of(type(user).objects.get(pk=user.pk)) == {Role.EMPLOYER}


def _redis_reachable() -> bool:
    try:
        import redis  # noqa: F401
    except ImportError:
        return False
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis at 127.0.0.1:6379")
def test_the_access_cache_works_on_redis(counsellor):
    redis_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": f"polku-test-{connection.settings_dict['NAME']}",
    }
    with override_settings(CACHES={"default": redis_cache}):
        shared = caches["default"]
        client = bearer_client(counsellor)
        key = None
        try:
            # when a request resolves the access
            assert client.get("/api/v1/participants/").status_code == 200
            key = access._cache_key(
                counsellor.pk, stamps_of(counsellor.pk), access.timezone.localdate()
            )
            # then Redis holds it, and a revocation still answers the next request
            assert shared.get(key).municipality_ids("counsellor") == {factories.municipality().pk}
            role_revoke(actor=system_actor(), grant=counsellor.role_grants.get())
            assert client.get("/api/v1/participants/").status_code == 403
        finally:
            if key is not None:
                shared.delete(key)
