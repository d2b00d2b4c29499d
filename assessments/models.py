from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.language_levels import LEVEL_CHOICES, LEVELS
from core.i18n import localized_name
from core.models import AuditedModel


class Occupation(models.Model):
    """ISCO-08 reference data (shared/data/isco08.csv), loaded by a data migration. Read-only
    reference, not a domain record: it has no history and is never written after loading."""

    code = models.CharField(max_length=4, primary_key=True)
    level = models.PositiveSmallIntegerField()
    title_en = models.CharField(max_length=300)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4), name="occupation_level_1_to_4"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title_en}"


class LicenceType(AuditedModel):
    """A licence card (lupakortti) that employers require (docs/domain.md)."""

    code = models.SlugField(max_length=60, unique=True)
    name_fi = models.CharField(max_length=200)
    name_sv = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    issuer = models.CharField(max_length=200)
    validity_years = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Empty when the card never expires.")
    )

    class Meta:
        ordering = ["code"]

    @property
    def name(self) -> str:
        """The name in the active language (``name_fi`` where the catalogue lacks it)."""
        return localized_name(self)

    def __str__(self) -> str:
        return localized_name(self)

    def valid_until_for(self, issued_on: datetime.date) -> datetime.date | None:
        """The last day a card issued on ``issued_on`` is valid: the same date ``validity_years``
        later, as the issuers print it (29 February falls back to 28 February); None when the
        type never expires."""
        if self.validity_years is None:
            return None
        year = issued_on.year + self.validity_years
        try:
            return issued_on.replace(year=year)
        except ValueError:
            return datetime.date(year, 2, 28)


class LanguageAssessment(AuditedModel):
    class Language(models.TextChoices):
        FINNISH = "fi", _("Finnish")
        SWEDISH = "sv", _("Swedish")

    class Instrument(models.TextChoices):
        YKI = "yki", _("YKI")
        COURSE_TEST = "course_test", _("course test")
        COUNSELLOR_ESTIMATE = "counsellor_estimate", _("counsellor estimate")

    participant = models.ForeignKey(
        "casework.Participant", on_delete=models.PROTECT, related_name="language_assessments"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(max_length=2, choices=Language.choices)
    assessed_on = models.DateField()
    instrument = models.CharField(max_length=30, choices=Instrument.choices)
    reading = models.CharField(max_length=4, choices=LEVEL_CHOICES, null=True, blank=True)
    listening = models.CharField(max_length=4, choices=LEVEL_CHOICES, null=True, blank=True)
    speaking = models.CharField(max_length=4, choices=LEVEL_CHOICES, null=True, blank=True)
    writing = models.CharField(max_length=4, choices=LEVEL_CHOICES, null=True, blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        indexes = [
            # Covering (PostgreSQL): the ranking and the dashboards read the latest levels
            # per participant from the index alone (ADR 9, ADR 12).
            models.Index(
                fields=["municipality", "participant", "language", "assessed_on"],
                include=["id", "reading", "listening", "speaking", "writing"],
                name="language_assessment_tenant",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=["fi", "sv"]), name="la_language_valid"
            ),
            models.CheckConstraint(
                condition=Q(instrument__in=["yki", "course_test", "counsellor_estimate"]),
                name="la_instrument_valid",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{skill}__isnull": True}) | Q(**{f"{skill}__in": LEVELS}),
                    name=f"la_{skill}_level_valid",
                )
                for skill in ("reading", "listening", "speaking", "writing")
            ],
            models.CheckConstraint(
                condition=Q(reading__isnull=False)
                | Q(listening__isnull=False)
                | Q(speaking__isnull=False)
                | Q(writing__isnull=False),
                name="la_at_least_one_skill",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.assessed_on}"


class LatestLanguageLevels(models.Model):
    """The latest assessed level of each skill (its rank), per participant and language: derived
    data.

    Kept by ``assessments.latest_levels.sync`` in the same transaction as every language
    assessment write (the assessment services, and the bulk loaders after a load), so the
    candidate ranking reads one narrow row per candidate instead of every assessment (ADR 9).
    Recomputable at any time from ``LanguageAssessment``; it has no history of its own (the
    assessments have it) and holds nothing that is not in them."""

    participant = models.ForeignKey(
        "casework.Participant", on_delete=models.CASCADE, related_name="+"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(max_length=2)
    # Ranks on the sub-level scale (0 = A1.1 … 12 = C2.2, language_levels.rank), NULL for a
    # skill never assessed: integers compare and subtract without a lookup per row.
    reading = models.PositiveSmallIntegerField(null=True)
    listening = models.PositiveSmallIntegerField(null=True)
    speaking = models.PositiveSmallIntegerField(null=True)
    writing = models.PositiveSmallIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "language"], name="latest_levels_one_per_language"
            )
        ]
        indexes = [
            models.Index(
                fields=["municipality", "language", "participant"],
                include=["reading", "listening", "speaking", "writing"],
                name="latest_levels_tenant",
            )
        ]

    def __str__(self) -> str:
        return f"latest {self.language} levels of participant {self.participant_id}"


