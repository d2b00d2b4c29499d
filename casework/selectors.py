"""Reads of casework data, and the access gate: every view gets protected objects only from
here. Each selector scopes by the user's municipalities first (an indexed
``municipality_id IN …``), then by per-participant grants; missing and out-of-scope both raise
``NotFound`` so existence is never revealed (docs/adr/0002-access-model.md)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from casework.access import (
    access_of,
    counsellor_municipality_ids,
    employer_id_of,
    participant_scope,
)
from casework.models import (
    CaseNote,
    Consent,
    Employer,
    Match,
    Outcome,
    Participant,
    Vacancy,
    consent_valid_on_q,
)
from core.access import Role
from core.errors import DOES_NOT_EXIST, NotFound, ValidationFailed
from municipalities.selectors import municipality_ids_in_areas_of

# Participants -------------------------------------------------------------------------------------


def participant_list(*, user: Any) -> QuerySet[Participant]:
    return Participant.objects.filter(participant_scope(user)).select_related(
        "municipality", "counsellor"
    )


def participant_get(*, user: Any, participant_id: Any, for_update: bool = False) -> Participant:
    """One participant in the caller's scope; ``for_update`` locks its row (inside the caller's
    transaction) so that a write reads it once."""
    queryset = participant_list(user=user)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(uuid=participant_id)
    except (Participant.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound() from None


def participant_for_write(
    *, user: Any, participant_id: Any, field: str = "participant"
) -> Participant:
    """A participant named in a request body: out of scope is a 400 ``does_not_exist`` there."""
    try:
        return participant_get(user=user, participant_id=participant_id)
    except NotFound:
        raise ValidationFailed(
            {field: [_("Object does not exist.")]},
            detail=_("Invalid input."),
            codes={field: [DOES_NOT_EXIST]},
        ) from None


# Attached records ---------------------------------------------------------------------------------


def consent_list(*, user: Any) -> QuerySet[Consent]:
    return Consent.objects.filter(participant_scope(user, "participant_id")).select_related(
        "participant"
    )


def consent_get(*, user: Any, consent_id: Any) -> Consent:
    try:
        return consent_list(user=user).get(uuid=consent_id)
    except (Consent.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound() from None


def case_note_list(*, user: Any) -> QuerySet[CaseNote]:
    return CaseNote.objects.filter(participant_scope(user, "participant_id")).select_related(
        "participant", "author"
    )


def outcome_list(*, user: Any) -> QuerySet[Outcome]:
    return Outcome.objects.filter(participant_scope(user, "participant_id")).select_related(
        "participant", "employer", "match"
    )


def get_scoped(queryset: QuerySet[Any], object_id: Any) -> Any:
    try:
        return queryset.get(uuid=object_id)
    except (queryset.model.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound() from None


# Employers and vacancies --------------------------------------------------------------------------


def employer_list(*, user: Any) -> QuerySet[Employer]:
    """Counsellors and coordinators read every employer; an employer user only its own."""
    queryset = Employer.objects.select_related("municipality")
    if access_of(user).municipality_ids(Role.COUNSELLOR, Role.COORDINATOR):
        return queryset
    own = employer_id_of(user)
    return queryset.filter(pk=own) if own is not None else queryset.none()


def vacancy_read_municipality_ids(user: Any) -> frozenset[int]:
    """Counsellors read vacancies of their employment areas; coordinators all of theirs."""
    access = access_of(user)
    counsellor_ids = access.municipality_ids(Role.COUNSELLOR)
    area_ids = municipality_ids_in_areas_of(counsellor_ids) if counsellor_ids else frozenset()
    return area_ids | access.municipality_ids(Role.COORDINATOR)


def vacancy_list(*, user: Any) -> QuerySet[Vacancy]:
    queryset = Vacancy.objects.select_related("employer", "municipality", "occupation")
    own = employer_id_of(user)
    scope = Q(municipality_id__in=vacancy_read_municipality_ids(user))
    if own is not None:
        scope |= Q(employer_id=own)
    return queryset.filter(scope).prefetch_related("required_licences")


def vacancy_writable(*, user: Any, vacancy: Vacancy) -> bool:
    """Counsellors write their own municipality's vacancies; an employer its own."""
    own = employer_id_of(user)
    if own is not None and vacancy.employer_id == own:
        return True
    return vacancy.municipality_id in counsellor_municipality_ids(user)


# Matches ------------------------------------------------------------------------------------------


def match_list(*, user: Any) -> QuerySet[Match]:
    """Counsellors: matches of participants they may read. Employers: their own from ``shared``
    on (a match that was never shared does not exist for them)."""
    queryset = Match.objects.select_related("vacancy", "participant", "municipality")
    own = employer_id_of(user)
    if own is not None:
        return queryset.filter(employer_id=own, reached_shared_on__isnull=False)
    return queryset.filter(participant_scope(user, "participant_id"))


