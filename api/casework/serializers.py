"""Participants and everything attached to them, employers, vacancies, matches, outcomes.

Input serializers check shapes and types; the services check the domain rules. Output is shaped
from the model (or from ``.values()`` rows on the hot list path) by plain functions, and the
read-only output serializers here document it in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.fields import WORKING_LANGUAGE_CHOICES, StrictCharField, StrictIntegerField
from casework import identity_codes
from casework.models import CaseNote, Consent, Match, Outcome, Participant, Vacancy

# Participants -------------------------------------------------------------------------------------


class ParticipantInputSerializer(serializers.Serializer):
    municipality = StrictCharField(max_length=3)
    first_name = StrictCharField(max_length=100)
    last_name = StrictCharField(max_length=100)
    date_of_birth = serializers.DateField()
    personal_identity_code = StrictCharField(
        max_length=11, required=False, allow_blank=True, allow_null=True, write_only=True
    )
    gender = serializers.ChoiceField(choices=Participant.Gender.choices)
    native_language = StrictCharField(max_length=3, required=False, allow_blank=True)
    citizenship = StrictCharField(max_length=2, required=False, allow_blank=True)
    arrival_date = serializers.DateField(required=False, allow_null=True)
    education_level = StrictIntegerField(min_value=0, max_value=8, required=False, allow_null=True)
    labour_market_status = serializers.ChoiceField(choices=Participant.LabourMarketStatus.choices)
    phone = StrictCharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    available_from = serializers.DateField(required=False, allow_null=True)
    enrolled_on = serializers.DateField(required=False)
    counsellor = StrictCharField(max_length=150, required=False, allow_null=True)
    first_permit_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="First residence permit, or registration of the right of residence",
    )
    job_seeker_since = serializers.DateField(
        required=False, allow_null=True, help_text="Start of the current job search"
    )
    service_language = serializers.ChoiceField(
        choices=Participant.ServiceLanguage.choices, required=False
    )
    interpreter_language = StrictCharField(
        max_length=3,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="ISO 639 code, or null when no interpreter is needed",
    )


class ParticipantUpdateSerializer(ParticipantInputSerializer):
    municipality = None  # type: ignore[assignment]  # server-owned after create


class ParticipantSerializer(serializers.Serializer):
    """A participant as counsellors read it (the identity code only masked)."""

    id = serializers.UUIDField()
    municipality = serializers.CharField(help_text="Municipality code")
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    personal_identity_code = serializers.CharField(allow_null=True, help_text="Masked: DDMMYY-****")
    identity_code_is_temporary = serializers.BooleanField()
    gender = serializers.ChoiceField(choices=Participant.Gender.choices)
    native_language = serializers.CharField()
    citizenship = serializers.CharField()
    arrival_date = serializers.DateField(allow_null=True)
    education_level = serializers.IntegerField(allow_null=True)
    labour_market_status = serializers.ChoiceField(choices=Participant.LabourMarketStatus.choices)
    phone = serializers.CharField()
    email = serializers.CharField()
    available_from = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=Participant.Status.choices)
    status_changed_on = serializers.DateField()
    enrolled_on = serializers.DateField()
    exited_on = serializers.DateField(allow_null=True)
    exit_reason = serializers.CharField()
    counsellor = serializers.CharField(allow_null=True, help_text="Username")
    legal_hold = serializers.BooleanField(
        help_text="A pending matter keeps the data past retention (legal-hold/ actions)"
    )
    first_permit_on = serializers.DateField(allow_null=True)
    job_seeker_since = serializers.DateField(allow_null=True)
    service_language = serializers.ChoiceField(choices=Participant.ServiceLanguage.choices)
    interpreter_language = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()


PARTICIPANT_VALUES = (
    "id",
    "uuid",
    "municipality_id",
    "municipality__code",
    "first_name",
    "last_name",
    "date_of_birth",
    "identity_code_hash",
    "identity_code_is_temporary",
    "gender",
    "native_language",
    "citizenship",
    "arrival_date",
    "education_level",
    "labour_market_status",
    "phone",
    "email",
    "available_from",
    "status",
    "status_changed_on",
    "enrolled_on",
    "exited_on",
    "exit_reason",
    "counsellor__username",
    "legal_hold",
    "first_permit_on",
    "job_seeker_since",
    "service_language",
    "interpreter_language",
    "version",
)


def participant_row(row: dict[str, Any]) -> dict[str, Any]:
    """A ``.values(*PARTICIPANT_VALUES)`` row → the API shape (no query, no model)."""
    return {
        "id": row["uuid"],
        "municipality": row["municipality__code"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "date_of_birth": row["date_of_birth"],
        "personal_identity_code": identity_codes.mask(row["date_of_birth"])
        if row["identity_code_hash"]
        else None,
        "identity_code_is_temporary": row["identity_code_is_temporary"],
        "gender": row["gender"],
        "native_language": row["native_language"],
        "citizenship": row["citizenship"],
        "arrival_date": row["arrival_date"],
        "education_level": row["education_level"],
        "labour_market_status": row["labour_market_status"],
        "phone": row["phone"],
        "email": row["email"],
        "available_from": row["available_from"],
        "status": row["status"],
        "status_changed_on": row["status_changed_on"],
        "enrolled_on": row["enrolled_on"],
        "exited_on": row["exited_on"],
        "exit_reason": row["exit_reason"],
        "counsellor": row["counsellor__username"],
        "legal_hold": row["legal_hold"],
        "first_permit_on": row["first_permit_on"],
        "job_seeker_since": row["job_seeker_since"],
        "service_language": row["service_language"],
        "interpreter_language": row["interpreter_language"],
        "version": row["version"],
    }


def participant_data(participant: Participant) -> dict[str, Any]:
    return participant_row(
        {
            **{
                field: getattr(participant, field)
                for field in PARTICIPANT_VALUES
                if "__" not in field
            },
            "municipality__code": participant.municipality.code,
            "counsellor__username": participant.counsellor.username
            if participant.counsellor
            else None,
        }
    )


class ParticipantTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Participant.Status.choices)
    on = serializers.DateField(required=False)
    reason = StrictCharField(required=False, allow_blank=True, max_length=2000)
    exit_reason = serializers.ChoiceField(
        choices=Participant.ExitReason.choices, required=False, allow_blank=True
    )


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True, help_text="Username of the actor")
    object = serializers.CharField(help_text="e.g. participant, consent:<uuid>")
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    reason = serializers.CharField(allow_null=True)
    changes = HistoryChangeSerializer(many=True)


class AccessLogEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    role = serializers.CharField()
    action = serializers.CharField()
    outcome = serializers.CharField()


# Consents -----------------------------------------------------------------------------------------


class ConsentInputSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=Consent.Purpose.choices)
    granted_on = serializers.DateField(required=False)
    expires_on = serializers.DateField(required=False, allow_null=True)


class ConsentWithdrawSerializer(serializers.Serializer):
    on = serializers.DateField(required=False)
    reason = StrictCharField(required=False, allow_blank=True, max_length=2000)


class ConsentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    participant = serializers.UUIDField()
    purpose = serializers.ChoiceField(choices=Consent.Purpose.choices)
    granted_on = serializers.DateField()
    expires_on = serializers.DateField(allow_null=True)
    withdrawn_on = serializers.DateField(allow_null=True)
    is_valid_today = serializers.BooleanField()
    version = serializers.IntegerField()


def consent_data(consent: Consent, today: Any) -> dict[str, Any]:
    return {
        "id": consent.uuid,
        "participant": consent.participant.uuid,
        "purpose": consent.purpose,
        "granted_on": consent.granted_on,
        "expires_on": consent.expires_on,
        "withdrawn_on": consent.withdrawn_on,
        "is_valid_today": consent.is_valid_on(today),
        "version": consent.version,
    }


# Case notes ---------------------------------------------------------------------------------------


class CaseNoteInputSerializer(serializers.Serializer):
    participant = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=CaseNote.Kind.choices)
    occurred_at = serializers.DateTimeField()
    text = StrictCharField(max_length=20000)


class CaseNoteUpdateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CaseNote.Kind.choices, required=False)
    occurred_at = serializers.DateTimeField(required=False)
    text = StrictCharField(max_length=20000, required=False)


class CaseNoteSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    participant = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=CaseNote.Kind.choices)
    occurred_at = serializers.DateTimeField()
    text = serializers.CharField()
    author = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()


def case_note_data(note: CaseNote) -> dict[str, Any]:
    return {
        "id": note.uuid,
        "participant": note.participant.uuid,
        "kind": note.kind,
        "occurred_at": note.occurred_at,
        "text": note.text,
        "author": note.author.username if note.author_id else None,
        "version": note.version,
    }


# Employers ----------------------------------------------------------------------------------------


class EmployerInputSerializer(serializers.Serializer):
    business_id = StrictCharField(max_length=9)
    name = StrictCharField(max_length=200)
    municipality = StrictCharField(max_length=3)
    industry = StrictCharField(max_length=200, required=False, allow_blank=True)


class EmployerUpdateSerializer(serializers.Serializer):
    business_id = StrictCharField(max_length=9, required=False)
    name = StrictCharField(max_length=200, required=False)
    industry = StrictCharField(max_length=200, required=False, allow_blank=True)


class EmployerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    business_id = serializers.CharField()
    name = serializers.CharField()
    municipality = serializers.CharField()
    industry = serializers.CharField()
    version = serializers.IntegerField()


def employer_data(employer: Any) -> dict[str, Any]:
    return {
        "id": employer.uuid,
        "business_id": employer.business_id,
        "name": employer.name,
        "municipality": employer.municipality.code,
        "industry": employer.industry,
        "version": employer.version,
    }


# Vacancies ----------------------------------------------------------------------------------------

_LEVELS_HELP = 'e.g. {"speaking": "A2.1", "reading": "A2.2"} on the A1.1…C2.2 scale'


class VacancyInputSerializer(serializers.Serializer):
    employer = serializers.UUIDField(required=False, help_text="Required for counsellors")
    title = StrictCharField(max_length=200)
    occupation_code = StrictCharField(max_length=4)
    municipality = StrictCharField(max_length=3)
    required_licences = serializers.ListField(
        child=StrictCharField(max_length=60), required=False, max_length=20
    )
    language = serializers.ChoiceField(choices=WORKING_LANGUAGE_CHOICES, required=False)
    language_requirements = serializers.DictField(
        child=StrictCharField(max_length=4), required=False, help_text=_LEVELS_HELP
    )
    starts_on = serializers.DateField()
    positions = StrictIntegerField(min_value=1, max_value=10000, required=False)


class VacancyUpdateSerializer(serializers.Serializer):
    title = StrictCharField(max_length=200, required=False)
    occupation_code = StrictCharField(max_length=4, required=False)
    required_licences = serializers.ListField(
        child=StrictCharField(max_length=60), required=False, max_length=20
    )
    language = serializers.ChoiceField(choices=WORKING_LANGUAGE_CHOICES, required=False)
    language_requirements = serializers.DictField(
        child=StrictCharField(max_length=4), required=False, help_text=_LEVELS_HELP
    )
    starts_on = serializers.DateField(required=False)
    positions = StrictIntegerField(min_value=1, max_value=10000, required=False)


class VacancyTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Vacancy.Status.choices)
    reason = StrictCharField(required=False, allow_blank=True, max_length=2000)


class VacancySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    employer = serializers.UUIDField()
    employer_name = serializers.CharField()
    title = serializers.CharField()
    occupation_code = serializers.CharField()
    municipality = serializers.CharField()
    required_licences = serializers.ListField(child=serializers.CharField())
    language = serializers.CharField()
    language_requirements = serializers.DictField(child=serializers.CharField())
    starts_on = serializers.DateField()
    positions = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Vacancy.Status.choices)
    version = serializers.IntegerField()


def vacancy_data(vacancy: Vacancy) -> dict[str, Any]:
    return {
        "id": vacancy.uuid,
        "employer": vacancy.employer.uuid,
        "employer_name": vacancy.employer.name,
        "title": vacancy.title,
        "occupation_code": vacancy.occupation_id,
        "municipality": vacancy.municipality.code,
        "required_licences": sorted(lt.code for lt in vacancy.required_licences.all()),
        "language": vacancy.language,
        "language_requirements": vacancy.language_requirements,
        "starts_on": vacancy.starts_on,
        "positions": vacancy.positions,
        "status": vacancy.status,
        "version": vacancy.version,
    }


# Matches ------------------------------------------------------------------------------------------


class MatchInputSerializer(serializers.Serializer):
    vacancy = serializers.UUIDField()
    participant = serializers.UUIDField()
    reason = StrictCharField(required=False, allow_blank=True, max_length=2000)


class MatchTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Match.Status.choices)
    reason = StrictCharField(required=False, allow_blank=True, max_length=2000)
    reason_code = serializers.ChoiceField(
        choices=Match.ReasonCode.choices, required=False, allow_blank=True
    )
    starts_on = serializers.DateField(required=False)
    contract_type = serializers.ChoiceField(
        choices=Outcome.ContractType.choices, required=False, allow_blank=True
    )
    hours_per_week = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, min_value=0, max_value=80
    )


class CriterionSerializer(serializers.Serializer):
    name = serializers.CharField(
        help_text="status, location, licence:<code>, language:<lang>:<skill>, occupation"
    )
    met = serializers.BooleanField()
    detail = serializers.CharField()


class GapSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    detail = serializers.CharField()
    training = serializers.DictField(
        allow_null=True, help_text="The next training in reach that closes it"
    )


class MatchExplanationSerializer(serializers.Serializer):
    """The candidate suggestion of the pair when the match was proposed."""

    eligible = serializers.BooleanField()
    criteria = CriterionSerializer(many=True)
    gaps = GapSerializer(many=True)


class MatchSerializer(serializers.Serializer):
    """A match as counsellors read it: the participant, the score and explanation computed when
    it was proposed, the proposal's reason and the employer's latest reason (each transition's
    reason is in the participant's history)."""

    id = serializers.UUIDField()
    vacancy = serializers.UUIDField()
    participant = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Match.Status.choices)
    score = serializers.IntegerField(min_value=0, max_value=100)
    explanation = MatchExplanationSerializer()
    reason = serializers.CharField(help_text="The counsellor's reason for the proposal.")
    employer_reason = serializers.CharField(
        help_text="The latest reason the employer's users gave in a transition."
    )
    reason_code = serializers.CharField()
    version = serializers.IntegerField()


