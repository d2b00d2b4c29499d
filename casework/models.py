from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from casework import identity_codes
from core.models import AuditedModel


def _in(field: str, values: list[str]) -> Q:
    return Q(**{f"{field}__in": values})


class Participant(AuditedModel):
    class Gender(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")
        NON_BINARY = "non_binary", _("non-binary")
        UNDISCLOSED = "undisclosed", _("undisclosed")

    class LabourMarketStatus(models.TextChoices):
        EMPLOYED = "employed", _("employed")
        UNEMPLOYED = "unemployed", _("unemployed")
        LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("long-term unemployed")
        INACTIVE = "inactive", _("inactive")

    class ServiceLanguage(models.TextChoices):
        FINNISH = "fi", _("Finnish")
        SWEDISH = "sv", _("Swedish")

    class Status(models.TextChoices):
        REFERRED = "referred", _("referred")
        ACTIVE = "active", _("active")
        JOB_SEEKING = "job_seeking", _("job seeking")
        IN_EDUCATION = "in_education", _("in education")
        EMPLOYED = "employed", _("employed")
        EXITED = "exited", _("exited")

    class ExitReason(models.TextChoices):
        EMPLOYED = "employed", _("employed")
        EDUCATION = "education", _("education")
        MOVED_AWAY = "moved_away", _("moved away")
        DECLINED_SERVICES = "declined_services", _("declined services")
        HEALTH = "health", _("health")
        FAMILY_LEAVE = "family_leave", _("family leave")
        PILOT_ENDED = "pilot_ended", _("pilot ended")
        OTHER = "other", _("other")

    TRANSITIONS: dict[str, frozenset[str]] = {
        "referred": frozenset({"active", "exited"}),
        "active": frozenset({"job_seeking", "in_education", "employed", "exited"}),
        "job_seeking": frozenset({"active", "employed", "in_education", "exited"}),
        "employed": frozenset({"job_seeking", "exited"}),
        "in_education": frozenset({"job_seeking", "exited"}),
        "exited": frozenset(),
    }

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="participants"
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caseload",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    identity_code_encrypted = models.TextField(blank=True, editable=False)
    identity_code_hash = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    identity_code_is_temporary = models.BooleanField(default=False, editable=False)
    gender = models.CharField(max_length=20, choices=Gender.choices)
    native_language = models.CharField(max_length=3, blank=True)
    citizenship = models.CharField(max_length=2, blank=True)
    arrival_date = models.DateField(null=True, blank=True)
    education_level = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(8)],
        help_text=_("ISCED 2011 level 0–8"),
    )
    labour_market_status = models.CharField(max_length=30, choices=LabourMarketStatus.choices)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    available_from = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REFERRED)
    status_changed_on = models.DateField()
    enrolled_on = models.DateField()
    exited_on = models.DateField(null=True, blank=True)
    exit_reason = models.CharField(max_length=30, choices=ExitReason.choices, blank=True)
    # DESIGN §10 / DOMAIN §4.2: the first residence permit (or registration of the right of
    # residence) starts the integration clock; job_seeker_since starts the job-search process.
    first_permit_on = models.DateField(null=True, blank=True)
    job_seeker_since = models.DateField(null=True, blank=True)
    service_language = models.CharField(
        max_length=2, choices=ServiceLanguage.choices, default=ServiceLanguage.FINNISH
    )
    interpreter_language = models.CharField(max_length=3, null=True, blank=True)
    #: A pending matter keeps the data past the retention period (DESIGN §12); set and lifted
    #: with a reason (in the history row) through casework.services.
    legal_hold = models.BooleanField(default=False)
    #: Set by core.retention when the record was anonymised; never cleared.
    anonymised_on = models.DateField(null=True, blank=True, editable=False)
    #: The participant's id in the municipality's previous system (imports match on it).
    external_id = models.CharField(max_length=64, null=True, blank=True)
    #: casework.duplicates: the keyed hash of the normalised names and date of birth.
    duplicate_key = models.CharField(max_length=64, null=True, blank=True, editable=False)

    class Meta:
        indexes = [
            # Possible duplicates: one equality look-up, then the caller's municipalities.
            models.Index(fields=["duplicate_key", "municipality"], name="participant_duplicate"),
            # Retention: the exited, not yet anonymised participants, by exit date.
            models.Index(
                fields=["exited_on"],
                condition=Q(status="exited", anonymised_on__isnull=True),
                name="participant_retention_due",
            ),
            # Covering (PostgreSQL): the ranking's candidates come from the index alone.
            models.Index(
                fields=["municipality", "status"],
                include=["id", "enrolled_on"],
                name="participant_tenant_status",
            ),
            models.Index(
                fields=["municipality", "last_name", "first_name"], name="participant_tenant_name"
            ),
            models.Index(
                fields=["municipality", "counsellor"], name="participant_tenant_counsellor"
            ),
            models.Index(
                fields=["municipality", "enrolled_on"], name="participant_tenant_enrolled"
            ),
        ]
        permissions = [("cover_participant", "Cover a colleague's participant")]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "external_id"], name="participant_external_id_unique"
            ),
            models.CheckConstraint(
                condition=_in("gender", ["female", "male", "non_binary", "undisclosed"]),
                name="participant_gender_valid",
            ),
            models.CheckConstraint(
                condition=_in(
                    "labour_market_status",
                    ["employed", "unemployed", "long_term_unemployed", "inactive"],
                ),
                name="participant_labour_market_status_valid",
            ),
            models.CheckConstraint(
                condition=_in(
                    "status",
                    ["referred", "active", "job_seeking", "in_education", "employed", "exited"],
                ),
                name="participant_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(education_level__isnull=True) | Q(education_level__lte=8),
                name="participant_isced_0_to_8",
            ),
            models.CheckConstraint(
                condition=_in("service_language", ["fi", "sv"]),
                name="participant_service_language_valid",
            ),
            models.CheckConstraint(
                condition=(Q(status="exited") & Q(exited_on__isnull=False) & ~Q(exit_reason=""))
                | (~Q(status="exited") & Q(exited_on__isnull=True) & Q(exit_reason="")),
                name="participant_exit_fields_with_exited",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def has_identity_code(self) -> bool:
        return bool(self.identity_code_hash)

    @property
    def identity_code_masked(self) -> str | None:
        return identity_codes.mask(self.date_of_birth) if self.identity_code_hash else None


class ParticipantUserObjectPermission(UserObjectPermissionBase):
    """Per-object exceptions (a counsellor covering a colleague's participant)."""

    content_object = models.ForeignKey(Participant, on_delete=models.CASCADE)


class ParticipantCover(AuditedModel):
    """The audited truth behind a per-participant grant, mirrored into guardian."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="covers")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["municipality", "participant"], name="cover_tenant")]


class Consent(AuditedModel):
    class Purpose(models.TextChoices):
        SHARE_WITH_EMPLOYERS = "share_with_employers", _("share with employers")

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="consents")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(max_length=40, choices=Purpose.choices)
    granted_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["municipality", "participant", "purpose"], name="consent_tenant"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose="share_with_employers"), name="consent_purpose_valid"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("granted_on")),
                name="consent_expiry_after_grant",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True)
                | Q(withdrawn_on__gte=models.F("granted_on")),
                name="consent_withdrawal_after_grant",
            ),
        ]

    def is_valid_on(self, date: datetime.date) -> bool:
        return (
            self.granted_on <= date
            and (self.expires_on is None or date <= self.expires_on)
            and (self.withdrawn_on is None or date < self.withdrawn_on)
        )


def consent_valid_on_q(date: datetime.date, prefix: str = "") -> Q:
    """A Q for consents valid on ``date`` (withdrawal takes effect on its own day)."""
    return (
        Q(**{f"{prefix}granted_on__lte": date})
        & (Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": date}))
        & (Q(**{f"{prefix}withdrawn_on__isnull": True}) | Q(**{f"{prefix}withdrawn_on__gt": date}))
    )


class CaseNote(AuditedModel):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("guidance meeting")
        PHONE = "phone", _("phone call")
        MESSAGE = "message", _("message")
        GROUP_SESSION = "group_session", _("group session")
        OTHER = "other", _("other")

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="case_notes"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [
            models.Index(
                fields=["municipality", "participant", "occurred_at"], name="case_note_tenant"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=_in("kind", ["meeting", "phone", "message", "group_session", "other"]),
                name="case_note_kind_valid",
            )
        ]


class Employer(AuditedModel):
    business_id = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=200)
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="employers"
    )
    industry = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["municipality", "name"], name="employer_tenant_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.business_id})"


class EmployerMembership(AuditedModel):
    """Links an employer user to exactly one Employer (set by the admin)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="employer_membership"
    )
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="memberships")

    def __str__(self) -> str:
        return f"{self.user} → {self.employer}"


