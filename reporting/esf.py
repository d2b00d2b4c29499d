"""The ESF+ participant report (docs/domain.md#dashboards-and-the-esf-report, docs/domain.md#dashboards-and-the-esf-report): one row per ESF+ 2021–2027
indicator, broken down by gender, with the disclosure control of ``reporting.suppression``.

Entry rows count the participants of the scope who **enrolled** in the period; exit rows those
who **exited** in it (each participant is recorded once: the entry data describe the enrolment,
the exit data the exit). Rules, recorded in docs/adr/0010:

- labour-market status and education are the values recorded at entry; age is the age on the
  enrolment date;
- third-country nationals: citizenship outside the EU, the EEA and Switzerland, stateless (``XX``)
  included; Finland is in the EU; an unrecorded citizenship counts as unknown, not as a third
  country;
- participants with a foreign background: every Polku participant. Polku enrols only people who
  have moved to Finland (docs/domain.md: a pilot that helps immigrants into work), so enrolment itself
  establishes the foreign background; the row therefore equals the total;
- results upon leaving (EECR01, EECR02, EECR04) use the 4-week follow-up of the participant's
  latest outcome that has one: ``job_seeking``, ``in_education`` or ``employed``. Only one status
  counts per person (the last one recorded), so EECR01 and EECR04 exclude each other. An exit
  without a recorded follow-up counts in none of them;
- EECR03 (gained a qualification): a passed licence-card training (enrolment ``passed``);
- employment six months after leaving: the 6-month follow-up of the latest outcome that has one.

Indicator codes: docs/domain.md#dashboards-and-the-esf-report pins EECR01–EECR04 (medium confidence on the exact wording);
the six-month row uses EECR05 from Annex I of Reg. (EU) 2021/1057 as recalled, not re-checked.
Entry rows carry no code until the SFC2021 code list has been checked (ADR 0010).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Enrolment
from casework.models import Outcome, Participant
from reporting import suppression
from reporting.periods import Period, whole_months
from reporting.suppression import Group

#: ISO 3166 alpha-2 codes of the EU member states, the other EEA states and Switzerland.
EU_EEA_CH = frozenset(
    {
        *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"),
        *("IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"),
        *("IS", "LI", "NO"),  # the rest of the EEA
        "CH",
    }
)

#: Report column → Participant.gender.
GENDER_COLUMNS = {
    "women": Participant.Gender.FEMALE.value,
    "men": Participant.Gender.MALE.value,
    "non_binary": Participant.Gender.NON_BINARY.value,
    "undisclosed": Participant.Gender.UNDISCLOSED.value,
}
COLUMNS = (*GENDER_COLUMNS, "total")
#: Column and stage names as people read them (CSV/XLSX headers, pages).
COLUMN_LABELS = {
    "women": _("Women"),
    "men": _("Men"),
    "non_binary": _("Non-binary"),
    "undisclosed": _("Not disclosed"),
    "total": _("Total"),
}
STAGE_LABELS = {"entry": _("At entry"), "exit": _("Upon leaving")}


@dataclass(frozen=True)
class Indicator:
    key: str
    code: str | None
    stage: str  # "entry" or "exit"
    label: Any  # a lazy translation: named in the request's language
    condition: Q


_UNEMPLOYED = ("unemployed", "long_term_unemployed")

ENTRY_INDICATORS = (
    Indicator("total_participants", None, "entry", _("Total number of participants"), Q()),
    Indicator(
        "unemployed",
        None,
        "entry",
        _("Unemployed, including long-term unemployed"),
        Q(labour_market_status__in=_UNEMPLOYED),
    ),
    Indicator(
        "long_term_unemployed",
        None,
        "entry",
        _("Long-term unemployed"),
        Q(labour_market_status="long_term_unemployed"),
    ),
    Indicator("inactive", None, "entry", _("Inactive"), Q(labour_market_status="inactive")),
    Indicator(
        "employed",
        None,
        "entry",
        _("Employed, including self-employed"),
        Q(labour_market_status="employed"),
    ),
    Indicator("under_18", None, "entry", _("Children below 18 years of age"), Q(age__lt=18)),
    Indicator(
        "aged_18_29",
        None,
        "entry",
        _("Young people between 18 and 29 years of age"),
        Q(age__gte=18, age__lte=29),
    ),
    Indicator(
        "aged_55_plus", None, "entry", _("Participants 55 years of age and above"), Q(age__gte=55)
    ),
    Indicator(
        "isced_0_2",
        None,
        "entry",
        _("With lower secondary education or less (ISCED 0–2)"),
        Q(education_level__lte=2),
    ),
    Indicator(
        "isced_3_4",
        None,
        "entry",
        _("With upper secondary or post-secondary non-tertiary education (ISCED 3–4)"),
        Q(education_level__gte=3, education_level__lte=4),
    ),
    Indicator(
        "isced_5_8",
        None,
        "entry",
        _("With tertiary education (ISCED 5–8)"),
        Q(education_level__gte=5),
    ),
    Indicator(
        "third_country_nationals",
        None,
        "entry",
        _("Third-country nationals"),
        ~Q(citizenship="") & ~Q(citizenship__in=sorted(EU_EEA_CH)),
    ),
    Indicator(
        "foreign_background",
        None,
        "entry",
        _("Participants with a foreign background"),
        Q(),
    ),
)

EXIT_INDICATORS = (
    Indicator(
        "job_searching_upon_leaving",
        "EECR01",
        "exit",
        _("Participants engaged in job searching upon leaving"),
        Q(follow_up_4_weeks=Outcome.FollowUp.JOB_SEEKING),
    ),
    Indicator(
        "in_education_upon_leaving",
        "EECR02",
        "exit",
        _("Participants in education or training upon leaving"),
        Q(follow_up_4_weeks=Outcome.FollowUp.IN_EDUCATION),
    ),
    Indicator(
        "qualification_upon_leaving",
        "EECR03",
        "exit",
        _("Participants gaining a qualification upon leaving"),
        Q(has_qualification=True),
    ),
    Indicator(
        "employed_upon_leaving",
        "EECR04",
        "exit",
        _("Participants in employment, including self-employment, upon leaving"),
        Q(follow_up_4_weeks=Outcome.FollowUp.EMPLOYED),
    ),
    Indicator(
        "employed_six_months_after_leaving",
        "EECR05",
        "exit",
        _("Participants in employment, including self-employment, six months after leaving"),
        Q(follow_up_6_months=Outcome.FollowUp.EMPLOYED),
    ),
)
INDICATORS = (*ENTRY_INDICATORS, *EXIT_INDICATORS)


def _age_at_enrolment() -> Any:
    """Whole years between ``date_of_birth`` and ``enrolled_on``, computed in the database."""
    birthday_not_reached = Case(
        When(enrolment_day__lt=F("birth_day"), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return ExtractYear("enrolled_on") - ExtractYear("date_of_birth") - birthday_not_reached


def _latest_follow_up(field: str) -> Subquery:
    outcomes = (
        Outcome.objects.filter(
            municipality_id=OuterRef("municipality_id"), participant_id=OuterRef("pk")
        )
        .exclude(**{field: ""})
        .order_by("-starts_on", "-id")
    )
    return Subquery(outcomes.values(field)[:1])


def _counts(queryset: Any, indicators: Iterable[Indicator]) -> dict[str, int]:
    aggregates = {
        f"{indicator.key}.{column}": Count("pk", filter=indicator.condition & Q(gender=gender))
        for indicator in indicators
        for column, gender in GENDER_COLUMNS.items()
    }
    return queryset.aggregate(**aggregates)


def esf_participant_report(
    *,
    municipality_ids: Iterable[int],
    scope: dict[str, Any],
    period_from: datetime.date | None = None,
    period_to: datetime.date | None = None,
) -> dict[str, Any]:
    """The suppressed report for the participants of ``municipality_ids`` (the caller has checked
    that the user may see every one of them). Two aggregate queries, whatever the data."""
    period = whole_months(period_from, period_to)
    return compute_report(frozenset(municipality_ids), scope, period)


def compute_report(municipality_ids: frozenset[int], scope: dict[str, Any], period: Period) -> dict:
    in_scope = Participant.objects.filter(municipality_id__in=municipality_ids).order_by()
    entered = (
        in_scope.filter(**period.filter("enrolled_on"))
        .annotate(
            enrolment_day=ExtractMonth("enrolled_on") * 100 + ExtractDay("enrolled_on"),
            birth_day=ExtractMonth("date_of_birth") * 100 + ExtractDay("date_of_birth"),
        )
        .annotate(age=_age_at_enrolment())
    )
    exited = in_scope.filter(
        status=Participant.Status.EXITED, **period.filter("exited_on")
    ).annotate(
        follow_up_4_weeks=_latest_follow_up("follow_up_4_weeks"),
        follow_up_6_months=_latest_follow_up("follow_up_6_months"),
        has_qualification=Exists(
            Enrolment.objects.filter(
                municipality_id=OuterRef("municipality_id"),
                participant_id=OuterRef("pk"),
                status=Enrolment.Status.PASSED,
            )
        ),
    )
    counts = {**_counts(entered, ENTRY_INDICATORS), **_counts(exited, EXIT_INDICATORS)}
    rows = []
    for indicator in INDICATORS:
        row: dict[str, Any] = {
            "indicator": indicator.key,
            "code": indicator.code,
            "stage": indicator.stage,
            "label": str(indicator.label),
        }
        for column in GENDER_COLUMNS:
            row[column] = counts[f"{indicator.key}.{column}"]
        row["total"] = sum(row[column] for column in GENDER_COLUMNS)
        rows.append(row)
    payload: dict[str, Any] = {
        "scope": scope,
        "period": period.as_dict(),
        "computed_at": timezone.now().isoformat(),
        "columns": list(COLUMNS),
        "rows": rows,
    }
    return protect_report(payload)


def protect_report(payload: dict[str, Any]) -> dict[str, Any]:
    """Apply disclosure control to a report whose cells are still raw counts."""
    suppression.protect(payload, sections=("rows",), groups=report_groups())
    payload["suppression_rule"] = str(suppression.RULE)
    return payload


def report_groups() -> list[Group]:
    """Which cells of the report add up to which (see ``reporting.suppression``)."""
    index = {indicator.key: position for position, indicator in enumerate(INDICATORS)}

    def cell(key: str, column: str) -> str:
        return f"rows.{index[key]}.{column}"

    groups = [
        Group(cell(indicator.key, "total"), tuple(cell(indicator.key, c) for c in GENDER_COLUMNS))
        for indicator in INDICATORS
    ]
    for column in COLUMNS:
        total = cell("total_participants", column)
        groups += [
            # Every participant has exactly one labour-market status at entry.
            Group(total, tuple(cell(k, column) for k in ("unemployed", "inactive", "employed"))),
            Group(total, (cell("foreign_background", column),)),
            Group(
                cell("unemployed", column),
                (cell("long_term_unemployed", column),),
                exhaustive=False,
            ),
            Group(
                total,
                tuple(cell(k, column) for k in ("under_18", "aged_18_29", "aged_55_plus")),
                exhaustive=False,
            ),
            Group(
                total,
                tuple(cell(k, column) for k in ("isced_0_2", "isced_3_4", "isced_5_8")),
                exhaustive=False,
            ),
            Group(total, (cell("third_country_nationals", column),), exhaustive=False),
        ]
    return groups
