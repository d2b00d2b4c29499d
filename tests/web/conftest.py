"""Fixtures for the pages: the users of every kind that the dashboard pages' tests use."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import dashboard_users


@pytest.fixture
def users() -> dict[str, Any]:
    return dashboard_users()
