"""The dashboard's figures as tables with their charts (DESIGN.md §7 pages): one ``Table`` per
indicator, in the order the page shows them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

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
    ("enrolled", "Enrolled"),
    ("assessed", "Assessed"),
    ("trained", "Trained"),
    ("matched", "Matched"),
    ("employed", "Employed"),
]
SKILLS = [
    ("reading", "Reading"),
    ("listening", "Listening"),
    ("speaking", "Speaking"),
    ("writing", "Writing"),
]
TREND_SERIES = [("enrolled", "Enrolled"), ("employed", "Employed"), ("exited", "Exited")]


def _humanise(key: str) -> str:
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
    empty: str = "Nothing to show yet.",
    is_zero_left_out_of_chart: bool = False,
) -> Table:
    items = (
        [(key, text) for key, text in order]
        if order is not None
        else [(key, label(key)) for key in counts]
    )
    rows = [Row(key, text, [_count(counts.get(key))]) for key, text in items]
    table = Table(slug, title, key_heading, label_heading, [("count", "Count")], rows, description)
    drawn = [
        (row.label, row.cells[0])
        for row in rows
        if not (is_zero_left_out_of_chart and row.cells[0].value == 0)
    ]
    table.chart = bar_chart(drawn, title=title, empty=empty)
    if is_zero_left_out_of_chart and len(drawn) < len(rows) and drawn:
        table.chart_note = "Rows with 0 are left out of the chart; the table lists them all."
    return table


def dashboard_tables(figures: dict[str, Any], licence_names: dict[str, str]) -> list[Table]:
    """Every table of one dashboard, in page order, each with its chart."""
    hidden = frozenset(figures.get("suppressed_cells") or ())

    def licence(code: str) -> str:
        return licence_names.get(code, _humanise(code))

    tables = [
        _count_table(
            "funnel",
            "Funnel",
            "step",
            "Step",
            figures.get("funnel") or {},
            _humanise,
            "Persons who reached each step: enrolled, assessed (any assessment), trained (a "
            "passed training or a card), matched (a match shared with an employer), employed "
            "(a job or self-employment).",
            order=FUNNEL_STEPS,
        ),
        _count_table(
            "participants-by-status",
            "Participants by status",
            "status",
            "Status",
            figures.get("participants_by_status") or {},
            _humanise,
            "Persons by their status today.",
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
        "Finnish level by skill",
        "level",
        "Level",
        skills,
        [
            Row(
                level,
                "Not assessed" if level == "not_assessed" else level,
                [_count((levels.get(skill) or {}).get(level)) for skill, _text in skills],
            )
            for level in level_keys
        ],
        "Persons by CEFR level of their latest Finnish assessment of each skill.",
        brief_headings={
            "reading": "Read",
            "listening": "Listen",
            "speaking": "Speak",
            "writing": "Write",
        },
    )
    language.chart = stacked_chart(language, title=language.title)
    tables.append(language)

    tables.append(
        _count_table(
            "licence-cards",
            "Licence cards gained",
            "licence_type",
            "Licence card",
            figures.get("licence_cards_by_type") or {},
            licence,
            "Persons who gained a card of each type.",
            empty="No licence cards gained yet.",
            is_zero_left_out_of_chart=True,
        )
    )

    pass_rates = figures.get("training_pass_rates") or {}
    rates = Table(
        "training-pass-rates",
        "Training pass rates",
        "licence_type",
        "Training",
        [("finished", "Finished"), ("passed", "Passed"), ("rate", "Pass rate")],
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
        "Passed of finished licence-card trainings; a rate over fewer than 5 persons is hidden.",
    )
    rates.chart = bar_chart(
        # Trainings nobody has finished have no rate to draw; the table lists them.
        [(row.label, row.cells[2]) for row in rates.rows if row.cells[2] is not EMPTY_CELL],
        title=rates.title,
        maximum=1.0,
        empty="No finished trainings yet.",
    )
    tables.append(rates)

    tables.append(
        _count_table(
            "matches-by-status",
            "Matches by status",
            "status",
            "Status",
            figures.get("matches_by_status") or {},
            _humanise,
            "Matches (not persons) by their status today.",
        )
    )
    tables.append(
        _count_table(
            "outcomes-by-kind",
            "Outcomes by kind",
            "kind",
            "Kind",
            figures.get("outcomes_by_kind") or {},
            _humanise,
            "Persons by their best outcome: a job, then self-employment, then education.",
        )
    )
    tables.append(
        _count_table(
            "outcomes-by-contract-type",
            "Outcomes by contract type",
            "contract_type",
            "Contract type",
            figures.get("outcomes_by_contract_type") or {},
            _humanise,
            "Employed persons by the contract of their first job.",
        )
    )

    trend = figures.get("monthly_trend") or []
    monthly = Table(
        "monthly-trend",
        "Monthly trend",
        "month",
        "Month",
        TREND_SERIES,
        [
            Row(
                str(item.get("month")),
                _month_label(str(item.get("month"))),
                [_count(item.get(key)) for key, _text in TREND_SERIES],
            )
            for item in trend
        ],
        "Persons enrolled, starting their first job, and exiting, per month.",
    )
    monthly.chart = line_chart(monthly, title=monthly.title)
    tables.append(monthly)

    tables.append(
        _count_table(
            "unmet-licence-demand",
            "Unmet licence demand",
            "licence_type",
            "Licence card",
            figures.get("unmet_licence_demand") or {},
            licence,
            "Job seekers without a valid card that an open vacancy requires, per card.",
            empty="No open vacancy requires a card that job seekers lack.",
            is_zero_left_out_of_chart=True,
        )
    )
    tables.append(
        _count_table(
            "deadlines",
            "Overdue deadlines",
            "rule",
            "Rule",
            figures.get("deadlines") or {},
            lambda code: str(RULES[Rule(code)].label) if code in set(Rule) else _humanise(code),
            "Persons with at least one overdue worklist item, per rule (DESIGN §10).",
            empty="Nothing is overdue.",
            is_zero_left_out_of_chart=True,
        )
    )
    return tables
