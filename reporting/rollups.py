"""Precomputed dashboards (DESIGN.md §7 "Freshness"): the whole-pilot view may be served from a
rollup at most ``MAX_AGE`` old and says when it was computed (``computed_at``).

``refresh_rollups`` recomputes every rollup that exists in this list (today only the unfiltered
whole-pilot dashboard); ``manage.py refresh_dashboards`` calls it from a scheduler. Until the
command has ever run, or when a rollup is older than ``MAX_AGE`` (the scheduler has stopped), the
first reader computes it live and stores it, so the view always answers and never goes staler
than promised. A pilot view filtered by a period is computed live: periods are open-ended, and
precomputing them all would cost more than it saves.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from reporting.dashboards import pilot_dashboard
from reporting.models import DashboardRollup

PILOT_KEY = "pilot"
MAX_AGE = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class RefreshedRollup:
    key: str
    computed_at: datetime.datetime
    seconds: float


def _store(key: str, payload: dict[str, Any]) -> DashboardRollup:
    computed_at = datetime.datetime.fromisoformat(payload["computed_at"])
    rollup, _ = DashboardRollup.objects.update_or_create(
        key=key, defaults={"payload": payload, "computed_at": computed_at}
    )
    return rollup


#: What is precomputed: rollup key → the live computation it stores.
PRECOMPUTED = {PILOT_KEY: pilot_dashboard}


def refresh_rollups() -> list[RefreshedRollup]:
    """Recompute and store every precomputed dashboard; report what was done."""
    refreshed = []
    for key, compute in PRECOMPUTED.items():
        started = timezone.now()
        rollup = _store(key, compute())
        refreshed.append(
            RefreshedRollup(key, rollup.computed_at, (timezone.now() - started).total_seconds())
        )
    return refreshed


def pilot_dashboard_precomputed(
    *, period_from: datetime.date | None = None, period_to: datetime.date | None = None
) -> dict[str, Any]:
    """The whole-pilot dashboard: from the rollup when unfiltered (computing and storing it if
    it is missing or older than ``MAX_AGE``), live when filtered by a period."""
    if period_from or period_to:
        return pilot_dashboard(period_from=period_from, period_to=period_to)
    rollup = DashboardRollup.objects.filter(key=PILOT_KEY).first()
    if rollup is not None and rollup.computed_at >= timezone.now() - MAX_AGE:
        return rollup.payload
    return _store(PILOT_KEY, pilot_dashboard()).payload
