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