class Vacancy(AuditedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        FILLED = "filled", _("filled")
        CLOSED = "closed", _("closed")

    TRANSITIONS: dict[str, frozenset[str]] = {
        "open": frozenset({"filled", "closed"}),
        "filled": frozenset({"open", "closed"}),
        "closed": frozenset(),
    }

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="vacancies")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    occupation = models.ForeignKey(
        "assessments.Occupation", on_delete=models.PROTECT, related_name="+"
    )
    required_licences = models.ManyToManyField(
        "assessments.LicenceType",
        blank=True,
        related_name="+",
        through="casework.VacancyLicenceRequirement",
    )
    language = models.CharField(max_length=2, default="fi")
    language_requirements = models.JSONField(default=dict, blank=True)
    starts_on = models.DateField()
    positions = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    status_reason = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = _("vacancies")
        indexes = [
            models.Index(
                fields=["municipality", "status", "starts_on"], name="vacancy_tenant_status"
            ),
            models.Index(fields=["employer", "status"], name="vacancy_employer_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_in("status", ["open", "filled", "closed"]), name="vacancy_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(positions__gte=1), name="vacancy_positions_positive"
            ),
            models.CheckConstraint(
                condition=_in("language", ["fi", "sv", "en"]), name="vacancy_language_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class VacancyLicenceRequirement(AuditedModel):
    """A licence card a vacancy requires (audited through model of ``required_licences``)."""

    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.PROTECT, related_name="licence_requirements"
    )
    licence_type = models.ForeignKey(
        "assessments.LicenceType", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["vacancy", "licence_type"], name="vacancy_licence_requirement_unique"
            )
        ]
        indexes = [
            models.Index(fields=["licence_type", "vacancy"], name="vacancy_requirement_type"),
        ]