class SkillAssessment(AuditedModel):
    class Evidence(models.TextChoices):
        WORK_HISTORY = "work_history", _("work history")
        DEMONSTRATION = "demonstration", _("demonstration")
        CERTIFICATE = "certificate", _("certificate")

    participant = models.ForeignKey(
        "casework.Participant", on_delete=models.PROTECT, related_name="skill_assessments"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    esco_skill_uri = models.URLField(max_length=300, blank=True)
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    years_experience = models.DecimalField(
        max_digits=4, decimal_places=1, default=0, validators=[MinValueValidator(0)]
    )
    evidence = models.CharField(max_length=20, choices=Evidence.choices)
    assessed_on = models.DateField()
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        indexes = [
            # Occupation before participant: the ranking reads one ISCO-08 group of a
            # municipality, from the index alone (PostgreSQL).
            models.Index(
                fields=["municipality", "occupation", "participant"],
                include=["level", "years_experience"],
                name="skill_assessment_tenant",
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="sa_level_1_to_4"),
            models.CheckConstraint(
                condition=Q(years_experience__gte=0, years_experience__lte=80),
                name="sa_years_experience_range",
            ),
            models.CheckConstraint(
                condition=Q(evidence__in=["work_history", "demonstration", "certificate"]),
                name="sa_evidence_valid",
            ),
            models.CheckConstraint(
                condition=Q(occupation__isnull=False) | ~Q(esco_skill_uri=""),
                name="sa_occupation_or_esco_skill",
            ),
        ]


class Training(AuditedModel):
    """A licence-card training course."""

    licence_type = models.ForeignKey(
        LicenceType, on_delete=models.PROTECT, related_name="trainings"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    provider = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    seats = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    language = models.CharField(max_length=3, default="fi", help_text=_("ISO 639 code"))

    class Meta:
        indexes = [
            models.Index(fields=["municipality", "licence_type", "ends_on"], name="training_tenant")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="training_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="training_seats_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.licence_type_id} {self.starts_on} ({self.provider})"


class Enrolment(AuditedModel):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("enrolled")
        ATTENDED = "attended", _("attended")
        NO_SHOW = "no_show", _("no show")
        CANCELLED = "cancelled", _("cancelled")
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")

    TRANSITIONS: dict[str, frozenset[str]] = {
        "enrolled": frozenset({"attended", "no_show", "cancelled"}),
        "attended": frozenset({"passed", "failed"}),
        "no_show": frozenset(),
        "cancelled": frozenset(),
        "passed": frozenset(),
        "failed": frozenset(),
    }
    #: Statuses that hold a seat on the training.
    SEAT_HOLDING = ("enrolled", "attended", "passed", "failed")

    training = models.ForeignKey(Training, on_delete=models.PROTECT, related_name="enrolments")
    participant = models.ForeignKey(
        "casework.Participant", on_delete=models.PROTECT, related_name="enrolments"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ENROLLED)
    status_reason = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["municipality", "participant", "status"], name="enrolment_tenant"),
            models.Index(fields=["training", "status"], name="enrolment_training_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["training", "participant"], name="enrolment_unique"),
            models.CheckConstraint(
                condition=Q(
                    status__in=["enrolled", "attended", "no_show", "cancelled", "passed", "failed"]
                ),
                name="enrolment_status_valid",
            ),
        ]


class LicenceCardQuerySet(models.QuerySet):
    def valid_on(self, date: datetime.date) -> LicenceCardQuerySet:
        """Cards valid on ``date``: issued_on ≤ date and (no end, or date ≤ valid_until)."""
        return self.filter(issued_on__lte=date).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=date)
        )


class LicenceCard(AuditedModel):
    participant = models.ForeignKey(
        "casework.Participant", on_delete=models.PROTECT, related_name="licence_cards"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    licence_type = models.ForeignKey(LicenceType, on_delete=models.PROTECT, related_name="cards")
    issued_on = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    card_number = models.CharField(max_length=60, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="licence_card"
    )

    objects = LicenceCardQuerySet.as_manager()

    class Meta:
        indexes = [
            # Type before participant: the ranking and the dashboards read the holders of one
            # type in a municipality, from the index alone (PostgreSQL).
            models.Index(
                fields=["municipality", "licence_type", "participant"],
                include=["issued_on", "valid_until"],
                name="licence_card_tenant",
            ),
            models.Index(fields=["participant", "licence_type"], name="licence_card_participant"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("issued_on")),
                name="licence_card_validity_after_issue",
            ),
        ]

    def is_valid_on(self, date: datetime.date) -> bool:
        return self.issued_on <= date and (self.valid_until is None or date <= self.valid_until)
