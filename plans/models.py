"""The counsellor's legal working day (docs/domain.md#plans-appointments-and-the-worklist, docs/domain.md#plans-appointments-and-the-worklist): the assessment of skills
and service needs, integration and employment plans with their reviews, and appointments.

Every row belongs to a participant and carries the participant's municipality (the tenant key,
denormalised). A plan's goals, services, extensions and job-search obligation are JSON values
shaped and validated by ``plans.services``; the plan also stores what the worklist needs from them
as plain columns (``unreferred_services``), computed by the services on every write, so deadlines
are computed in the database without reading JSON.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import AuditedModel


def _in(field: str, values: list[str]) -> Q:
    return Q(**{f"{field}__in": values})


class ServiceNeedsAssessment(AuditedModel):
    """Assessment of skills and integration service needs (681/2023 §14, Decree 869/2024)."""

    #: The interview items of Decree 869/2024 kept as text (the ninth, the need for an
    #: integration plan, is ``plan_needed``).
    ITEMS = (
        "literacy",
        "language_skills",
        "study_and_work_skills",
        "service_needs_and_goals",
        "education_and_work_history",
        "strengths",
        "life_situation",
        "other_needs",
    )

    class FurtherStep(models.TextChoices):
        PRIOR_LEARNING = "prior_learning", _("recognition of prior learning")
        LITERACY_TEST = "literacy_test", _("literacy test")
        LANGUAGE_TEST = "language_test", _("language test")
        STUDY_SKILLS = "study_skills", _("study-skills check")
        EMPLOYMENT_OPTIONS = "employment_options", _("employment options")
        DETAILED_SERVICE_NEEDS = "detailed_service_needs", _("detailed service-need check")

    participant = models.ForeignKey(
        "casework.Participant", on_delete=models.PROTECT, related_name="service_needs_assessments"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    language_used = models.CharField(max_length=3, blank=True)
    interpreter_used = models.BooleanField(default=False)
    literacy = models.TextField(blank=True)
    language_skills = models.TextField(blank=True)
    study_and_work_skills = models.TextField(blank=True)
    service_needs_and_goals = models.TextField(blank=True)
    education_and_work_history = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    life_situation = models.TextField(blank=True)
    other_needs = models.TextField(blank=True)
    plan_needed = models.BooleanField(null=True, blank=True)
    informed_on = models.DateField(null=True, blank=True)
    further_steps = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("service-needs assessment")
        verbose_name_plural = _("service-needs assessments")
        indexes = [
            models.Index(
                fields=["municipality", "participant", "completed_on"],
                name="needs_assessment_tenant",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(completed_on__gte=models.F("started_on")),
                name="needs_assessment_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(plan_needed__isnull=False, informed_on__isnull=False),
                name="needs_assessment_complete_decided",
            ),
        ]


class Plan(AuditedModel):
    """An integration plan (681/2023 §§16, 18–24) or an employment plan (380/2023 §§34, 38)."""

    class Kind(models.TextChoices):
        INTEGRATION = "integration", _("integration plan")
        EMPLOYMENT = "employment", _("employment plan")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        AGREED = "agreed", _("agreed")
        ENDED = "ended", _("ended")

    TRANSITIONS: dict[str, frozenset[str]] = {
        "draft": frozenset({"agreed", "ended"}),
        "agreed": frozenset({"ended"}),
        "ended": frozenset(),
    }

    participant = models.ForeignKey(
        "casework.Participant", on_delete=models.PROTECT, related_name="plans"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    agreed_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    goals = models.JSONField(default=list, blank=True)
    services = models.JSONField(default=list, blank=True)
    follow_up = models.TextField(blank=True)
    job_search_obligation = models.JSONField(null=True, blank=True)
    reporting_due_on = models.DateField(null=True, blank=True)
    rights_explained = models.BooleanField(default=False)
    county_participates = models.BooleanField(default=False)
    extensions = models.JSONField(default=list, blank=True)
    #: Derived by the services on every write (never from a client).
    warnings = models.JSONField(default=list, blank=True)
    unreferred_services = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        indexes = [
            models.Index(
                fields=["municipality", "participant", "kind", "status"], name="plan_tenant"
            ),
            models.Index(fields=["municipality", "status", "ends_on"], name="plan_tenant_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_in("kind", ["integration", "employment"]), name="plan_kind_valid"
            ),
            models.CheckConstraint(
                condition=_in("status", ["draft", "agreed", "ended"]), name="plan_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="plan_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status="agreed") | Q(agreed_on__isnull=False),
                name="plan_agreed_has_date",
            ),
            models.CheckConstraint(
                condition=(Q(status="ended") & Q(ended_on__isnull=False))
                | (~Q(status="ended") & Q(ended_on__isnull=True)),
                name="plan_ended_has_date",
            ),
            models.UniqueConstraint(
                fields=["participant", "kind"],
                condition=Q(status="agreed"),
                name="plan_one_agreed_per_kind",
            ),
        ]


class PlanReview(AuditedModel):
    """A review of a plan (681/2023 §22): at least every six months, on changed needs or on the
    client's request."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reviews")
    participant = models.ForeignKey(
        "casework.Participant", on_delete=models.PROTECT, related_name="plan_reviews"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateField()
    summary = models.TextField()
    changes = models.TextField(blank=True)
    client_requested = models.BooleanField(default=False)
    county_present = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        indexes = [
            models.Index(fields=["municipality", "plan", "reviewed_on"], name="plan_review_tenant")
        ]


class Appointment(AuditedModel):
    """A booked meeting with the client: initial interview, job-search discussion, review…"""

    class Kind(models.TextChoices):
        INITIAL_INTERVIEW = "initial_interview", _("initial interview")
        JOB_SEARCH_DISCUSSION = "job_search_discussion", _("job-search discussion")
        SUPPLEMENTARY_DISCUSSION = "supplementary_discussion", _("supplementary discussion")
        ASSESSMENT = "assessment", _("assessment")
        PLAN_REVIEW = "plan_review", _("plan review")
        GUIDANCE = "guidance", _("guidance")
        OTHER = "other", _("other")

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        PHONE = "phone", _("phone")
        VIDEO = "video", _("video")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        MISSED = "missed", _("missed")
        CANCELLED = "cancelled", _("cancelled")

    TRANSITIONS: dict[str, frozenset[str]] = {
        "planned": frozenset({"held", "missed", "cancelled"}),
        "held": frozenset(),
        "missed": frozenset(),
        "cancelled": frozenset(),
    }

    participant = models.ForeignKey(
        "casework.Participant", on_delete=models.PROTECT, related_name="appointments"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    starts_at = models.DateTimeField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    interpreter_language = models.CharField(max_length=3, null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    summary = models.TextField(blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            models.Index(
                fields=["municipality", "participant", "status", "starts_at"],
                name="appointment_tenant",
            ),
            models.Index(fields=["municipality", "starts_at"], name="appointment_tenant_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_in(
                    "kind",
                    [
                        "initial_interview",
                        "job_search_discussion",
                        "supplementary_discussion",
                        "assessment",
                        "plan_review",
                        "guidance",
                        "other",
                    ],
                ),
                name="appointment_kind_valid",
            ),
            models.CheckConstraint(
                condition=_in("channel", ["in_person", "phone", "video"]),
                name="appointment_channel_valid",
            ),
            models.CheckConstraint(
                condition=_in("status", ["planned", "held", "missed", "cancelled"]),
                name="appointment_status_valid",
            ),
        ]
