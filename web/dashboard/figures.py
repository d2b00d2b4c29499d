"""The dashboard's figures as tables with their charts (docs/domain.md#dashboards-and-the-esf-report pages): one ``Table`` per
indicator, in the order the page shows them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from casework.models import Match, Outcome, Participant
from plans.worklist.rules import RULES, Rule
from web.dashboard.charts import bar_chart, line_chart, stacked_chart
from web.dashboard.tables import (
    EMPTY_CELL,
    Row,
    Table,
    _count,
    _month_label,
    _statistic,
)

FUNNEL_STEPS = [
    ("enrolled", _("Enrolled")),
    ("assessed", _("Assessed")),
    ("trained", _("Trained")),
    ("matched", _("Matched")),
    ("employed", _("Employed")),
]
SKILLS = [
    ("reading", _("Reading")),
    ("listening", _("Listening")),
    ("speaking", _("Speaking")),
    ("writing", _("Writing")),
]
TREND_SERIES = [("enrolled", _("Enrolled")), ("employed", _("Employed")), ("exited", _("Exited"))]


#: The enumerations' own labels (in the active language) for the keys the figures count by.
_CHOICES = (
    Participant.Status,
    Match.Status,
    Outcome.Kind,
    Outcome.ContractType,
)


def _humanise(key: str) -> str:
    for choices in _CHOICES:
        if key in choices.values:
            return capfirst(str(choices(key).label))
    return key.replace("_", " ").capitalize()


def _count_table(
    slug: str,
    title: str,
    key_heading: str,
    label_heading: str,
    counts: dict[str, int | None],
    label: Callable[[str], str],
    description: str = "",
    order: Iterable[tuple[str, str]] | None = None,
    empty: str = _("Nothing to show yet."),
    is_zero_left_out_of_chart: bool = False,
) -> Table:
    items = (
        [(key, text) for key, text in order]
        if order is not None
        else [(key, label(key)) for key in counts]
    )
    rows = [Row(key, text, [_count(counts.get(key))]) for key, text in items]
    table = Table(
        slug, title, key_heading, label_heading, [("count", _("Count"))], rows, description
    )
    drawn = [
        (row.label, row.cells[0])
        for row in rows
        if not (is_zero_left_out_of_chart and row.cells[0].value == 0)
    ]
    table.chart = bar_chart(drawn, title=title, empty=empty)
    if is_zero_left_out_of_chart and len(drawn) < len(rows) and drawn:
        table.chart_note = _("Rows with 0 are left out of the chart; the table lists them all.")
    return table


def dashboard_tables(figures: dict[str, Any], licence_names: dict[str, str]) -> list[Table]:
    """Every table of one dashboard, in page order, each with its chart."""
    hidden = frozenset(figures.get("suppressed_cells") or ())

    def licence(code: str) -> str:
        return licence_names.get(code, _humanise(code))

    tables = [
        _count_table(
            "funnel",
            _("Funnel"),
            "step",
            _("Step"),
            figures.get("funnel") or {},
            _humanise,
            _(
                "Persons who reached each step: enrolled, assessed (any assessment), trained (a "
                "passed training or a card), matched (a match shared with an employer), employed "
                "(a job or self-employment)."
            ),
            order=FUNNEL_STEPS,
        ),
        _count_table(
            "participants-by-status",
            _("Participants by status"),
            "status",
            _("Status"),
            figures.get("participants_by_status") or {},
            _humanise,
            _("Persons by their status today."),
        ),
    ]

    levels = figures.get("language_levels") or {}
    level_keys: list[str] = []
    for _skill, by_level in levels.items():
        for level in by_level or {}:
            if level not in level_keys:
                level_keys.append(level)
    skills = [(key, text) for key, text in SKILLS if key in levels] + [
        (key, _humanise(key)) for key in levels if key not in dict(SKILLS)
    ]
    language = Table(
        "language-levels",
        _("Finnish level by skill"),
        "level",
        _("Level"),
        skills,
        [
            Row(
                level,
                _("Not assessed") if level == "not_assessed" else level,
                [_count((levels.get(skill) or {}).get(level)) for skill, _text in skills],
            )
            for level in level_keys
        ],
        _("Persons by CEFR level of their latest Finnish assessment of each skill."),
        brief_headings={
            "reading": _("Read"),
            "listening": _("Listen"),
            "speaking": _("Speak"),
            "writing": _("Write"),
        },
    )
    language.chart = stacked_chart(language, title=language.title)
    tables.append(language)

    tables.append(
        _count_table(
            "licence-cards",
            _("Licence cards gained"),
            "licence_type",
            _("Licence card"),
            figures.get("licence_cards_by_type") or {},
            licence,
            _("Persons who gained a card of each type."),
            empty=_("No licence cards gained yet."),
            is_zero_left_out_of_chart=True,
        )
    )

    pass_rates = figures.get("training_pass_rates") or {}
    rates = Table(
        "training-pass-rates",
        _("Training pass rates"),
        "licence_type",
        _("Training"),
        [("finished", _("Finished")), ("passed", _("Passed")), ("rate", _("Pass rate"))],
        [
            Row(
                code,
                licence(code),
                [
                    _count(values.get("finished")),
                    _count(values.get("passed")),
                    _statistic(
                        values.get("rate"), f"training_pass_rates.{code}.rate", hidden, True
                    ),
                ],
            )
            for code, values in pass_rates.items()
        ],
        _("Passed of finished licence-card trainings; a rate over fewer than 5 persons is hidden."),
    )
    rates.chart = bar_chart(
        # Trainings nobody has finished have no rate to draw; the table lists them.
        [(row.label, row.cells[2]) for row in rates.rows if row.cells[2] is not EMPTY_CELL],
        title=rates.title,
        maximum=1.0,
        empty=_("No finished trainings yet."),
    )
    tables.append(rates)

    tables.append(
        _count_table(
            "matches-by-status",
            _("Matches by status"),
            "status",
            _("Status"),
            figures.get("matches_by_status") or {},
            _humanise,
            _("Matches (not persons) by their status today."),
        )
    )
    tables.append(
        _count_table(
            "outcomes-by-kind",
            _("Outcomes by kind"),
            "kind",
            _("Kind"),
            figures.get("outcomes_by_kind") or {},
            _humanise,
            _("Persons by their best outcome: a job, then self-employment, then education."),
        )
    )
    tables.append(
        _count_table(
            "outcomes-by-contract-type",
            _("Outcomes by contract type"),
            "contract_type",
            _("Contract type"),
            figures.get("outcomes_by_contract_type") or {},
            _humanise,
            _("Employed persons by the contract of their first job."),
        )
    )

    trend = figures.get("monthly_trend") or []
    monthly = Table(
        "monthly-trend",
        _("Monthly trend"),
        "month",
        _("Month"),
        TREND_SERIES,
        [
            Row(
                str(item.get("month")),
                _month_label(str(item.get("month"))),
                [_count(item.get(key)) for key, _text in TREND_SERIES],
            )
            for item in trend
        ],
        _("Persons enrolled, starting their first job, and exiting, per month."),
    )
    monthly.chart = line_chart(monthly, title=monthly.title)
    tables.append(monthly)

    tables.append(
        _count_table(
            "unmet-licence-demand",
            _("Unmet licence demand"),
            "licence_type",
            _("Licence card"),
            figures.get("unmet_licence_demand") or {},
            licence,
            _("Job seekers without a valid card that an open vacancy requires, per card."),
            empty=_("No open vacancy requires a card that job seekers lack."),
            is_zero_left_out_of_chart=True,
        )
    )
    tables.append(
        _count_table(
            "deadlines",
            _("Overdue deadlines"),
            "rule",
            _("Rule"),
            figures.get("deadlines") or {},
            lambda code: str(RULES[Rule(code)].label) if code in set(Rule) else _humanise(code),
            _("Persons with at least one overdue worklist item, per rule (DESIGN §10)."),
            empty=_("Nothing is overdue."),
            is_zero_left_out_of_chart=True,
        )
    )
    return tables