class Match(AuditedModel):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        SHARED = "shared", _("shared")
        INTERVIEW = "interview", _("interview")
        HIRED = "hired", _("hired")
        REJECTED = "rejected", _("rejected")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class ReasonCode(models.TextChoices):
        SKILLS_MISMATCH = "skills_mismatch", _("skills mismatch")
        LANGUAGE_INSUFFICIENT = "language_insufficient", _("language insufficient")
        LICENCE_MISSING = "licence_missing", _("licence missing")
        POSITION_FILLED = "position_filled", _("position filled")
        NO_SHOW = "no_show", _("no show")
        CANDIDATE_WITHDREW = "candidate_withdrew", _("candidate withdrew")
        OTHER = "other", _("other")

    OPEN_STATUSES = ("proposed", "shared", "interview")
    NEGATIVE_STATUSES = ("rejected", "declined", "withdrawn")
    #: Who may move a match from one status to another.
    COUNSELLOR_TRANSITIONS: dict[str, frozenset[str]] = {
        "proposed": frozenset({"shared", "withdrawn"}),
        "shared": frozenset({"declined", "withdrawn"}),
        "interview": frozenset({"declined", "withdrawn"}),
    }
    EMPLOYER_TRANSITIONS: dict[str, frozenset[str]] = {
        "shared": frozenset({"interview", "rejected"}),
        "interview": frozenset({"hired", "rejected"}),
    }

    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, related_name="matches")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="matches")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    score = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    explanation = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    reached_shared_on = models.DateField(null=True, blank=True)
    #: The counsellor's proposal reason; each transition's reason is in its history row.
    reason = models.TextField(blank=True)
    #: The latest non-empty reason the employer's users gave: the only free text an employer
    #: reads back (counsellors' text never reaches an employer, ADR 13).
    employer_reason = models.TextField(blank=True)
    reason_code = models.CharField(max_length=30, choices=ReasonCode.choices, blank=True)

    class Meta:
        verbose_name_plural = _("matches")
        indexes = [
            models.Index(fields=["municipality", "status"], name="match_tenant_status"),
            models.Index(fields=["municipality", "participant"], name="match_tenant_participant"),
            models.Index(fields=["employer", "status"], name="match_employer_status"),
            models.Index(fields=["vacancy", "status"], name="match_vacancy_status"),
            models.Index(
                fields=["municipality", "participant"],
                condition=Q(reached_shared_on__isnull=False),
                name="match_tenant_shared",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["vacancy", "participant"],
                condition=Q(status__in=["proposed", "shared", "interview"]),
                name="match_one_open_per_vacancy_and_participant",
            ),
            models.CheckConstraint(
                condition=_in(
                    "status",
                    [
                        "proposed",
                        "shared",
                        "interview",
                        "hired",
                        "rejected",
                        "declined",
                        "withdrawn",
                    ],
                ),
                name="match_status_valid",
            ),
            models.CheckConstraint(condition=Q(score__lte=100), name="match_score_0_to_100"),
        ]


