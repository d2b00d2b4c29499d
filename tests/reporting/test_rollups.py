"""``manage.py refresh_dashboards`` (DESIGN.md §7 "Freshness")."""

from __future__ import annotations

import io

from django.core.management import call_command

from reporting.models import DashboardRollup
from reporting.rollups import PILOT_KEY, pilot_dashboard_precomputed
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
