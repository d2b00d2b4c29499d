"""Dashboards for municipal managers, counsellors and the pilot coordinator (docs/domain.md#dashboards-and-the-esf-report).

Selectors: read-only, computed live with a fixed number of aggregate queries (nine, whatever
the amount of data): one pass over the participants in scope, the monthly trend and the median
(hand-written, ``reporting.dashboard_sql``), and one grouped query each for the licence
catalogue, cards, trainings, matches, the licence types open vacancies require and the
candidates holding them. A municipality's queries run in one transaction with serial plans
(``dashboard_sql.serial_plans``). No participant-level row leaves the database except the one or
two middle values of the median, and no answer holds participant-level data. Every answer goes through
``reporting.suppression`` before it is returned; ``dashboard_groups`` declares which of its cells
add up to which.

Definitions (all counts are persons, except ``matches_by_status``, which counts matches):

- population: participants of the scope whose ``enrolled_on`` falls in the period (whole months);
  every figure describes that population.
- funnel: ``enrolled``; ``assessed`` (any language or skill assessment); ``trained`` (a passed
  enrolment or a licence card); ``matched`` (a match that reached ``shared``); ``employed`` (an
  outcome of kind employment or self-employment).
- ``language_levels``: each skill's latest Finnish assessment that rates that skill, rolled up to
  CEFR; ``not_assessed`` when there is none. Levels + ``not_assessed`` = ``enrolled``.
- ``outcomes_by_kind``: each person once, under their most favourable outcome (employment, then
  self-employment, then education), so that employment + self_employment = ``funnel.employed``.
- ``outcomes_by_contract_type``: the contract type of each employed person's first employment
  outcome (people whose first one has no contract type recorded are in none).
- ``median_days_to_employment``: days from enrolment to the start of the first employment
  outcome, over the persons whose first employment started on or after their enrolment.
- ``monthly_trend``: the 24 months ending with the period's last month (the current month when
  the period is open): persons enrolled that month, whose first employment started that month,
  and who exited that month.
- ``deadlines``: per worklist rule (docs/domain.md#plans-appointments-and-the-worklist, ``plans.worklist``), the persons with at least
  one overdue item under it today (counts of persons, so that they are suppressed like every
  other count; a person may be under several rules, so the rules are not parts of a total).
- ``unmet_licence_demand``: for every licence type that an open vacancy in scope requires, the
  active or job-seeking persons (the candidates of docs/domain.md#matching) without a card of that type
  valid today.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from assessments.language_levels import SKILLS
from assessments.models import Enrolment, LicenceCard, LicenceType
from casework.models import Match, Outcome, Participant, VacancyLicenceRequirement
from core.validation import today
from municipalities.models import Municipality
from plans.worklist.selectors import overdue_persons_by_rule
from reporting import dashboard_sql, suppression
from reporting.dashboard_sql import CANDIDATE_STATUSES, CEFR_LEVELS
from reporting.periods import Period, month_end, whole_months
from reporting.suppression import Group, Statistic

FUNNEL_STEPS = ("enrolled", "assessed", "trained", "matched", "employed")
PILOT_SCOPE = {"kind": "pilot", "code": None, "name": "Whole pilot"}

#: The top-level keys whose integer leaves are counts of persons (or matches).
COUNT_SECTIONS = (
    "funnel",
    "participants_by_status",
    "language_levels",
    "licence_cards_by_type",
    "training_pass_rates",
    "matches_by_status",
    "outcomes_by_kind",
    "outcomes_by_contract_type",
    "monthly_trend",
    "unmet_licence_demand",
    "deadlines",
)


def municipality_dashboard(
    municipality: Municipality,
    *,
    period_from: datetime.date | None = None,
    period_to: datetime.date | None = None,
) -> dict[str, Any]:
    """The dashboard of one municipality, live. The caller has checked that the user may see
    it (``casework.access.municipality_ids_for``)."""
    scope = {"kind": "municipality", "code": municipality.code, "name": municipality.name_fi}
    period = whole_months(period_from, period_to)
    with dashboard_sql.serial_plans():
        return compute_dashboard(scope, municipality.pk, period, today=today())


def pilot_dashboard(
    *, period_from: datetime.date | None = None, period_to: datetime.date | None = None
) -> dict[str, Any]:
    """The whole pilot, computed live. The API and the pages answer the unfiltered view from a
    rollup (``reporting.rollups.pilot_dashboard_precomputed``)."""
    return compute_dashboard(
        dict(PILOT_SCOPE), None, whole_months(period_from, period_to), today=today()
    )


# Computing --------------------------------------------------------------------------------------


def _tenant(municipality_id: int | None, field: str = "municipality_id") -> Q:
    return Q(**{field: municipality_id}) if municipality_id is not None else Q()


def _attached_tenant(municipality_id: int | None) -> Q:
    """Rows attached to a participant, joined to the participant: both sides scoped by the
    tenant, so that the participant side is read through its index as well."""
    return _tenant(municipality_id) & _tenant(municipality_id, "participant__municipality_id")


def _unmet_demand(
    municipality_id: int | None, period: Period, candidates: int, on: datetime.date
) -> dict[str, int]:
    """For each licence type an open vacancy in scope requires: the candidates (active or job
    seeking) minus those holding a card of that type valid on ``on``."""
    demanded = (
        VacancyLicenceRequirement.objects.filter(
            _tenant(municipality_id, "vacancy__municipality_id"), vacancy__status="open"
        )
        .values_list("licence_type__code", flat=True)
        .distinct()
    )
    holders = dict(
        LicenceCard.objects.valid_on(on)
        .filter(
            _attached_tenant(municipality_id),
            participant__status__in=CANDIDATE_STATUSES,
            **period.filter("participant__enrolled_on"),
        )
        .values("licence_type__code")
        .annotate(holders=Count("participant_id", distinct=True))
        .order_by()
        .values_list("licence_type__code", "holders")
    )
    return {code: candidates - holders.get(code, 0) for code in sorted(demanded)}


def compute_dashboard(
    scope: dict[str, Any], municipality_id: int | None, period: Period, *, today: datetime.date
) -> dict[str, Any]:
    """The suppressed dashboard of one municipality (``municipality_id``) or the pilot (None)."""
    tenant = (
        _attached_tenant(municipality_id)
        if period.start or period.end
        else _tenant(municipality_id)
    )
    of_population = period.filter("participant__enrolled_on")
    trend_months = period.trend_months(today)

    counts = dashboard_sql.participant_counts(municipality_id, period)
    monthly = dashboard_sql.monthly_counts(
        municipality_id, period, trend_months[0], month_end(trend_months[-1])
    )
    licence_codes = list(LicenceType.objects.order_by("code").values_list("code", flat=True))
    cards = dict(
        LicenceCard.objects.filter(tenant, **of_population)
        .values("licence_type__code")
        .annotate(persons=Count("participant_id", distinct=True))
        .order_by()
        .values_list("licence_type__code", "persons")
    )
    trainings = {
        row["training__licence_type__code"]: row
        for row in Enrolment.objects.filter(
            tenant, status__in=(Enrolment.Status.PASSED, Enrolment.Status.FAILED), **of_population
        )
        .values("training__licence_type__code")
        .annotate(
            finished=Count("participant_id", distinct=True),
            passed=Count("participant_id", distinct=True, filter=Q(status=Enrolment.Status.PASSED)),
        )
        .order_by()
    }
    matches = dict(
        Match.objects.filter(tenant, **of_population)
        .values("status")
        .annotate(matches=Count("*"))  # COUNT(*): an index-only scan of (municipality, status)
        .order_by()
        .values_list("status", "matches")
    )
    unmet = _unmet_demand(municipality_id, period, counts["candidates"], today)
    median = dashboard_sql.median_days_to_employment(
        municipality_id, period, counts["median_population"]
    )

    pass_rates = {}
    for code in licence_codes:
        finished = trainings.get(code, {}).get("finished", 0)
        passed = trainings.get(code, {}).get("passed", 0)
        pass_rates[code] = {
            "finished": finished,
            "passed": passed,
            "rate": round(passed / finished, 4) if finished else None,
        }
    payload: dict[str, Any] = {
        "scope": scope,
        "period": period.as_dict(),
        "computed_at": timezone.now().isoformat(),
        "funnel": {step: counts[step] for step in FUNNEL_STEPS},
        "participants_by_status": {
            status: counts[f"status_{status}"] for status in Participant.Status.values
        },
        "language_levels": {
            skill: {
                **{level: counts[f"{skill}_{level}"] for level in CEFR_LEVELS},
                "not_assessed": counts[f"{skill}_not_assessed"],
            }
            for skill in SKILLS
        },
        "licence_cards_by_type": {code: cards.get(code, 0) for code in licence_codes},
        "training_pass_rates": pass_rates,
        "matches_by_status": {status: matches.get(status, 0) for status in Match.Status.values},
        "outcomes_by_kind": {kind: counts[f"kind_{kind}"] for kind in Outcome.Kind.values},
        "outcomes_by_contract_type": {
            contract_type: counts[f"contract_{contract_type}"]
            for contract_type in Outcome.ContractType.values
        },
        "median_days_to_employment": median,
        "monthly_trend": [
            {
                "month": month.strftime("%Y-%m"),
                **{
                    series: monthly.get((series, month.strftime("%Y-%m")), 0)
                    for series in ("enrolled", "employed", "exited")
                },
            }
            for month in trend_months
        ],
        "unmet_licence_demand": unmet,
        "deadlines": overdue_persons_by_rule(
            municipality_id, enrolled_from=period.start, enrolled_to=period.end, today=today
        ),
    }
    return protect_dashboard(payload, median_population=counts["median_population"])


def protect_dashboard(payload: dict[str, Any], *, median_population: int) -> dict[str, Any]:
    """Apply disclosure control to a dashboard whose cells are still raw counts."""
    statistics = [
        Statistic(
            f"training_pass_rates.{code}.rate",
            population=rates["finished"],
            made_of=(f"training_pass_rates.{code}.finished", f"training_pass_rates.{code}.passed"),
        )
        for code, rates in payload["training_pass_rates"].items()
    ]
    statistics.append(Statistic("median_days_to_employment", median_population))
    return suppression.protect(
        payload,
        sections=COUNT_SECTIONS,
        groups=dashboard_groups(payload),
        statistics=statistics,
    )


def dashboard_groups(payload: dict[str, Any]) -> list[Group]:
    """Which cells of a dashboard add up to which (see ``reporting.suppression``)."""
    enrolled = "funnel.enrolled"
    employed = "funnel.employed"
    trend = range(len(payload["monthly_trend"]))
    groups = [
        Group(
            enrolled,
            tuple(f"participants_by_status.{s}" for s in payload["participants_by_status"]),
        ),
        *[
            Group(enrolled, tuple(f"language_levels.{skill}.{level}" for level in levels))
            for skill, levels in payload["language_levels"].items()
        ],
        Group(employed, ("outcomes_by_kind.employment", "outcomes_by_kind.self_employment")),
        Group(
            employed,
            tuple(f"outcomes_by_contract_type.{c}" for c in payload["outcomes_by_contract_type"]),
            exhaustive=False,
        ),
        Group(enrolled, tuple(f"monthly_trend.{i}.enrolled" for i in trend), exhaustive=False),
        Group(employed, tuple(f"monthly_trend.{i}.employed" for i in trend), exhaustive=False),
        Group(
            "participants_by_status.exited",
            tuple(f"monthly_trend.{i}.exited" for i in trend),
            exhaustive=False,
        ),
        *[Group(enrolled, (f"funnel.{step}",), exhaustive=False) for step in FUNNEL_STEPS[1:]],
        *[
            Group(
                f"training_pass_rates.{code}.finished",
                (f"training_pass_rates.{code}.passed",),
                exhaustive=False,
            )
            for code in payload["training_pass_rates"]
        ],
    ]
    return groups
