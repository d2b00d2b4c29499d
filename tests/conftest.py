import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _database(db):
    """Every test runs against the database (reference data comes from the migrations)."""


@pytest.fixture
def jamsa():
    return factories.municipality("182")


@pytest.fixture
def aanekoski():
    return factories.municipality("992")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test flushes every table when it ends, reference data from the data
    migrations included, and Django restores it only when the *next* serialized-rollback test
    starts. Whatever runs next on this worker expects the reference data, so put it back now."""
    yield
    if nextitem is None:
        return  # the last test: the test database is already gone
    marker = item.get_closest_marker("django_db")
    if not marker or not marker.kwargs.get("transaction"):
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    from municipalities.models import Municipality

    serialized = getattr(connection, "_test_serialized_contents", None)
    if not serialized:
        return
    with item.config.stash[blocking_manager_key].unblock():
        if not Municipality.objects.exists():
            connection.creation.deserialize_db_from_string(serialized)
