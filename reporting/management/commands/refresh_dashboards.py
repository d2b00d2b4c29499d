"""``manage.py refresh_dashboards``: recompute the precomputed dashboards (docs/domain.md#dashboards-and-the-esf-report).

What is precomputed: the unfiltered whole-pilot dashboard and the unfiltered dashboards of the
municipalities with at least ``POLKU_DASHBOARD_LIVE_LIMIT`` participants (``reporting.rollups``,
ADR 12). Run it from a scheduler every four minutes or so: the API serves a rollup while it is at
most five minutes old and otherwise recomputes it in the request. It only rewrites rollups
(derived data), so running it again, or on an empty database, does no harm."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reporting.rollups import refresh_rollups


class Command(BaseCommand):
    help = "Recompute the precomputed dashboards (the whole pilot and the largest municipalities)."

    def handle(self, *args: Any, **options: Any) -> None:
        refreshed = refresh_rollups()
        if not refreshed:
            self.stdout.write(_("Nothing is precomputed; nothing to do."))
            return
        for rollup in refreshed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Refreshed {rollup.key} dashboard rollup: computed at "
                    f"{rollup.computed_at.isoformat()} in {rollup.seconds:.2f} s."
                )
            )
