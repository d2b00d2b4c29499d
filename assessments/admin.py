"""Admin of the assessments app.

The ISCO-08 occupations are reference data (read-only). Licence types are a catalogue the admin
edits through ``licence_type_save``; trainings go through their services. Assessments, enrolments
and licence cards are participants' data: the admin looks at them (each page logged in the
access log), and their lifecycle stays with the counsellors' services and the API.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from assessments.models import (
    Enrolment,
    LanguageAssessment,
    LicenceCard,
    LicenceType,
    Occupation,
    SkillAssessment,
    Training,
)
from assessments.services import licence_type_save, training_create, training_update
from core import audit
from core.admin import (
    AuditedModelAdmin,
    ReadOnlyModelAdmin,
    ReadOnlyParticipantDataAdmin,
    form_changes,
)


@admin.register(Occupation)
class OccupationAdmin(ReadOnlyModelAdmin):
    list_display = ("code", "level", "title_en")
    list_filter = ("level",)
    search_fields = ("^code", "title_en")


@admin.register(LicenceType)
class LicenceTypeAdmin(AuditedModelAdmin):
    fields = ("code", "name_fi", "name_sv", "name_en", "issuer", "validity_years")
    list_display = ("code", "name_fi", "name_sv", "name_en", "issuer", "validity_years")
    search_fields = ("code", "name_fi", "name_sv", "name_en")

    def get_readonly_fields(self, request: Any, obj: Any = None):
        # Clients refer to licence types by code (vacancies, cards): a code never changes.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return ("code", *readonly) if obj is not None else readonly

    def audited_save(
        self, request: Any, obj: Any, form: Any, *, change: bool, expected_version: int | None
    ) -> LicenceType:
        if change:
            audit.check_version(obj, expected_version)
        reason = self.changed_reason if change else self.created_reason
        return licence_type_save(actor=request.user, licence_type=obj, reason=reason)


TRAINING_FIELDS = (
    "licence_type",
    "municipality",
    "provider",
    "starts_on",
    "ends_on",
    "seats",
    "language",
)


@admin.register(Training)
class TrainingAdmin(AuditedModelAdmin):
    fields = TRAINING_FIELDS
    list_display = TRAINING_FIELDS
    list_filter = ("licence_type", "municipality", "language")
    list_select_related = ("licence_type", "municipality")
    search_fields = ("provider",)
    date_hierarchy = "starts_on"

    def get_readonly_fields(self, request: Any, obj: Any = None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return ("municipality", *readonly) if obj is not None else readonly

    def audited_save(
        self, request: Any, obj: Any, form: Any, *, change: bool, expected_version: int | None
    ) -> Training:
        if change:
            return training_update(
                actor=request.user,
                training=obj,
                data=form_changes(form),
                expected_version=expected_version,
                reason=self.changed_reason,
            )
        return training_create(
            actor=request.user,
            **{field: form.cleaned_data[field] for field in TRAINING_FIELDS},
        )


@admin.register(LanguageAssessment)
class LanguageAssessmentAdmin(ReadOnlyParticipantDataAdmin):
    list_display = (
        "participant",
        "municipality",
        "language",
        "assessed_on",
        "instrument",
        "reading",
        "listening",
        "speaking",
        "writing",
    )
    list_filter = ("language", "instrument", "municipality")


@admin.register(SkillAssessment)
class SkillAssessmentAdmin(ReadOnlyParticipantDataAdmin):
    list_display = (
        "participant",
        "municipality",
        "occupation",
        "esco_skill_uri",
        "level",
        "years_experience",
        "evidence",
        "assessed_on",
    )
    list_filter = ("level", "evidence", "municipality")
    list_select_related = ("participant", "municipality", "occupation")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyParticipantDataAdmin):
    list_display = ("participant", "municipality", "training", "status")
    list_filter = ("status", "municipality")
    list_select_related = ("participant", "municipality", "training")


@admin.register(LicenceCard)
class LicenceCardAdmin(ReadOnlyParticipantDataAdmin):
    list_display = (
        "participant",
        "municipality",
        "licence_type",
        "issued_on",
        "valid_until",
        "card_number",
        "verified_at",
    )
    list_filter = ("licence_type", "municipality")
    list_select_related = ("participant", "municipality", "licence_type")
