"""Candidate ranking for a vacancy (docs/domain.md#matching): rule-based, deterministic, explainable.

The database does the work: one statement filters (status, place — the vacancy's municipality or
employment area —, the caller's scope, no open match for the vacancy, every required licence
card valid on the start date unless a training in reach can close the gap, every language
requirement met or at most two sub-levels short on the latest assessment of each skill), scores,
orders and pages the candidates, and counts them. Python only explains the page it is given.
Protected attributes (gender, age, citizenship, native language) are never read.

The score is computed in whole units of 1/``SCORE_UNIT`` point (integer arithmetic, the same on
PostgreSQL and SQLite) and rounded half up to 0–100."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from assessments import language_levels
from assessments.models import (
    Enrolment,
    LatestLanguageLevels,
    LicenceCard,
    SkillAssessment,
    Training,
)
from casework.models import Match, Participant, Vacancy
from core.sql import Dialect, planner_settings
from municipalities.selectors import municipality_ids_in_areas_of

ELIGIBLE_STATUSES = (Participant.Status.JOB_SEEKING, Participant.Status.ACTIVE)
MAX_GAPS = 2
MAX_LANGUAGE_SHORTFALL = 2  # sub-levels

# Score weights (0–100 in all).
OCCUPATION_POINTS = {4: 40, 3: 25, 2: 10}  # shared ISCO-08 prefix length → points
SKILL_POINTS = 15  # × level / 4
EXPERIENCE_POINTS = 10  # × min(years, cap) / cap
EXPERIENCE_CAP_YEARS = 10
LANGUAGE_POINTS = 20  # × mean over required skills of min(margin, cap) / cap
LANGUAGE_MARGIN_CAP = 4  # sub-levels above the requirement that still add points
WAITING_POINTS = 15  # × min(days, cap) / cap
WAITING_CAP_DAYS = 730

# Every partial score above is a whole number of these units (for 1–4 required skills), so the
# database scores exactly: 4 (skill level) × 730 (waiting days) × 3 (mean over 3 skills).
SCORE_UNIT = 4380
_SKILL_UNITS = SKILL_POINTS * SCORE_UNIT // 4  # per skill level
_EXPERIENCE_UNITS = EXPERIENCE_POINTS * SCORE_UNIT // (EXPERIENCE_CAP_YEARS * 10)  # per tenth
_WAITING_UNITS = WAITING_POINTS * SCORE_UNIT // WAITING_CAP_DAYS  # per day
_LANGUAGE_UNITS = LANGUAGE_POINTS * SCORE_UNIT // LANGUAGE_MARGIN_CAP  # per sub-level of margin
assert _SKILL_UNITS * 4 == SKILL_POINTS * SCORE_UNIT
assert _EXPERIENCE_UNITS * EXPERIENCE_CAP_YEARS * 10 == EXPERIENCE_POINTS * SCORE_UNIT
assert _WAITING_UNITS * WAITING_CAP_DAYS == WAITING_POINTS * SCORE_UNIT
assert all(_LANGUAGE_UNITS % n == 0 for n in range(1, len(language_levels.SKILLS) + 1))

# The best related skill assessment packed into one sortable integer:
# shared prefix length × 10⁶ + level × 10⁴ + tenths of a year of experience (≤ 800).
_FIT_SHARED = 1_000_000
_FIT_LEVEL = 10_000


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
    vacancy: Vacancy, area_ids: frozenset[int], today: datetime.date, required: list[int]
) -> dict[int, TrainingOffer]:
    """For each of the ``required`` licence types, the next training in reach with free seats
    that ends before the vacancy starts (and has not started yet)."""
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


def candidate_queryset(
    vacancy: Vacancy, *, scope: Q, area_ids: frozenset[int] | None = None
) -> QuerySet[Participant]:
    """The participants in reach: in ``scope``, active or job seeking, living in the vacancy's
    municipality or employment area, without an open match for the vacancy."""
    if area_ids is None:
        area_ids = municipality_ids_in_areas_of(frozenset({vacancy.municipality_id}))
    return (
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


class Ranking:
    """The ranked candidates of one vacancy, computed by the database a page at a time.

    Sliceable and countable, so a paginator can use it; ``expect(offset, limit)`` lets the first
    ``count()`` fetch that page together with the total in one statement."""

    def __init__(
        self,
        vacancy: Vacancy,
        *,
        scope: Q,
        today: datetime.date,
        only: Participant | None = None,
    ) -> None:
        self.vacancy = vacancy
        self.today = today
        self.area_ids = municipality_ids_in_areas_of(frozenset({vacancy.municipality_id}))
        #: ``only``: judge this one participant whether or not in reach (``explain_pair``):
        #: no status, place, open-match, card or language filter, every shortfall a gap.
        self.only = only
        self.lookup_ids = (
            self.area_ids | {only.municipality_id} if only is not None else self.area_ids
        )
        # .all() uses the licences the vacancy's selector prefetched
        self.required_types = sorted((t.id, t.code) for t in vacancy.required_licences.all())
        self.offers = closing_trainings(
            vacancy,
            self.area_ids,
            today,
            [licence_type_id for licence_type_id, _ in self.required_types],
        )
        self.candidates = (
            Participant.objects.filter(scope).filter(pk=only.pk)
            if only is not None
            else candidate_queryset(vacancy, scope=scope, area_ids=self.area_ids)
        )
        self._total: int | None = None
        self._window: tuple[int, int | None] | None = None
        self._rows: list[Suggestion] | None = None

    def expect(self, offset: int, limit: int) -> None:
        """The page the caller will ask for next (a hint: any other slice still works)."""
        self._window = (max(offset, 0), max(limit, 1))

    def count(self) -> int:
        if self._total is None:
            offset, limit = self._window or (0, 1)
            rows, total = self._fetch(offset, limit)
            if total is None and offset > 0:  # past the end: count from the first row
                total = self._fetch(0, 1)[1]
            self._rows = rows if self._window else None
            self._total = total or 0
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice | int) -> Any:
        if isinstance(key, int):
            rows = self[key : key + 1]
            if not rows:
                raise IndexError(key)
            return rows[0]
        if key.step not in (None, 1) or (key.start or 0) < 0 or (key.stop or 0) < 0:
            raise ValueError("a ranking takes forward slices only")
        offset = key.start or 0
        limit = None if key.stop is None else key.stop - offset
        if limit is not None and limit <= 0:
            return []
        if (
            self._rows is not None
            and self._window is not None
            and offset == self._window[0]
            and limit is not None
            and limit <= self._window[1]
        ):
            return self._rows[:limit]  # the paginator trims the last page to the count
        return self._fetch(offset, limit)[0]

    def __iter__(self) -> Iterator[Suggestion]:
        return iter(self[0:])

    def _fetch(self, offset: int, limit: int | None) -> tuple[list[Suggestion], int | None]:
        """One page of suggestions and the number of candidates in all (``None`` when the
        page is empty)."""
        if offset >= _NO_LIMIT:
            return [], None  # no ranking is that long (and the database takes bigints only)
        sql, params = ranking_sql(self, offset=offset, limit=limit)
        # Row estimates of window results and CTEs are guesses; nested loops over them would
        # probe tens of thousands of times (minutes at 1M participants): hash joins only.
        with (
            planner_settings(self.candidates.db, enable_nestloop="off", work_mem="64MB"),
            connections[self.candidates.db].cursor() as cursor,
        ):
            cursor.execute(sql, params)
            columns = [column[0] for column in cursor.description]
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        if not rows:
            return [], None
        people = {
            person["id"]: person
            for person in Participant.objects.using(self.candidates.db)
            .filter(pk__in=[row["id"] for row in rows])
            .values("id", "uuid", "first_name", "last_name", "municipality_id")
        }
        return [_explain(self, {**row, **people[row["id"]]}) for row in rows], rows[0]["total"]


def rank_candidates(vacancy: Vacancy, *, scope: Q, today: datetime.date) -> Ranking:
    """Every eligible or near-eligible candidate for ``vacancy`` among the participants in
    ``scope``, ordered: eligible first, then score, then the longest wait, then id."""
    return Ranking(vacancy, scope=scope, today=today)


def explanation_of(suggestion: Suggestion) -> dict[str, Any]:
    """What a match stores of its suggestion: ``{"eligible", "criteria", "gaps"}``."""
    return {
        "eligible": suggestion.eligible,
        "criteria": suggestion.criteria,
        "gaps": suggestion.gaps,
    }


#: The explanation of a participant's language skill that has no assessment in the language.
NOT_ASSESSED = -1


def explain_pair(vacancy: Vacancy, participant: Participant, *, today: datetime.date) -> Suggestion:
    """The suggestion for one vacancy and participant, computed exactly as the ranking computes
    it (for a candidate in reach it equals that candidate's row of ``rank_candidates``). A
    participant outside the ranking's reach is judged all the same: the unmet status and place
    criteria and every shortfall (a card no training closes in time, a skill more than two
    sub-levels short or never assessed) are criteria not met and gaps. A match's stored score
    and explanation come from here, never from a caller (docs/domain.md Match)."""
    ranking = Ranking(vacancy, scope=Q(), today=today, only=participant)
    suggestion = ranking._fetch(0, 1)[0][0]
    status_met = participant.status in ELIGIBLE_STATUSES
    place_met = participant.municipality_id in ranking.area_ids
    if not status_met:
        suggestion.criteria[0] = {"name": "status", "met": False, "detail": participant.status}
    if not place_met:
        detail = "lives outside the vacancy's municipality and employment area"
        suggestion.criteria[1] = {"name": "location", "met": False, "detail": detail}
        suggestion.gaps.insert(0, {"criterion": "location", "detail": detail, "training": None})
    suggestion.eligible = status_met and not suggestion.gaps
    return suggestion


def _compile(queryset: QuerySet[Any]) -> tuple[str, list[Any]]:
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, list(params)


def ranking_sql(ranking: Ranking, *, offset: int, limit: int | None) -> tuple[str, list[Any]]:
    """One statement: the candidates in reach, the facts each criterion needs (joined per
    table, never looked up per participant), the score, the order, the page and the total."""
    vacancy, today = ranking.vacancy, ranking.today
    connection = connections[ranking.candidates.db]
    quote = connection.ops.quote_name
    dialect = Dialect(connection.vendor)
    judge_all = ranking.only is not None
    area = sorted(ranking.lookup_ids)
    in_area = "municipality_id IN (" + ", ".join(["%s"] * len(area)) + ")"
    params: list[Any] = []

    base_sql, base_params = _compile(ranking.candidates.values("id", "enrolled_on"))
    ctes = [f"candidate (id, enrolled_on) AS ({base_sql})"]
    params += base_params

    requirements = [
        (skill, language_levels.rank(required))
        for skill, required in sorted(vacancy.language_requirements.items())
        if skill in language_levels.SKILLS
    ]
    # The latest level of each required skill: one narrow derived row per candidate and language
    # (assessments.LatestLanguageLevels, kept by the assessment services).
    if requirements:
        latest = quote(LatestLanguageLevels._meta.db_table)
        ranks = ", ".join(f"{skill} AS rank_{skill}" for skill, _required in requirements)
        ctes.append(
            f"levels AS (SELECT participant_id, {ranks} FROM {latest}"
            f" WHERE {in_area} AND language = %s)"
        )
        params += [*area, vacancy.language]

    occupation = vacancy.occupation_id
    skills_table = quote(SkillAssessment._meta.db_table)
    ctes.append(
        "fit (participant_id, fit) AS ("
        f" SELECT participant_id, MAX((CASE WHEN occupation_id = %s THEN 4"
        f"  WHEN substr(occupation_id, 1, 3) = %s THEN 3 ELSE 2 END) * {_FIT_SHARED}"
        f"  + level * {_FIT_LEVEL} + CAST(ROUND(years_experience * 10) AS INTEGER))"
        f" FROM {skills_table} WHERE {in_area} AND occupation_id >= %s AND occupation_id < %s"
        " GROUP BY participant_id)"
    )
    # ISCO-08 codes are digits: [group, group + "Z") holds exactly the codes of the sub-major
    # group, and a range (unlike LIKE under a non-C collation) can use the index.
    group = occupation[:2]
    params += [occupation, occupation[:3], *area, group, group + "Z"]

    # Judged: one row per candidate with what each criterion needs. A card is looked up with
    # an uncorrelated IN (…), which the database hashes once.
    cards_table = quote(LicenceCard._meta.db_table)
    holders = (
        f"SELECT participant_id FROM {cards_table} WHERE {in_area} AND licence_type_id = %s"
        " AND issued_on <= %s AND (valid_until IS NULL OR valid_until >= %s)"
    )
    columns = ["c.id", "c.enrolled_on", "fit.fit"]
    column_params: list[Any] = []
    conditions: list[str] = []
    condition_params: list[Any] = []
    gap_terms: list[str] = []
    for licence_type_id, _code in ranking.required_types:
        holder_params = [*area, licence_type_id, vacancy.starts_on, vacancy.starts_on]
        if licence_type_id in ranking.offers or judge_all:
            columns.append(
                f"CASE WHEN c.id IN ({holders}) THEN 1 ELSE 0 END AS card_{licence_type_id}"
            )
            column_params += holder_params
            gap_terms.append(f"(1 - card_{licence_type_id})")
        else:  # nothing can close this gap in time
            columns.append(f"1 AS card_{licence_type_id}")
            conditions.append(f"c.id IN ({holders})")
            condition_params += holder_params
    join = "LEFT JOIN" if judge_all else "JOIN"
    joins = [f"{join} levels ON levels.participant_id = c.id"] if requirements else []
    for skill, required in requirements:
        if judge_all:
            columns.append(f"COALESCE(levels.rank_{skill}, {NOT_ASSESSED}) AS rank_{skill}")
        else:
            columns.append(f"levels.rank_{skill}")
            conditions.append(f"levels.rank_{skill} >= {required - MAX_LANGUAGE_SHORTFALL}")
        gap_terms.append(f"(CASE WHEN rank_{skill} < {required} THEN 1 ELSE 0 END)")
    columns.append(f"{dialect.days_between('%s', 'c.enrolled_on')} AS waited")
    column_params.append(today)
    ctes.append(
        "judged AS (SELECT "
        + ", ".join(columns)
        + " FROM candidate c "
        + " ".join(joins)
        + " LEFT JOIN fit ON fit.participant_id = c.id"
        + (" WHERE " + " AND ".join(conditions) if conditions else "")
        + ")"
    )
    params += column_params + condition_params

    unit = SCORE_UNIT
    occupation_units = (
        f"COALESCE((CASE fit / {_FIT_SHARED} "
        + " ".join(
            f"WHEN {shared} THEN {points * unit}" for shared, points in OCCUPATION_POINTS.items()
        )
        + f" ELSE 0 END) + (fit / {_FIT_LEVEL} %% 100) * {_SKILL_UNITS}"
        f" + {_clamp(f'fit %% {_FIT_LEVEL}', 0, EXPERIENCE_CAP_YEARS * 10)} * {_EXPERIENCE_UNITS}, 0)"
    )
    if requirements:
        per_margin = _LANGUAGE_UNITS // len(requirements)
        language_units = " + ".join(
            f"{_clamp(f'rank_{skill} - {required}', 0, LANGUAGE_MARGIN_CAP)} * {per_margin}"
            for skill, required in requirements
        )
    else:
        language_units = str(LANGUAGE_POINTS * unit)
    waiting_units = f"{_clamp('waited', 0, WAITING_CAP_DAYS)} * {_WAITING_UNITS}"
    gaps = " + ".join(gap_terms) or "0"
    ctes.append(
        f"scored AS (SELECT judged.*, {gaps} AS gaps,"
        f" (2 * ({occupation_units} + {language_units} + {waiting_units}) + {unit}) / {2 * unit}"
        " AS score FROM judged)"
    )
    ctes.append(
        "page AS (SELECT scored.*, COUNT(*) OVER () AS total FROM scored"
        + ("" if judge_all else f" WHERE gaps <= {MAX_GAPS}")
        + " ORDER BY CASE WHEN gaps = 0 THEN 0 ELSE 1 END, score DESC, enrolled_on, id"
        " LIMIT %s OFFSET %s)"
    )
    params += [_NO_LIMIT if limit is None else min(limit, _NO_LIMIT), offset]
    sql = (
        "WITH " + ", ".join(ctes) + " SELECT * FROM page"
        " ORDER BY CASE WHEN gaps = 0 THEN 0 ELSE 1 END, score DESC, enrolled_on, id"
    )
    return sql, params


_NO_LIMIT = 2**62


def _clamp(expression: str, low: int, high: int) -> str:
    return (
        f"(CASE WHEN ({expression}) < {low} THEN {low} WHEN ({expression}) > {high} THEN {high}"
        f" ELSE ({expression}) END)"
    )


def _as_date(value: Any) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _explain(ranking: Ranking, row: dict[str, Any]) -> Suggestion:
    vacancy = ranking.vacancy
    criteria: list[dict[str, Any]] = [
        {"name": "status", "met": True, "detail": "active or job seeking"},
        {
            "name": "location",
            "met": True,
            "detail": "lives in the vacancy's municipality or employment area",
        },
    ]
    gaps: list[dict[str, Any]] = []
    for licence_type_id, code in ranking.required_types:
        if row[f"card_{licence_type_id}"]:
            criteria.append(
                {"name": f"licence:{code}", "met": True, "detail": f"valid on {vacancy.starts_on}"}
            )
            continue
        offer = ranking.offers.get(licence_type_id)  # none only when judging one pair
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
                if offer is not None
                else f"needs a {code} card; no training in reach ends before the start",
                "training": offer.as_dict() if offer is not None else None,
            }
        )
    for skill, required in vacancy.language_requirements.items():
        if skill not in language_levels.SKILLS:
            continue  # the vacancy services accept only the four skills
        name = f"language:{vacancy.language}:{skill}"
        if row[f"rank_{skill}"] == NOT_ASSESSED:  # only when judging one pair
            detail = f"no {vacancy.language} assessment of {skill}"
            criteria.append({"name": name, "met": False, "detail": detail})
            gaps.append({"criterion": name, "detail": detail, "training": None})
            continue
        level = language_levels.LEVELS[row[f"rank_{skill}"]]
        margin = language_levels.rank(level) - language_levels.rank(required)
        if margin >= 0:
            criteria.append({"name": name, "met": True, "detail": f"{level} ≥ {required}"})
        else:
            criteria.append({"name": name, "met": False, "detail": f"{level} < {required}"})
            gaps.append(
                {
                    "criterion": name,
                    "detail": f"{-margin} sub-level{'s' if margin < -1 else ''} short of {required}",
                    "training": None,
                }
            )
    fit = row["fit"]
    if fit is None:
        criteria.append(
            {
                "name": "occupation",
                "met": False,
                "detail": "no assessed skill in this occupation group",
            }
        )
    else:
        shared, level = fit // _FIT_SHARED, fit // _FIT_LEVEL % 100
        years = Decimal(fit % _FIT_LEVEL).scaleb(-1)
        label = {4: "same unit group", 3: "same minor group", 2: "same sub-major group"}[shared]
        criteria.append(
            {
                "name": "occupation",
                "met": shared == 4,
                "detail": f"{label}, level {level}, {years} years",
            }
        )
    return Suggestion(
        participant_id=row["id"],
        participant_uuid=uuid.UUID(str(row["uuid"])),
        municipality_id=row["municipality_id"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        enrolled_on=_as_date(row["enrolled_on"]),
        score=int(row["score"]),
        eligible=not gaps,
        criteria=criteria,
        gaps=gaps,
    )