def match_data(match: Match) -> dict[str, Any]:
    return {
        "id": match.uuid,
        "vacancy": match.vacancy.uuid,
        "participant": match.participant.uuid,
        "status": match.status,
        "score": match.score,
        "explanation": match.explanation,
        "reason": match.reason,
        "employer_reason": match.employer_reason,
        "reason_code": match.reason_code,
        "version": match.version,
    }


# Outcomes -----------------------------------------------------------------------------------------

_FOLLOW_UP = Outcome.FollowUp.choices


class OutcomeInputSerializer(serializers.Serializer):
    participant = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Outcome.Kind.choices)
    employer = serializers.UUIDField(required=False, allow_null=True)
    occupation_code = StrictCharField(
        max_length=4, required=False, allow_null=True, allow_blank=True
    )
    contract_type = serializers.ChoiceField(
        choices=Outcome.ContractType.choices, required=False, allow_blank=True
    )
    hours_per_week = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True, min_value=0, max_value=80
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    follow_up_4_weeks = serializers.ChoiceField(
        choices=_FOLLOW_UP, required=False, allow_blank=True
    )
    follow_up_6_months = serializers.ChoiceField(
        choices=_FOLLOW_UP, required=False, allow_blank=True
    )


class OutcomeUpdateSerializer(OutcomeInputSerializer):
    participant = None  # type: ignore[assignment]
    kind = serializers.ChoiceField(choices=Outcome.Kind.choices, required=False)
    starts_on = serializers.DateField(required=False)


class OutcomeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    participant = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Outcome.Kind.choices)
    employer = serializers.UUIDField(allow_null=True)
    occupation_code = serializers.CharField(allow_null=True)
    contract_type = serializers.CharField()
    hours_per_week = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    match = serializers.UUIDField(allow_null=True)
    follow_up_4_weeks = serializers.CharField()
    follow_up_6_months = serializers.CharField()
    version = serializers.IntegerField()


def outcome_data(outcome: Outcome) -> dict[str, Any]:
    return {
        "id": outcome.uuid,
        "participant": outcome.participant.uuid,
        "kind": outcome.kind,
        "employer": outcome.employer.uuid if outcome.employer_id else None,
        "occupation_code": outcome.occupation_id,
        "contract_type": outcome.contract_type,
        "hours_per_week": str(outcome.hours_per_week)
        if outcome.hours_per_week is not None
        else None,
        "starts_on": outcome.starts_on,
        "ends_on": outcome.ends_on,
        "match": outcome.match.uuid if outcome.match_id else None,
        "follow_up_4_weeks": outcome.follow_up_4_weeks,
        "follow_up_6_months": outcome.follow_up_6_months,
        "version": outcome.version,
    }
