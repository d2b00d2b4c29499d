from __future__ import annotations

from django.conf import settings
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


class DigestSent(models.Model):
    """One digest email sent to one user on one day (``reporting.digests``): the record that
    makes ``send_digests`` send at most one a day per user and kind, and what it said. Counts
    only, never personal data. A log, not a domain record: written once, never changed."""

    class Kind(models.TextChoices):
        COUNSELLOR = "counsellor", "counsellor"
        EMPLOYER = "employer", "employer"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_on = models.DateField()
    sent_at = models.DateTimeField()
    counts = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "sent_on"], name="digest_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.kind} digest to {self.user_id} on {self.sent_on}"
