"""``manage.py refresh_dashboards`` (docs/domain.md#dashboards-and-the-esf-report "Freshness")."""

from __future__ import annotations

import io

from django.core.management import call_command

from reporting.models import DashboardRollup
from reporting.rollups import (
    PILOT_KEY,
    municipality_dashboard_precomputed,
    pilot_dashboard_precomputed,
)
from tests.reporting.conftest import participant


def _refresh() -> str:
    out = io.StringIO()
    call_command("refresh_dashboards", stdout=out)
    return out.getvalue()


def test_refresh_on_an_empty_database_stores_an_empty_pilot_view_and_says_so():
    output = _refresh()

    assert "Refreshed pilot dashboard rollup" in output
    rollup = DashboardRollup.objects.get()
    assert rollup.key == PILOT_KEY
    assert rollup.payload["funnel"]["enrolled"] == 0
    assert rollup.payload["suppressed_cells"] == []
    assert rollup.payload["computed_at"] == rollup.computed_at.isoformat()


def test_refresh_recomputes_in_place(jamsa):
    _refresh()
    first = DashboardRollup.objects.get()
    for _ in range(5):
        participant(jamsa)

    _refresh()

    rollup = DashboardRollup.objects.get()
    assert rollup.pk == first.pk
    assert rollup.computed_at > first.computed_at
    assert rollup.payload["funnel"]["enrolled"] == 5
    assert pilot_dashboard_precomputed() == rollup.payload


def test_refresh_precomputes_the_municipalities_at_or_above_the_limit(jamsa, aanekoski, settings):
    settings.POLKU_DASHBOARD_LIVE_LIMIT = 3
    for _ in range(3):
        participant(jamsa)
    for _ in range(2):
        participant(aanekoski)

    output = _refresh()

    assert "Refreshed municipality:182 dashboard rollup" in output
    assert set(DashboardRollup.objects.values_list("key", flat=True)) == {
        PILOT_KEY,
        "municipality:182",
    }
    rollup = DashboardRollup.objects.get(key="municipality:182")
    assert rollup.payload["scope"]["code"] == "182"
    assert rollup.payload["funnel"]["enrolled"] is None  # 3 persons: suppressed as live
    assert rollup.payload == municipality_dashboard_precomputed(jamsa)
