"""The database checks: autovacuum off is reported (polku.W001), on PostgreSQL only."""

from unittest import mock

import pytest
from django.db import connection

from core.checks import autovacuum_is_on


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_autovacuum_off_is_a_warning_and_on_is_none():
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        (actual,) = cursor.fetchone()

    found = autovacuum_is_on(databases=["default"])

    assert [w.id for w in found] == ([] if actual == "on" else ["polku.W001"])


def test_the_check_reports_the_setting_it_reads():
    class Cursor:
        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

        def execute(self, sql):
            assert sql == "SHOW autovacuum"

        def fetchone(self):
            return ("off",)

    postgresql = mock.Mock(vendor="postgresql", cursor=Cursor)
    with mock.patch("core.checks.connections", {"default": postgresql}):
        found = autovacuum_is_on(databases=["default"])
    with mock.patch("core.checks.connections", {"default": mock.Mock(vendor="sqlite")}):
        skipped = autovacuum_is_on(databases=["default"])

    assert [w.id for w in found] == ["polku.W001"]
    assert skipped == []
