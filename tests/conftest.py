from pathlib import Path

import pytest
from django.apps import apps
from django.db import connections
from django.db.migrations import RunPython
from django.db.migrations.loader import MigrationLoader
from django.test.client import RequestFactory
from django.test.utils import override_settings
from django.utils import timezone, translation

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


_ROOT = Path(__file__).resolve().parents[1]


def load_reference_data(connection) -> None:
    """Run the forward code of every data migration (``RunPython``) of the project's apps, in
    migration order, with the migrations' own historical models (no history, no audit guard: as
    ``migrate`` runs them)."""
    with override_settings(MIGRATION_MODULES={}):
        loader = MigrationLoader(None, ignore_no_migrations=True)
    plan: list[tuple[str, str]] = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    project_apps = {
        config.label for config in apps.get_app_configs() if config.path.startswith(str(_ROOT))
    }
    state_apps = loader.project_state().apps
    with connection.schema_editor() as editor:
        for key in plan:
            if key[0] not in project_apps:
                continue
            for operation in loader.graph.nodes[key].operations:
                if isinstance(operation, RunPython):
                    operation.code(state_apps, editor)


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """The suite runs with ``--nomigrations`` (pytest.ini addopts): the test database is built
    from the models in seconds instead of through every migration (CI applies the migrations
    once, .ci/run). The reference data the data migrations load is then loaded by running those
    same data migrations' forward code against the current models (``data_migrations``), and the
    serialized copy that transactional tests restore is taken again to include it."""
    if not request.config.getoption("nomigrations"):
        return
    with django_db_blocker.unblock():
        for alias in connections:
            connection = connections[alias]
            load_reference_data(connection)
            if getattr(connection, "_test_serialized_contents", None) is not None:
                # Django serializes the apps the migration loader knows: show it the migrations.
                with override_settings(MIGRATION_MODULES={}):
                    contents = connection.creation.serialize_db_to_string()
                connection._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def _database(db):
    """Every test runs against the database (reference data from the data migrations)."""


@pytest.fixture
def today():
    """Today in Polku's time zone, as the code under test sees it (``timezone.localdate()``)."""
    return timezone.localdate()


@pytest.fixture
def counsellor():
    """A counsellor of Jämsä (182)."""
    return factories.counsellor("182")


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
