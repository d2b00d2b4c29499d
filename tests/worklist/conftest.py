"""The worklist's tests run on a fixed day, so that the boundary days (yesterday, today + 14,
today + 15) are working days away from holidays: Wednesday 11 March 2026."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine

from tests import factories
from tests.api.conftest import client_for

TODAY = datetime.date(2026, 3, 11)


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel(datetime.datetime(2026, 3, 11, 10, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def counsellor():
    return factories.counsellor("182", username="counsellor.jamsa")


@pytest.fixture
def api(counsellor) -> Any:
    return client_for(counsellor)
