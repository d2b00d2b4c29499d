from __future__ import annotations

from django.db import models


class DashboardRollup(models.Model):
    """A precomputed dashboard answer (already suppressed), keyed by what it covers (``pilot``).

    Rollups are derived data, not domain records: they are recomputed from the domain tables by
    ``manage.py refresh_dashboards`` (or on demand when missing or stale) and overwritten in
    place, so they have no audit history and no ``version``. They hold aggregates only, never
    participant-level data."""

    key = models.CharField(max_length=100, unique=True)
    payload = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key} ({self.computed_at:%Y-%m-%d %H:%M})"