class Outcome(AuditedModel):
    class Kind(models.TextChoices):
        EMPLOYMENT = "employment", _("employment")
        SELF_EMPLOYMENT = "self_employment", _("self-employment")
        EDUCATION = "education", _("education")

    class ContractType(models.TextChoices):
        PERMANENT = "permanent", _("permanent")
        FIXED_TERM = "fixed_term", _("fixed-term")
        APPRENTICESHIP = "apprenticeship", _("apprenticeship")
        WAGE_SUBSIDY = "wage_subsidy", _("wage subsidy")

    class FollowUp(models.TextChoices):
        EMPLOYED = "employed", _("in employment incl. self-employment")
        JOB_SEEKING = "job_seeking", _("engaged in job searching")
        IN_EDUCATION = "in_education", _("in education or training")
        INACTIVE = "inactive", _("inactive")
        UNKNOWN = "unknown", _("unknown")

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="outcomes")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="outcomes"
    )
    occupation = models.ForeignKey(
        "assessments.Occupation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contract_type = models.CharField(max_length=20, choices=ContractType.choices, blank=True)
    hours_per_week = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(80)],
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    match = models.OneToOneField(
        Match, on_delete=models.PROTECT, null=True, blank=True, related_name="outcome"
    )
    follow_up_4_weeks = models.CharField(max_length=20, choices=FollowUp.choices, blank=True)
    follow_up_6_months = models.CharField(max_length=20, choices=FollowUp.choices, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["municipality", "participant", "starts_on"], name="outcome_tenant"
            ),
            models.Index(fields=["municipality", "kind"], name="outcome_tenant_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_in("kind", ["employment", "self_employment", "education"]),
                name="outcome_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(contract_type="")
                | _in(
                    "contract_type", ["permanent", "fixed_term", "apprenticeship", "wage_subsidy"]
                ),
                name="outcome_contract_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="outcome_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True)
                | Q(hours_per_week__gte=0, hours_per_week__lte=80),
                name="outcome_hours_range",
            ),
        ]
