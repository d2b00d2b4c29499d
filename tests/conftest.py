import pytest
from django.test.client import RequestFactory
from django.utils import translation

from tests import factories

#: Polku speaks Finnish by default (docs/domain.md#languages). The suite's assertions are written in
#: English, so every test client asks for English unless a test says otherwise (a request's own
#: ``HTTP_ACCEPT_LANGUAGE`` or ``headers={"Accept-Language": …}`` wins over this default), and
#: code run outside a request runs in English. tests/i18n/ checks Finnish and Swedish.
TEST_LANGUAGE = "en"
_request_factory_init = RequestFactory.__init__


def _init_with_language(self, *args, **defaults):
    defaults.setdefault("HTTP_ACCEPT_LANGUAGE", TEST_LANGUAGE)
    _request_factory_init(self, *args, **defaults)


RequestFactory.__init__ = _init_with_language  # Client and APIClient inherit it


@pytest.fixture(autouse=True)
def _english_outside_requests():
    translation.activate(TEST_LANGUAGE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _database(db):
    """Every test runs against the database (reference data comes from the migrations)."""


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the database is rolled back between tests (SQLite
    may hand a later test's user the same id), so an access cached by an earlier test must not
    outlive it."""
    from django.core.cache import caches

    for alias in caches:
        caches[alias].clear()


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
