import pytest
from rest_framework.test import APIClient

from tests import factories


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def counsellor():
    return factories.counsellor("182", username="counsellor.jamsa")


@pytest.fixture
def other_counsellor():
    return factories.counsellor("992", username="counsellor.aanekoski")


@pytest.fixture
def api(counsellor):
    return client_for(counsellor)
