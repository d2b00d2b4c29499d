"""Candidate ranking for a vacancy (DESIGN.md §6): rule-based, deterministic, explainable.

The database does the filtering: status, place (the vacancy's municipality or employment area),
no open match for the vacancy, every required licence card valid on the start date unless a
training in reach can close the gap, and every language requirement met or at most two
sub-levels short on the latest assessment of each skill. Python then scores the few thousand
rows that remain and explains each criterion. Protected attributes (gender, age, citizenship,
native language) are never read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from assessments import language_levels
from assessments.models import Enrolment, LanguageAssessment, LicenceCard, SkillAssessment, Training
from casework.models import Match, Participant, Vacancy
from municipalities.selectors import municipality_ids_in_areas_of

ELIGIBLE_STATUSES = (Participant.Status.JOB_SEEKING, Participant.Status.ACTIVE)
MAX_GAPS = 2
MAX_LANGUAGE_SHORTFALL = 2  # sub-levels

# Score weights (0–100 in all).
OCCUPATION_POINTS = {4: 40, 3: 25, 2: 10}  # shared ISCO-08 prefix length → points
SKILL_POINTS = 15
EXPERIENCE_POINTS = 10
EXPERIENCE_CAP_YEARS = 10
LANGUAGE_POINTS = 20
LANGUAGE_MARGIN_CAP = 4  # sub-levels above the requirement that still add points
WAITING_POINTS = 15
WAITING_CAP_DAYS = 730


@dataclass
class TrainingOffer:
    uuid: str
    licence_type: str
    municipality: str
    provider: str
    starts_on: datetime.date
    ends_on: datetime.date
    free_seats: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.uuid,
            "licence_type": self.licence_type,
            "municipality": self.municipality,
            "provider": self.provider,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "free_seats": self.free_seats,
        }


@dataclass
class Suggestion:
    participant_id: int
    participant_uuid: Any
    municipality_id: int
    first_name: str
    last_name: str
    enrolled_on: datetime.date
    score: int
    eligible: bool
    criteria: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)

    def sort_key(self) -> tuple[Any, ...]:
        return (not self.eligible, -self.score, self.enrolled_on, self.participant_id)


def closing_trainings(
    vacancy: Vacancy, area_ids: frozenset[int], today: datetime.date
) -> dict[int, TrainingOffer]:
    """For each required licence type, the next training in reach with free seats that ends
    before the vacancy starts (and has not started yet)."""
    required = list(vacancy.required_licences.values_list("id", flat=True))
    if not required:
        return {}
    trainings = (
        Training.objects.filter(
            licence_type_id__in=required,
            municipality_id__in=area_ids,
            ends_on__lt=vacancy.starts_on,
            starts_on__gte=today,
        )
        .annotate(
            taken=Count("enrolments", filter=Q(enrolments__status__in=Enrolment.SEAT_HOLDING))
        )
        .filter(seats__gt=F("taken"))
        .order_by("licence_type_id", "starts_on", "ends_on", "id")
        .values(
            "uuid", "licence_type_id", "licence_type__code", "municipality__code", "provider",
            "starts_on", "ends_on", "seats", "taken",
        )
    )  # fmt: skip
    offers: dict[int, TrainingOffer] = {}
    for row in trainings:
        offers.setdefault(
            row["licence_type_id"],
            TrainingOffer(
                uuid=str(row["uuid"]),
                licence_type=row["licence_type__code"],
                municipality=row["municipality__code"],
                provider=row["provider"],
                starts_on=row["starts_on"],
                ends_on=row["ends_on"],
                free_seats=row["seats"] - row["taken"],
            ),
        )
    return offers


def _latest_level(skill: str, language: str) -> Subquery:
    return Subquery(
        LanguageAssessment.objects.filter(
            participant_id=OuterRef("pk"), language=language, **{f"{skill}__isnull": False}
        )
        .order_by("-assessed_on", "-id")
        .values(skill)[:1]
    )


def candidate_queryset(
    vacancy: Vacancy,
    *,
    scope: Q,
    today: datetime.date,
) -> tuple[QuerySet[Participant], dict[int, TrainingOffer], list[tuple[int, str]]]:
    """The participants worth scoring, with the facts needed to score them annotated."""
    area_ids = municipality_ids_in_areas_of(frozenset({vacancy.municipality_id}))
    offers = closing_trainings(vacancy, area_ids, today)
    required_types = list(vacancy.required_licences.values_list("id", "code"))
    queryset = (
        Participant.objects.filter(scope)
        .filter(municipality_id__in=area_ids, status__in=ELIGIBLE_STATUSES)
        .exclude(
            Exists(
                Match.objects.filter(
                    vacancy_id=vacancy.pk,
                    participant_id=OuterRef("pk"),
                    status__in=Match.OPEN_STATUSES,
                )
            )
        )
    )
    annotations: dict[str, Any] = {}
    for licence_type_id, _code in required_types:
        has_card = Exists(
            LicenceCard.objects.valid_on(vacancy.starts_on).filter(
                participant_id=OuterRef("pk"), licence_type_id=licence_type_id
            )
        )
        annotations[f"card_{licence_type_id}"] = has_card
        if licence_type_id not in offers:
            queryset = queryset.filter(has_card)  # nothing can close this gap in time
    for skill, required in vacancy.language_requirements.items():
        latest = _latest_level(skill, vacancy.language)
        floor = language_levels.LEVELS[
            max(language_levels.rank(required) - MAX_LANGUAGE_SHORTFALL, 0)
        ]
        queryset = queryset.annotate(**{f"level_{skill}": latest}).filter(
            **{f"level_{skill}__gte": floor}
        )
    queryset = queryset.annotate(**annotations)
    return queryset, offers, required_types


def _occupation_fits(
    participant_ids: QuerySet[Any], occupation_code: str
) -> dict[int, tuple[int, int, Decimal]]:
    """participant → (shared prefix length, level, years) of the best related skill assessment."""
    best: dict[int, tuple[int, int, Decimal]] = {}
    rows = SkillAssessment.objects.filter(
        participant_id__in=participant_ids, occupation__code__startswith=occupation_code[:2]
    ).values_list("participant_id", "occupation_id", "level", "years_experience")
    for participant_id, code, level, years in rows:
        shared = 4 if code == occupation_code else 3 if code[:3] == occupation_code[:3] else 2
        candidate = (shared, level, years)
        if participant_id not in best or candidate > best[participant_id]:
            best[participant_id] = candidate
    return best


def rank_candidates(vacancy: Vacancy, *, scope: Q, today: datetime.date) -> list[Suggestion]:
    """Every eligible or near-eligible candidate for ``vacancy`` among the participants in
    ``scope``, ordered: eligible first, then score, then the longest wait, then id."""
    queryset, offers, required_types = candidate_queryset(vacancy, scope=scope, today=today)
    card_fields = [f"card_{licence_type_id}" for licence_type_id, _ in required_types]
    level_fields = [f"level_{skill}" for skill in vacancy.language_requirements]
    rows = list(
        queryset.values(
            "id", "uuid", "municipality_id", "first_name", "last_name", "enrolled_on",
            *card_fields, *level_fields,
        )
    )  # fmt: skip
    fits = _occupation_fits(queryset.values("id"), vacancy.occupation_id) if rows else {}
    suggestions = []
    for row in rows:
        suggestion = _explain(vacancy, row, required_types, offers, fits.get(row["id"]), today)
        if suggestion is not None:
            suggestions.append(suggestion)
    suggestions.sort(key=Suggestion.sort_key)
    return suggestions


def _explain(
    vacancy: Vacancy,
    row: dict[str, Any],
    required_types: list[tuple[int, str]],
    offers: dict[int, TrainingOffer],
    fit: tuple[int, int, Decimal] | None,
    today: datetime.date,
) -> Suggestion | None:
    criteria: list[dict[str, Any]] = [
        {"name": "status", "met": True, "detail": "active or job seeking"},
        {
            "name": "location",
            "met": True,
            "detail": "lives in the vacancy's municipality or employment area",
        },
    ]
    gaps: list[dict[str, Any]] = []
    for licence_type_id, code in required_types:
        if row[f"card_{licence_type_id}"]:
            criteria.append(
                {"name": f"licence:{code}", "met": True, "detail": f"valid on {vacancy.starts_on}"}
            )
            continue
        offer = offers.get(licence_type_id)
        criteria.append(
            {
                "name": f"licence:{code}",
                "met": False,
                "detail": f"no card valid on {vacancy.starts_on}",
            }
        )
        gaps.append(
            {
                "criterion": f"licence:{code}",
                "detail": f"needs a {code} card; the next training in reach ends {offer.ends_on}"
                if offer
                else f"needs a {code} card",
                "training": offer.as_dict() if offer else None,
            }
        )
    margins: list[int] = []
    for skill, required in vacancy.language_requirements.items():
        level = row.get(f"level_{skill}")
        margin = language_levels.rank(level) - language_levels.rank(required)
        name = f"language:{vacancy.language}:{skill}"
        if margin >= 0:
            criteria.append({"name": name, "met": True, "detail": f"{level} ≥ {required}"})
            margins.append(margin)
        else:
            criteria.append({"name": name, "met": False, "detail": f"{level} < {required}"})
            gaps.append(
                {
                    "criterion": name,
                    "detail": f"{-margin} sub-level{'s' if margin < -1 else ''} short of {required}",
                    "training": None,
                }
            )
            margins.append(margin)
    if len(gaps) > MAX_GAPS:
        return None
    if fit is None:
        criteria.append(
            {
                "name": "occupation",
                "met": False,
                "detail": "no assessed skill in this occupation group",
            }
        )
    else:
        shared, level, years = fit
        label = {4: "same unit group", 3: "same minor group", 2: "same sub-major group"}[shared]
        criteria.append(
            {
                "name": "occupation",
                "met": shared == 4,
                "detail": f"{label}, level {level}, {years} years",
            }
        )
    score = _score(fit, margins, bool(vacancy.language_requirements), row["enrolled_on"], today)
    return Suggestion(
        participant_id=row["id"],
        participant_uuid=row["uuid"],
        municipality_id=row["municipality_id"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        enrolled_on=row["enrolled_on"],
        score=score,
        eligible=not gaps,
        criteria=criteria,
        gaps=gaps,
    )


def _score(
    fit: tuple[int, int, Decimal] | None,
    margins: list[int],
    has_language_requirements: bool,
    enrolled_on: datetime.date,
    today: datetime.date,
) -> int:
    points = 0.0
    if fit is not None:
        shared, level, years = fit
        points += OCCUPATION_POINTS[shared]
        points += SKILL_POINTS * level / 4
        points += EXPERIENCE_POINTS * min(float(years), EXPERIENCE_CAP_YEARS) / EXPERIENCE_CAP_YEARS
    if has_language_requirements:
        points += (
            LANGUAGE_POINTS
            * sum(
                min(max(margin, 0), LANGUAGE_MARGIN_CAP) / LANGUAGE_MARGIN_CAP for margin in margins
            )
            / len(margins)
        )
    else:
        points += LANGUAGE_POINTS
    waited = max((today - enrolled_on).days, 0)
    points += WAITING_POINTS * min(waited, WAITING_CAP_DAYS) / WAITING_CAP_DAYS
    return max(0, min(100, round(points)))