def has_valid_consent_q(on: datetime.date, purpose: str = "share_with_employers") -> Q:
    return consent_valid_on_q(on, prefix="consents__") & Q(consents__purpose=purpose)


def participant_for_access_log(*, user: Any, participant_id: Any) -> Participant:
    """Counsellors read the log of participants in their scope; admins of any participant."""
    if getattr(user, "is_superuser", False):
        try:
            return Participant.objects.select_related("municipality").get(uuid=participant_id)
        except (Participant.DoesNotExist, ValueError, TypeError, DjangoValidationError):
            raise NotFound() from None
    return participant_get(user=user, participant_id=participant_id)


# What an employer sees of a candidate -------------------------------------------------------------

CANDIDATE_VISIBLE_STATUSES = ("shared", "interview", "hired")
CONTACT_VISIBLE_STATUSES = ("interview", "hired")
_AGE_BANDS = (
    (18, "under 18"),
    (25, "18-24"),
    (35, "25-34"),
    (45, "35-44"),
    (55, "45-54"),
    (65, "55-64"),
)


def age_band(date_of_birth: datetime.date, on: datetime.date) -> str:
    age = (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )
    for limit, label in _AGE_BANDS:
        if age < limit:
            return label
    return "65+"


def employer_candidate_profiles(
    matches: list[Match], on: datetime.date
) -> dict[int, dict[str, Any] | None]:
    """The pseudonymous candidate of each match as its employer may see it (docs/access.md):
    ``None`` unless the participant's ``share_with_employers`` consent is valid on ``on`` and the
    match is shared, interview or hired; from interview on, first name and contacts are added.
    A constant number of queries for any number of matches."""
    from assessments.models import LanguageAssessment, LicenceCard, SkillAssessment

    participant_ids = {m.participant_id for m in matches if m.status in CANDIDATE_VISIBLE_STATUSES}
    if not participant_ids:
        return {m.pk: None for m in matches}
    valid_consent = Consent.objects.filter(
        consent_valid_on_q(on),
        participant_id=OuterRef("pk"),
        purpose=Consent.Purpose.SHARE_WITH_EMPLOYERS,
    )
    participants = {
        p["id"]: p
        for p in Participant.objects.filter(Exists(valid_consent), id__in=participant_ids).values(
            "id",
            "date_of_birth",
            "municipality__code",
            "available_from",
            "first_name",
            "phone",
            "email",
        )
    }
    consenting = set(participants)
    if not consenting:
        return {m.pk: None for m in matches}
    languages: dict[int, dict[str, dict[str, str]]] = {}
    for row in (
        LanguageAssessment.objects.filter(participant_id__in=consenting)
        .order_by("participant_id", "assessed_on", "id")
        .values("participant_id", "language", "reading", "listening", "speaking", "writing")
    ):
        levels = languages.setdefault(row["participant_id"], {}).setdefault(row["language"], {})
        for skill in ("reading", "listening", "speaking", "writing"):
            if row[skill]:
                levels[skill] = row[skill]  # the latest assessment of each skill wins
    cards: dict[int, set[str]] = {}
    for participant_id, code in (
        LicenceCard.objects.valid_on(on)
        .filter(participant_id__in=consenting)
        .values_list("participant_id", "licence_type__code")
    ):
        cards.setdefault(participant_id, set()).add(code)
    skills: dict[int, list[dict[str, Any]]] = {}
    for row in (
        SkillAssessment.objects.filter(participant_id__in=consenting, occupation__isnull=False)
        .order_by("participant_id", "-level", "occupation_id")
        .values("participant_id", "occupation_id", "level", "years_experience")
    ):
        skills.setdefault(row["participant_id"], []).append(
            {
                "occupation_code": row["occupation_id"],
                "level": row["level"],
                "years_experience": str(row["years_experience"]),
            }
        )
    profiles: dict[int, dict[str, Any] | None] = {}
    for match in matches:
        person = participants.get(match.participant_id)
        if match.status not in CANDIDATE_VISIBLE_STATUSES or person is None:
            profiles[match.pk] = None
            continue
        profile: dict[str, Any] = {
            "reference": str(match.reference),
            "age_band": age_band(person["date_of_birth"], on),
            "municipality": person["municipality__code"],
            "language_levels": languages.get(match.participant_id, {}),
            "licence_cards": sorted(cards.get(match.participant_id, set())),
            "skills": skills.get(match.participant_id, []),
            "available_from": person["available_from"],
        }
        if match.status in CONTACT_VISIBLE_STATUSES:
            profile.update(
                {
                    "first_name": person["first_name"],
                    "phone": person["phone"],
                    "email": person["email"],
                }
            )
        profiles[match.pk] = profile
    return profiles
