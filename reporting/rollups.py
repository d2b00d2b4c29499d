"""Precomputed dashboards (docs/domain.md#dashboards-and-the-esf-report "Freshness", issue 5): what is too big to compute within
a request comes from a rollup at most ``MAX_AGE`` old, and the answer says when it was computed
(``computed_at``).

Precomputed are the unfiltered whole-pilot dashboard and the unfiltered dashboard of every
municipality with at least ``settings.POLKU_DASHBOARD_LIVE_LIMIT`` participants (ADR 12): below
that a live answer takes under 100 ms at national scale, above it the live computation grows with
the municipality (two seconds for the largest, 89,000 participants). Every other dashboard is
live, including every dashboard filtered by a period (periods are open-ended; precomputing them
would cost more than it saves).

``refresh_rollups`` recomputes every precomputed dashboard and forgets the rollups of
municipalities that have fallen below the limit; ``manage.py refresh_dashboards`` calls it from a
scheduler. Until the command has ever run, a dashboard is computed live. When a rollup is older
than ``MAX_AGE`` (the scheduler has stopped), the first reader recomputes and stores it, so an
answer is never staler than promised.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from casework.models import Participant
from municipalities.models import Municipality
from reporting.dashboards import municipality_dashboard, pilot_dashboard
from reporting.models import DashboardRollup

PILOT_KEY = "pilot"
MAX_AGE = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class RefreshedRollup:
    key: str
    computed_at: datetime.datetime
    seconds: float


def municipality_key(municipality: Municipality) -> str:
    return f"municipality:{municipality.code}"


def _store(key: str, payload: dict[str, Any]) -> DashboardRollup:
    computed_at = datetime.datetime.fromisoformat(payload["computed_at"])
    rollup, _ = DashboardRollup.objects.update_or_create(
        key=key, defaults={"payload": payload, "computed_at": computed_at}
    )
    return rollup


def large_municipalities() -> list[Municipality]:
    """The municipalities whose dashboards are precomputed: at least
    ``POLKU_DASHBOARD_LIVE_LIMIT`` participants (one index-only count per municipality)."""
    limit = settings.POLKU_DASHBOARD_LIVE_LIMIT
    large = (
        Participant.objects.values("municipality_id")
        .annotate(participants=Count("*"))
        .filter(participants__gte=limit)
        .order_by()
        .values("municipality_id")
    )
    return list(Municipality.objects.filter(id__in=large).order_by("code"))


def _precomputed() -> dict[str, Any]:
    """What is precomputed: rollup key → the live computation it stores."""
    computations: dict[str, Any] = {PILOT_KEY: pilot_dashboard}
    for municipality in large_municipalities():
        computations[municipality_key(municipality)] = lambda m=municipality: (
            municipality_dashboard(m)
        )
    return computations


def refresh_rollups() -> list[RefreshedRollup]:
    """Recompute and store every precomputed dashboard, forget rollups nothing needs any more,
    and report what was done."""
    computations = _precomputed()
    DashboardRollup.objects.exclude(key__in=computations).delete()
    refreshed = []
    for key, compute in computations.items():
        started = timezone.now()
        rollup = _store(key, compute())
        refreshed.append(
            RefreshedRollup(key, rollup.computed_at, (timezone.now() - started).total_seconds())
        )
    return refreshed


def _from_rollup(key: str, compute: Any, *, store_when_missing: bool) -> dict[str, Any]:
    rollup = DashboardRollup.objects.filter(key=key).first()
    if rollup is not None and rollup.computed_at >= timezone.now() - MAX_AGE:
        return rollup.payload
    if rollup is None and not store_when_missing:
        return compute()
    return _store(key, compute()).payload


def pilot_dashboard_precomputed(
    *, period_from: datetime.date | None = None, period_to: datetime.date | None = None
) -> dict[str, Any]:
    """The whole-pilot dashboard: from the rollup when unfiltered (computing and storing it if
    it is missing or older than ``MAX_AGE``), live when filtered by a period."""
    if period_from or period_to:
        return pilot_dashboard(period_from=period_from, period_to=period_to)
    return _from_rollup(PILOT_KEY, pilot_dashboard, store_when_missing=True)


def municipality_dashboard_precomputed(
    municipality: Municipality,
    *,
    period_from: datetime.date | None = None,
    period_to: datetime.date | None = None,
) -> dict[str, Any]:
    """A municipality's dashboard: from its rollup when it has one and the view is unfiltered
    (recomputed and stored if older than ``MAX_AGE``), live otherwise. The caller has checked
    that the user may see it."""
    if period_from or period_to:
        return municipality_dashboard(municipality, period_from=period_from, period_to=period_to)
    return _from_rollup(
        municipality_key(municipality),
        lambda: municipality_dashboard(municipality),
        store_when_missing=False,
    )
