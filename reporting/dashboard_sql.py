"""The hand-written queries behind a dashboard: one pass over the participants in scope, the
monthly trend and the median.

Why SQL and not the ORM: the ORM writes per-person facts ("has a shared match", "latest reading
level") as correlated subqueries, and PostgreSQL inlines the wrapping subquery, so every fact is
re-evaluated in every ``FILTER`` that uses it: index probes per participant per indicator, tens
of seconds at 100k participants. Here each attached table is aggregated **once** per participant
(``GROUP BY participant_id`` over the scope's rows, through the ``(municipality, participant, …)``
tenant indexes) and hash-joined to the participants, so the cost is one pass over each table's
rows of the scope. The statements are portable between PostgreSQL and SQLite except for the few
expressions in ``Dialect``. Every value interpolated into the SQL text is a constant of this
module or of the models' choices; everything else is a parameter.

"Latest" and "first" rows are picked without window functions or sorting, as the MAX/MIN of an
integer key: ``days since 1900-01-01 × 10¹² + row id × 100 + code``. It orders by date, then by
id (of two rows on one day the later one wins), and carries a small code (the contract type 1–4)
in its last two digits, read back with ``% 100``. Ids stay below 10¹⁰. The latest language
levels come ready-made from the derived ``LatestLanguageLevels`` (kept the same way by the
assessment services).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from assessments.language_levels import LEVELS, SKILLS, cefr
from assessments.models import Enrolment, LatestLanguageLevels, LicenceCard, SkillAssessment
from casework.models import Match, Outcome, Participant
from core.sql import Dialect, planner_settings
from reporting.periods import Period

EMPLOYMENT_KINDS = (Outcome.Kind.EMPLOYMENT.value, Outcome.Kind.SELF_EMPLOYMENT.value)
CANDIDATE_STATUSES = (Participant.Status.ACTIVE.value, Participant.Status.JOB_SEEKING.value)
CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
CONTRACT_TYPES = tuple(Outcome.ContractType.values)


@contextmanager
def serial_plans() -> Iterator[None]:
    """Run the enclosed queries in one transaction without parallel workers or JIT
    (``core.planner``).

    A municipality's dashboard reads a few thousand rows per table; on the two-core machine of
    docs/performance.md a parallel ``Gather`` costs more than it saves and takes cores from concurrent
    requests (measured at 100k participants, 2,000 in the municipality: 120 ms with parallel
    workers, 47 ms without), and JIT compilation of the wide aggregate costs more than it saves
    (largest municipality at 1M: 1.69 s with JIT, 1.44 s without)."""
    with planner_settings():
        yield


def _code_of(column: str, values: tuple[str, ...]) -> str:
    """``CASE`` mapping ``values`` to 1, 2, … (0 for anything else, e.g. an empty string)."""
    branches = " ".join(f"WHEN '{value}' THEN {index}" for index, value in enumerate(values, 1))
    return f"CASE {column} {branches} ELSE 0 END"


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


class _Query:
    """Collects parameters in the order their placeholders appear in the statement."""

    def __init__(self) -> None:
        self.params: list[Any] = []
        self.dialect = Dialect(connection.vendor)

    def param(self, value: Any) -> str:
        self.params.append(value)
        return "%s"

    def tenant(self, municipality_id: int | None, column: str = "municipality_id") -> str:
        if municipality_id is None:
            return "1 = 1"
        return f"{column} = {self.param(municipality_id)}"

    def population(self, municipality_id: int | None, period: Period) -> str:
        conditions = [self.tenant(municipality_id, "p.municipality_id")]
        if period.start:
            conditions.append(f"p.enrolled_on >= {self.param(period.start.isoformat())}")
        if period.end:
            conditions.append(f"p.enrolled_on <= {self.param(period.end.isoformat())}")
        return " AND ".join(conditions)

    def first_job_starts(self, municipality_id: int | None) -> str:
        """Per participant: the start of their first employment or self-employment outcome."""
        return f"""
            SELECT participant_id, MIN(starts_on) AS first_job_on
            FROM {_table(Outcome)}
            WHERE {self.tenant(municipality_id)} AND kind IN {_in(EMPLOYMENT_KINDS)}
            GROUP BY participant_id"""

    def first_jobs(self, municipality_id: int | None) -> str:
        """Per participant: which outcome kinds they have, and the start and contract type of
        their first employment (or self-employment) outcome."""
        contract = _code_of("contract_type", CONTRACT_TYPES)
        return f"""
            SELECT participant_id,
                   MAX(CASE WHEN kind = 'employment' THEN 1 ELSE 0 END) AS has_employment,
                   MAX(CASE WHEN kind = 'self_employment' THEN 1 ELSE 0 END) AS has_self_employment,
                   MAX(CASE WHEN kind = 'education' THEN 1 ELSE 0 END) AS has_education,
                   MIN(CASE WHEN kind IN {_in(EMPLOYMENT_KINDS)} THEN starts_on END) AS first_job_on,
                   MIN(CASE WHEN kind IN {_in(EMPLOYMENT_KINDS)}
                            THEN {self.dialect.sort_key("starts_on", contract)} END) %% 100
                       AS first_contract
            FROM {_table(Outcome)}
            WHERE {self.tenant(municipality_id)}
            GROUP BY participant_id"""

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, self.params)
            return cursor.fetchall()


def participant_counts(municipality_id: int | None, period: Period) -> dict[str, int]:
    """Every per-person figure of a dashboard except the trend, in one statement."""
    query = _Query()
    columns: list[tuple[str, str]] = [
        ("enrolled", "COUNT(*)"),
        ("assessed", "COUNT(CASE WHEN la.participant_id IS NOT NULL OR sa.participant_id IS NOT NULL THEN 1 END)"),
        ("trained", "COUNT(CASE WHEN en.participant_id IS NOT NULL OR lc.participant_id IS NOT NULL THEN 1 END)"),
        ("matched", "COUNT(ma.participant_id)"),
        ("employed", "COUNT(CASE WHEN oc.has_employment = 1 OR oc.has_self_employment = 1 THEN 1 END)"),
        ("kind_employment", "COUNT(CASE WHEN oc.has_employment = 1 THEN 1 END)"),
        ("kind_self_employment", "COUNT(CASE WHEN oc.has_self_employment = 1 AND oc.has_employment = 0 THEN 1 END)"),
        ("kind_education", "COUNT(CASE WHEN oc.has_education = 1 AND oc.has_employment = 0 AND oc.has_self_employment = 0 THEN 1 END)"),
        ("median_population", "COUNT(CASE WHEN oc.first_job_on >= p.enrolled_on THEN 1 END)"),
        ("candidates", f"COUNT(CASE WHEN p.status IN {_in(CANDIDATE_STATUSES)} THEN 1 END)"),
    ]  # fmt: skip
    for status in Participant.Status.values:
        columns.append((f"status_{status}", f"COUNT(CASE WHEN p.status = '{status}' THEN 1 END)"))
    for code, contract_type in enumerate(CONTRACT_TYPES, 1):
        columns.append(
            (f"contract_{contract_type}", f"COUNT(CASE WHEN oc.first_contract = {code} THEN 1 END)")
        )
    for skill in SKILLS:
        for code, level in enumerate(CEFR_LEVELS, 1):
            columns.append((f"{skill}_{level}", f"COUNT(CASE WHEN la.{skill} = {code} THEN 1 END)"))
        columns.append((f"{skill}_not_assessed", f"COUNT(CASE WHEN la.{skill} IS NULL THEN 1 END)"))

    # The latest level of each skill comes from the derived LatestLanguageLevels (ranks 0–12,
    # kept by the assessment services): two sub-level ranks to a CEFR level, coded 1–6.
    to_cefr = " ".join(
        f"WHEN {rank} THEN {CEFR_LEVELS.index(cefr(level)) + 1}"
        for rank, level in enumerate(LEVELS)
    )
    cefr_codes = ", ".join(f"(CASE {skill} {to_cefr} END) AS {skill}" for skill in SKILLS)
    # Placeholders are numbered by position: build the statement strictly left to right.
    sql = f"""
        SELECT {", ".join(f"{expression} AS {name}" for name, expression in columns)}
        FROM {_table(Participant)} p
        LEFT JOIN (
            SELECT participant_id, {cefr_codes}
            FROM {_table(LatestLanguageLevels)}
            WHERE {query.tenant(municipality_id)} AND language = 'fi'
        ) la ON la.participant_id = p.id
        LEFT JOIN (
            SELECT DISTINCT participant_id FROM {_table(SkillAssessment)}
            WHERE {query.tenant(municipality_id)}
        ) sa ON sa.participant_id = p.id
        LEFT JOIN (
            SELECT DISTINCT participant_id FROM {_table(Enrolment)}
            WHERE {query.tenant(municipality_id)} AND status = 'passed'
        ) en ON en.participant_id = p.id
        LEFT JOIN (
            SELECT DISTINCT participant_id FROM {_table(LicenceCard)}
            WHERE {query.tenant(municipality_id)}
        ) lc ON lc.participant_id = p.id
        LEFT JOIN (
            SELECT DISTINCT participant_id FROM {_table(Match)}
            WHERE {query.tenant(municipality_id)} AND reached_shared_on IS NOT NULL
        ) ma ON ma.participant_id = p.id
        LEFT JOIN ({query.first_jobs(municipality_id)}) oc ON oc.participant_id = p.id
        WHERE {query.population(municipality_id, period)}"""
    (row,) = query.fetch(sql)
    return {name: int(value or 0) for (name, _), value in zip(columns, row, strict=True)}


def monthly_counts(
    municipality_id: int | None, period: Period, first_day: datetime.date, last_day: datetime.date
) -> dict[tuple[str, str], int]:
    """``(series, "YYYY-MM") → persons`` for the months from ``first_day`` to ``last_day``:
    enrolled that month, first employment starting that month, exited that month."""
    query = _Query()
    month = query.dialect.month

    def within(column: str) -> str:
        return (
            f"{column} BETWEEN {query.param(first_day.isoformat())} "
            f"AND {query.param(last_day.isoformat())}"
        )

    sql = f"""
        SELECT 'enrolled', {month("p.enrolled_on")}, COUNT(*)
        FROM {_table(Participant)} p
        WHERE {query.population(municipality_id, period)} AND {within("p.enrolled_on")}
        GROUP BY {month("p.enrolled_on")}
        UNION ALL
        SELECT 'exited', {month("p.exited_on")}, COUNT(*)
        FROM {_table(Participant)} p
        WHERE {query.population(municipality_id, period)} AND {within("p.exited_on")}
        GROUP BY {month("p.exited_on")}
        UNION ALL
        SELECT 'employed', {month("oc.first_job_on")}, COUNT(*)
        FROM {_table(Participant)} p
        JOIN ({query.first_job_starts(municipality_id)}) oc ON oc.participant_id = p.id
        WHERE {query.population(municipality_id, period)} AND {within("oc.first_job_on")}
        GROUP BY {month("oc.first_job_on")}"""
    return {(series, key): int(count) for series, key, count in query.fetch(sql)}


def median_days_to_employment(
    municipality_id: int | None, period: Period, population: int
) -> float | int | None:
    """Median days from enrolment to the first employment outcome (starting on or after the
    enrolment), over ``population`` persons: the database sorts, only the middle one or two
    values come back."""
    query = _Query()
    middle = max(0, (population - 1) // 2)
    sql = f"""
        SELECT {query.dialect.days_between("oc.first_job_on", "p.enrolled_on")} AS days
        FROM {_table(Participant)} p
        JOIN ({query.first_job_starts(municipality_id)}) oc ON oc.participant_id = p.id
        WHERE {query.population(municipality_id, period)} AND oc.first_job_on >= p.enrolled_on
        ORDER BY days
        LIMIT 2 OFFSET {query.param(middle)}"""
    values = [int(row[0]) for row in query.fetch(sql)]
    if not values or population == 0:
        return None
    picked = values[:1] if population % 2 else values[:2]
    median = sum(picked) / len(picked)
    return int(median) if median == int(median) else median
