"""Admin of the casework app.

Participants are edited through ``participant_update`` (never their status, municipality or
identity code); the identity code is only ever shown masked, and the encrypted value and its
hash never reach a form, a list, a search or the history page. Every page showing a participant's
data appends an access event. Employers, employer users and vacancies go through their services;
consents, notes, matches, outcomes and covers are looked at, with actions for the two things the
admin does to them (withdraw a consent, end a cover).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from casework.models import (
    CaseNote,
    Consent,
    Employer,
    EmployerMembership,
    Match,
    Outcome,
    Participant,
    ParticipantCover,
    Vacancy,
    VacancyLicenceRequirement,
)
from casework.services import (
    consent_withdraw,
    employer_create,
    employer_membership_set,
    employer_update,
    participant_cover_grant,
    participant_cover_revoke,
    participant_update,
    vacancy_update,
)
from core import audit
from core.admin import (
    AuditedModelAdmin,
    ParticipantDataAdminMixin,
    ReadOnlyAuditedModelAdmin,
    ReadOnlyInline,
    ReadOnlyParticipantDataAdmin,
    form_changes,
)
from core.errors import PolkuError

#: Never shown anywhere in the admin, not even as a history diff.
IDENTITY_CODE_STORAGE_FIELDS = (
    "identity_code_encrypted",
    "identity_code_hash",
    "identity_code_is_temporary",
)


def _run_each(modeladmin: admin.ModelAdmin, request: Any, rows: Any, write: Any, done: str) -> None:
    """Apply a service to each selected row in its own transaction; report refusals."""
    count = 0
    for row in rows:
        try:
            write(row)
        except PolkuError as error:
            modeladmin.message_user(request, f"{row}: {error.detail}", messages.WARNING)
        else:
            count += 1
    modeladmin.message_user(request, f"{done}: {count}.", messages.SUCCESS)


# Participants -------------------------------------------------------------------------------------


@admin.register(Participant)
class ParticipantAdmin(ParticipantDataAdminMixin, AuditedModelAdmin):
    """Participants are created by counsellors (API); the admin corrects details."""

    participant_id_attribute = "pk"
    fields = (
        "municipality",
        "first_name",
        "last_name",
        "date_of_birth",
        "identity_code",
        "gender",
        "native_language",
        "citizenship",
        "arrival_date",
        "education_level",
        "labour_market_status",
        "phone",
        "email",
        "available_from",
        "enrolled_on",
        "first_permit_on",
        "job_seeker_since",
        "service_language",
        "interpreter_language",
        "counsellor",
        "status",
        "status_changed_on",
        "exited_on",
        "exit_reason",
    )
    readonly_fields = (
        "municipality",
        "identity_code",
        "status",
        "status_changed_on",
        "exited_on",
        "exit_reason",
    )
    exclude = IDENTITY_CODE_STORAGE_FIELDS
    history_excluded_fields = IDENTITY_CODE_STORAGE_FIELDS
    list_display = ("full_name", "municipality", "status", "enrolled_on", "identity_code")
    list_filter = ("status", "municipality")
    list_select_related = ("municipality",)
    # Names only: the identity code is never searched as text (its hash is the only look-up,
    # and that belongs to the counsellors' API).
    search_fields = ("last_name", "first_name")
    raw_id_fields = ("counsellor",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj: Participant) -> str:
        return f"{obj.last_name}, {obj.first_name}"

    @admin.display(description=_("personal identity code"))
    def identity_code(self, obj: Participant) -> str | None:
        return obj.identity_code_masked

    def audited_save(
        self, request: Any, obj: Any, form: Any, *, change: bool, expected_version: int | None
    ) -> Participant:
        return participant_update(
            actor=request.user,
            participant=obj,
            data=form_changes(form),
            expected_version=expected_version,
            reason=self.changed_reason,
        )


@admin.register(ParticipantCover)
class ParticipantCoverAdmin(ReadOnlyParticipantDataAdmin):
    """Covers are granted here (``participant_cover_grant``: a counsellor, an end date, a
    reason) and ended by the action; they lapse by themselves after ``ends_on``."""

    list_display = ("participant", "municipality", "user", "is_active", "ends_on", "created_at")
    list_filter = ("is_active", "municipality")
    list_select_related = ("participant", "municipality", "user")
    actions = ("end_covers",)
    fields = ("participant", "user", "ends_on")
    raw_id_fields = ("participant", "user")

    def has_add_permission(self, request: Any) -> bool:
        return request.user.has_perm("casework.add_participantcover")

    def audited_save(
        self, request: Any, obj: Any, form: Any, *, change: bool, expected_version: int | None
    ) -> ParticipantCover:
        return participant_cover_grant(
            actor=request.user,
            participant=form.cleaned_data["participant"],
            user=form.cleaned_data["user"],
            ends_on=form.cleaned_data.get("ends_on"),
            reason=str(_("cover granted in the admin")),
        )

    def has_end_permission(self, request: Any) -> bool:
        return request.user.has_perm("casework.change_participantcover")

    @admin.action(description=_("End the selected covers"), permissions=["end"])
    def end_covers(self, request: Any, queryset: Any) -> None:
        _run_each(
            self,
            request,
            queryset.filter(is_active=True).order_by("pk"),
            lambda cover: participant_cover_revoke(actor=request.user, cover=cover),
            _("Covers ended"),
        )


@admin.register(Consent)
class ConsentAdmin(ReadOnlyParticipantDataAdmin):
    list_display = (
        "participant",
        "municipality",
        "purpose",
        "granted_on",
        "expires_on",
        "withdrawn_on",
    )
    list_filter = ("purpose", "municipality")
    actions = ("withdraw_consents",)

    def has_withdraw_permission(self, request: Any) -> bool:
        return request.user.has_perm("casework.change_consent")

    @admin.action(description=_("Withdraw the selected consents today"), permissions=["withdraw"])
    def withdraw_consents(self, request: Any, queryset: Any) -> None:
        _run_each(
            self,
            request,
            queryset.filter(withdrawn_on__isnull=True).order_by("pk"),
            lambda consent: consent_withdraw(
                actor=request.user, consent=consent, reason="withdrawn in admin"
            ),
            _("Consents withdrawn"),
        )


@admin.register(CaseNote)
class CaseNoteAdmin(ReadOnlyParticipantDataAdmin):
    list_display = ("participant", "municipality", "kind", "occurred_at", "author")
    list_filter = ("kind", "municipality")
    list_select_related = ("participant", "municipality", "author")


# Employers and vacancies --------------------------------------------------------------------------


@admin.register(Employer)
class EmployerAdmin(AuditedModelAdmin):
    fields = ("business_id", "name", "municipality", "industry")
    list_display = ("name", "business_id", "municipality", "industry")
    list_filter = ("municipality",)
    list_select_related = ("municipality",)
    search_fields = ("name", "business_id")

    def audited_save(
        self, request: Any, obj: Any, form: Any, *, change: bool, expected_version: int | None
    ) -> Employer:
        if change:
            return employer_update(
                actor=request.user,
                employer=obj,
                data=form_changes(form),
                expected_version=expected_version,
                reason=self.changed_reason,
            )
        return employer_create(
            actor=request.user,
            business_id=form.cleaned_data["business_id"],
            name=form.cleaned_data["name"],
            municipality=form.cleaned_data["municipality"],
            industry=form.cleaned_data.get("industry") or "",
        )


@admin.register(EmployerMembership)
class EmployerMembershipAdmin(AuditedModelAdmin):
    """Links an employer user to one employer (``employer_membership_set``)."""

    fields = ("user", "employer")
    list_display = ("user", "employer", "created_at")
    list_select_related = ("user", "employer")
    search_fields = ("user__username", "employer__name")
    raw_id_fields = ("user",)

    def get_readonly_fields(self, request: Any, obj: Any = None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return ("user", *readonly) if obj is not None else readonly

    def audited_save(
        self, request: Any, obj: Any, form: Any, *, change: bool, expected_version: int | None
    ) -> EmployerMembership:
        if change:
            audit.check_version(obj, expected_version)
        return employer_membership_set(actor=request.user, user=obj.user, employer=obj.employer)


class VacancyLicenceRequirementInline(ReadOnlyInline):
    model = VacancyLicenceRequirement
    fields = ("licence_type", "created_at")
    verbose_name = "required licence"


@admin.register(Vacancy)
class VacancyAdmin(AuditedModelAdmin):
    """Vacancies are created by employers and counsellors (API); the admin corrects details.
    Status changes stay with ``vacancies/{id}/transition/``."""

    fields = (
        "employer",
        "municipality",
        "title",
        "occupation",
        "language",
        "language_requirements",
        "starts_on",
        "positions",
        "status",
        "status_reason",
    )
    readonly_fields = ("employer", "municipality", "occupation", "status", "status_reason")
    list_display = ("title", "employer", "municipality", "occupation", "starts_on", "status")
    list_filter = ("status", "municipality")
    list_select_related = ("employer", "municipality", "occupation")
    search_fields = ("title", "employer__name")
    inlines = (VacancyLicenceRequirementInline,)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def audited_save(
        self, request: Any, obj: Any, form: Any, *, change: bool, expected_version: int | None
    ) -> Vacancy:
        return vacancy_update(
            actor=request.user,
            vacancy=obj,
            data=form_changes(form),
            expected_version=expected_version,
            reason=self.changed_reason,
        )


@admin.register(VacancyLicenceRequirement)
class VacancyLicenceRequirementAdmin(ReadOnlyAuditedModelAdmin):
    list_display = ("vacancy", "licence_type", "created_at")
    list_filter = ("licence_type",)
    list_select_related = ("vacancy", "licence_type")


# Matches and outcomes -----------------------------------------------------------------------------


@admin.register(Match)
class MatchAdmin(ReadOnlyParticipantDataAdmin):
    """Read-only: a match's lifecycle is in the API (consent checks, employer's steps)."""

    list_display = ("participant", "vacancy", "municipality", "status", "score", "created_at")
    list_filter = ("status", "municipality")
    list_select_related = ("participant", "vacancy", "municipality")


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyParticipantDataAdmin):
    list_display = (
        "participant",
        "municipality",
        "kind",
        "contract_type",
        "employer",
        "starts_on",
        "ends_on",
    )
    list_filter = ("kind", "contract_type", "municipality")
    list_select_related = ("participant", "municipality", "employer")
