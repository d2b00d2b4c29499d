"""The shared kernel's models: the audited base every domain model inherits, and the read-access
log. There are no concrete domain models here (STYLE.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AuditedModel(models.Model):
    """Base of every domain model.

    - ``id`` is an internal bigint key that never leaves the server; ``uuid`` is the public id.
    - ``version`` rises by one on every saved change (optimistic concurrency, ``ETag``).
    - ``history`` is django-simple-history; ``core.audit`` fills in the actor and the reason, and
      refuses a history row without them.
    """

    id = models.BigAutoField(primary_key=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(inherit=True, excluded_fields=["updated_at"])

    class Meta:
        abstract = True


class AccessEvent(models.Model):
    """One read of participants' personal data: who, in which role, through what, with what
    outcome. Append-only; ``AccessEventSubject`` links it to each participant shown."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("success")
        DENIED = "denied", _("denied")

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    role = models.CharField(max_length=20)
    action = models.CharField(max_length=120)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    subject_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=["success", "denied"]),
                name="access_event_outcome_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.role} {self.action}"


class AccessEventSubject(models.Model):
    """A participant shown by an access event. Keyed by the participant's internal id with no
    foreign key, so the log never blocks retention work and can be partitioned by month. The
    event link has no database constraint either: the log is append-only and written in one
    place, the event and its subjects in one statement (docs/adr/0020-access-log-statement.md)."""

    id = models.BigAutoField(primary_key=True)
    event = models.ForeignKey(
        AccessEvent, on_delete=models.PROTECT, related_name="subjects", db_constraint=False
    )
    participant_id = models.BigIntegerField()
    municipality_id = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["participant_id", "event"], name="access_subject_participant"),
            models.Index(fields=["municipality_id", "event"], name="access_subject_municipality"),
        ]


class UserPreference(AuditedModel):
    """A user's own settings: today the language the pages speak to them (docs/domain.md#languages).
    One row per user, written by ``core.preferences.user_preference_set``."""

    class Language(models.TextChoices):
        FI = "fi", _("Finnish")
        SV = "sv", _("Swedish")
        EN = "en", _("English")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="preference",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(language__in=["", "fi", "sv", "en"]),
                name="user_preference_language_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.language or '-'})"


class HistoryErasure(models.Model):
    """The audit record of the one exception to append-only history (core.anonymise): who
    erased what from the history rows and access-log links of one participant, and why. The
    participant is named by the same keyed pseudonym that replaces it in the access log."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    subject_pseudonym = models.BigIntegerField(db_index=True)
    #: {"<history table>": rows changed, …, "access_log_links": n}
    rows = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.reason}"


class CalendarDay(models.Model):
    """One calendar day and whether it is a working day in Finland (``core.working_days``).

    Derived reference data, filled by ``core.working_days.fill_calendar`` (a data migration and
    ``manage.py refresh_calendar``) from the maintained ``holidays`` library: a working day is a
    Monday to Friday that is not a Finnish public holiday (nor Midsummer Eve or Christmas Eve).
    ``working_day_number`` counts the working days from the first day of the table up to and
    including this one, so "``n`` working days after ``d``" is the working day whose number is
    ``d``'s number + ``n``: two index look-ups in SQL (ADR 17)."""

    day = models.DateField(primary_key=True)
    is_working_day = models.BooleanField()
    working_day_number = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["working_day_number"],
                condition=models.Q(is_working_day=True),
                name="calendar_working_day_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} ({'working day' if self.is_working_day else 'holiday'})"


class AccessStamp(models.Model):
    """What a user may access is cached per process (``casework.access``) under the user's stamp,
    the stamp for everyone (``holder`` 0) and today's date. A service that changes a grant, a
    cover or an employer link replaces the user's stamp with a new random one in its own
    transaction (``core.access_cache.invalidate_access``), so the next request of any worker
    reads the new stamp with its token and misses the cache (docs/adr/0019-access-cache.md).
    Random rather than counted: a rolled-back change never brings a stamp back."""

    holder = models.BigIntegerField(primary_key=True)
    stamp = models.BigIntegerField()

    def __str__(self) -> str:
        return f"access stamp of {self.holder or 'everyone'}"
