"""Reads of assessments, trainings, enrolments and licence cards. The caller passes the scope
(``casework.access.participant_scope``): this app sits below casework and cannot compute it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from assessments.models import (
    Enrolment,
    LanguageAssessment,
    LicenceCard,
    LicenceType,
    SkillAssessment,
    Training,
)
from core.errors import NotFound


def language_assessment_list(*, scope: Q) -> QuerySet[LanguageAssessment]:
    return LanguageAssessment.objects.filter(scope).select_related("participant", "assessor")


def skill_assessment_list(*, scope: Q) -> QuerySet[SkillAssessment]:
    return SkillAssessment.objects.filter(scope).select_related("participant", "assessor")


def enrolment_list(*, scope: Q) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(scope).select_related("participant", "training__licence_type")


def licence_card_list(*, scope: Q) -> QuerySet[LicenceCard]:
    return LicenceCard.objects.filter(scope).select_related(
        "participant", "licence_type", "verified_by", "enrolment"
    )


def training_list(*, municipality_ids: frozenset[int]) -> QuerySet[Training]:
    return Training.objects.filter(municipality_id__in=municipality_ids).select_related(
        "licence_type", "municipality"
    )


def licence_type_list() -> QuerySet[LicenceType]:
    return LicenceType.objects.order_by("code")


def licence_type_get(*, code: str) -> LicenceType:
    try:
        return LicenceType.objects.get(code=code)
    except LicenceType.DoesNotExist:
        raise NotFound() from None
