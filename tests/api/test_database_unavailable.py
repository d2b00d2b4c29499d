"""The database unavailable answers 503 ``service_unavailable`` with ``Retry-After`` (issue 9),
not 500. Transactional tests, in a module of their own (no module-scoped world here)."""

import os

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from tests import factories
from tests.api.conftest import bearer_client


def _assert_503(response):
    assert response.status_code == 503, response.content
    assert response.json()["code"] == "service_unavailable"
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_lost_database_connection_answers_503_with_retry_after(monkeypatch):
    # given a token, then the database server stops: every new connection is refused
    counsellor = factories.counsellor("182")
    client = bearer_client(counsellor)
    wrapper = connections["default"]

    def refused(*args, **kwargs):
        raise wrapper.Database.OperationalError("could not connect to server: Connection refused")

    wrapper.ensure_connection()
    real = wrapper.connection
    monkeypatch.setattr(wrapper, "get_new_connection", refused)
    wrapper.connection = None
    try:
        # when / then
        _assert_503(client.get("/api/v1/participants/"))
        _assert_503(APIClient().post("/api/v1/auth/token/", {"username": "x", "password": "y"}))
    finally:
        # the server is back: the same connection, with the state a failed connect() reset
        wrapper.connection = real
        wrapper.in_atomic_block = False
        wrapper.needs_rollback = False
        wrapper.savepoint_ids = []
        wrapper.atomic_blocks = []
        wrapper.autocommit = wrapper.get_autocommit()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real server to stop: PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_on_a_closed_port_answers_503(monkeypatch):
    counsellor = factories.counsellor("182")
    client = bearer_client(counsellor)
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "PORT", os.environ.get("POLKU_CLOSED_PORT", "9"))
    try:
        _assert_503(client.get("/api/v1/participants/"))
    finally:
        connection.close()
