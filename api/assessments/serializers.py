from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.fields import WORKING_LANGUAGE_CHOICES, StrictCharField, StrictIntegerField
from assessments import language_levels
from assessments.models import Enrolment, LanguageAssessment, SkillAssessment


class LanguageAssessmentInputSerializer(serializers.Serializer):
    participant = serializers.UUIDField()
    language = serializers.ChoiceField(choices=LanguageAssessment.Language.choices)
    assessed_on = serializers.DateField()
    instrument = serializers.ChoiceField(choices=LanguageAssessment.Instrument.choices)
    reading = serializers.ChoiceField(
        choices=language_levels.LEVEL_CHOICES, required=False, allow_null=True
    )
    listening = serializers.ChoiceField(
        choices=language_levels.LEVEL_CHOICES, required=False, allow_null=True
    )
    speaking = serializers.ChoiceField(
        choices=language_levels.LEVEL_CHOICES, required=False, allow_null=True
    )
    writing = serializers.ChoiceField(
        choices=language_levels.LEVEL_CHOICES, required=False, allow_null=True
    )


class LanguageAssessmentUpdateSerializer(LanguageAssessmentInputSerializer):
    participant = None  # type: ignore[assignment]


class LanguageAssessmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    participant = serializers.UUIDField()
    language = serializers.ChoiceField(choices=LanguageAssessment.Language.choices)
    assessed_on = serializers.DateField()
    instrument = serializers.ChoiceField(choices=LanguageAssessment.Instrument.choices)
    reading = serializers.CharField(allow_null=True)
    listening = serializers.CharField(allow_null=True)
    speaking = serializers.CharField(allow_null=True)
    writing = serializers.CharField(allow_null=True)
    cefr = serializers.DictField(
        child=serializers.CharField(allow_null=True), help_text='{"reading": "A2", …}'
    )
    yki = serializers.DictField(
        child=serializers.IntegerField(allow_null=True), help_text='{"reading": 2, …}'
    )
    assessor = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()


def language_assessment_data(assessment: LanguageAssessment) -> dict[str, Any]:
    levels = {skill: getattr(assessment, skill) for skill in language_levels.SKILLS}
    return {
        "id": assessment.uuid,
        "participant": assessment.participant.uuid,
        "language": assessment.language,
        "assessed_on": assessment.assessed_on,
        "instrument": assessment.instrument,
        **levels,
        "cefr": {skill: language_levels.cefr(level) for skill, level in levels.items()},
        "yki": {skill: language_levels.yki(level) for skill, level in levels.items()},
        "assessor": assessment.assessor.username if assessment.assessor_id else None,
        "version": assessment.version,
    }


class SkillAssessmentInputSerializer(serializers.Serializer):
    participant = serializers.UUIDField()
    occupation_code = StrictCharField(max_length=4, required=False, allow_null=True)
    esco_skill_uri = serializers.URLField(max_length=300, required=False, allow_blank=True)
    level = StrictIntegerField(min_value=1, max_value=4)
    years_experience = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=80, required=False
    )
    evidence = serializers.ChoiceField(choices=SkillAssessment.Evidence.choices)
    assessed_on = serializers.DateField()


class SkillAssessmentUpdateSerializer(SkillAssessmentInputSerializer):
    participant = None  # type: ignore[assignment]


class SkillAssessmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    participant = serializers.UUIDField()
    occupation_code = serializers.CharField(allow_null=True)
    esco_skill_uri = serializers.CharField()
    level = serializers.IntegerField()
    years_experience = serializers.DecimalField(max_digits=4, decimal_places=1)
    evidence = serializers.ChoiceField(choices=SkillAssessment.Evidence.choices)
    assessed_on = serializers.DateField()
    assessor = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()


def skill_assessment_data(assessment: SkillAssessment) -> dict[str, Any]:
    return {
        "id": assessment.uuid,
        "participant": assessment.participant.uuid,
        "occupation_code": assessment.occupation_id,
        "esco_skill_uri": assessment.esco_skill_uri,
        "level": assessment.level,
        "years_experience": str(assessment.years_experience),
        "evidence": assessment.evidence,
        "assessed_on": assessment.assessed_on,
        "assessor": assessment.assessor.username if assessment.assessor_id else None,
        "version": assessment.version,
    }


class LicenceTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_fi = serializers.CharField()
    name_sv = serializers.CharField()
    name_en = serializers.CharField()
    issuer = serializers.CharField()
    validity_years = serializers.IntegerField(allow_null=True)


def licence_type_data(licence_type: Any) -> dict[str, Any]:
    return {
        "code": licence_type.code,
        "name_fi": licence_type.name_fi,
        "name_sv": licence_type.name_sv,
        "name_en": licence_type.name_en,
        "issuer": licence_type.issuer,
        "validity_years": licence_type.validity_years,
    }


class TrainingInputSerializer(serializers.Serializer):
    licence_type = StrictCharField(max_length=60)
    municipality = StrictCharField(max_length=3)
    provider = StrictCharField(max_length=200)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    seats = StrictIntegerField(min_value=1, max_value=10000)
    language = serializers.ChoiceField(choices=WORKING_LANGUAGE_CHOICES, required=False)


class TrainingUpdateSerializer(serializers.Serializer):
    provider = StrictCharField(max_length=200, required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
    seats = StrictIntegerField(min_value=1, max_value=10000, required=False)
    language = serializers.ChoiceField(choices=WORKING_LANGUAGE_CHOICES, required=False)


class TrainingSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    licence_type = serializers.CharField()
    municipality = serializers.CharField()
    provider = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    seats = serializers.IntegerField()
    language = serializers.CharField()
    version = serializers.IntegerField()


def training_data(training: Any) -> dict[str, Any]:
    return {
        "id": training.uuid,
        "licence_type": training.licence_type.code,
        "municipality": training.municipality.code,
        "provider": training.provider,
        "starts_on": training.starts_on,
        "ends_on": training.ends_on,
        "seats": training.seats,
        "language": training.language,
        "version": training.version,
    }


class EnrolmentInputSerializer(serializers.Serializer):
    training = serializers.UUIDField()
    participant = serializers.UUIDField()


class EnrolmentTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Enrolment.Status.choices)
    reason = StrictCharField(required=False, allow_blank=True, max_length=2000)
    issued_on = serializers.DateField(required=False)
    card_number = StrictCharField(required=False, allow_blank=True, max_length=60)


class EnrolmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    training = serializers.UUIDField()
    participant = serializers.UUIDField()
    licence_type = serializers.CharField()
    status = serializers.ChoiceField(choices=Enrolment.Status.choices)
    version = serializers.IntegerField()


def enrolment_data(enrolment: Any) -> dict[str, Any]:
    return {
        "id": enrolment.uuid,
        "training": enrolment.training.uuid,
        "participant": enrolment.participant.uuid,
        "licence_type": enrolment.training.licence_type.code,
        "status": enrolment.status,
        "version": enrolment.version,
    }


class LicenceCardInputSerializer(serializers.Serializer):
    participant = serializers.UUIDField()
    licence_type = StrictCharField(max_length=60)
    issued_on = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True)
    card_number = StrictCharField(required=False, allow_blank=True, max_length=60)


class LicenceCardUpdateSerializer(serializers.Serializer):
    issued_on = serializers.DateField(required=False)
    valid_until = serializers.DateField(required=False, allow_null=True)
    card_number = StrictCharField(required=False, allow_blank=True, max_length=60)


class LicenceCardSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    participant = serializers.UUIDField()
    licence_type = serializers.CharField()
    issued_on = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    card_number = serializers.CharField()
    is_valid_today = serializers.BooleanField()
    verified_by = serializers.CharField(allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)
    enrolment = serializers.UUIDField(allow_null=True)
    version = serializers.IntegerField()


def licence_card_data(card: Any, today: Any) -> dict[str, Any]:
    return {
        "id": card.uuid,
        "participant": card.participant.uuid,
        "licence_type": card.licence_type.code,
        "issued_on": card.issued_on,
        "valid_until": card.valid_until,
        "card_number": card.card_number,
        "is_valid_today": card.is_valid_on(today),
        "verified_by": card.verified_by.username if card.verified_by_id else None,
        "verified_at": card.verified_at,
        "enrolment": card.enrolment.uuid if card.enrolment_id else None,
        "version": card.version,
    }
