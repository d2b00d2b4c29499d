"""Dashboard pages for people: ``/dashboard/`` lists the caller's municipalities (and the whole
pilot for the coordinator), ``/dashboard/<code>/`` and ``/dashboard/pilot/`` show one dashboard as
charts drawn server-side in inline SVG with the numbers in tables beside them, and
``…/<table>.csv`` downloads one table. Everything sits behind Django's session login; no asset
comes from anywhere but Polku (no JavaScript, no web fonts).

The figures come from ``reporting.dashboards`` already suppressed (DESIGN.md §7): a ``None`` is a
hidden small cell, and these pages only present it. Access follows the API's rules (ADR 0002 and
0005): a role without dashboards gets 403 before anything is looked up, a municipality outside
the caller's scope 404, exactly like a missing one.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from assessments.selectors import licence_type_list
from casework.selectors import user_roles
from core.access import Capability, capabilities_of, roles_with
from core.errors import NotFound, ValidationFailed
from municipalities.models import Municipality
from municipalities.selectors import municipal_scope, municipality_get, municipality_list
from reporting.periods import Period, parse_period
from reporting.rollups import municipality_dashboard_precomputed, pilot_dashboard_precomputed

SUPPRESSED = "–"
SUPPRESSED_LABEL = "suppressed"
#: A rate or median over nobody: nothing to hide, nothing to show.
NOT_APPLICABLE = "n/a"
NOT_APPLICABLE_LABEL = "not applicable"

#: Municipal roles whose municipalities have a dashboard the caller may read.
DASHBOARD_ROLES = tuple(role.value for role in roles_with(Capability.DASHBOARD_READ))


# --- access -------------------------------------------------------------------------------------


def _capabilities(user: Any) -> frozenset[Capability]:
    """The caller's capabilities, from the same role resolution as the API."""
    return capabilities_of(user_roles(user))


def _dashboard_municipality_ids(user: Any) -> frozenset[int]:
    return municipal_scope(user).municipality_ids(*DASHBOARD_ROLES)


def _may_read_pilot(user: Any) -> bool:
    """The whole pilot is for the pilot-wide coordinator, as in the API: a coordinator granted
    some municipalities only sees those."""
    return (
        Capability.PILOT_DASHBOARD_READ in _capabilities(user)
        and municipal_scope(user).is_pilot_coordinator
    )


_ERRORS = {
    400: ("Bad request", "The page could not understand the request."),
    403: (
        "No dashboards for your role",
        "Dashboards are for counsellors, municipal managers and the pilot coordinator. "
        "Your account holds none of these roles.",
    ),
    404: (
        "Page not found",
        "There is no dashboard at this address that you may open.",
    ),
}
_PILOT_ONLY = {
    "title": "Not for your role",
    "detail": "The whole-pilot dashboard is for the pilot-wide coordinator.",
}


def _error_page(
    request: HttpRequest, status: int, detail: str | None = None, title: str | None = None
) -> HttpResponse:
    default_title, message = _ERRORS[status]
    return TemplateResponse(
        request,
        "reporting/error.html",
        {"status": status, "title": title or default_title, "message": detail or message},
        status=status,
    )


def _dashboard_page(capability: Capability) -> Callable[[Callable[..., HttpResponse]], Any]:
    """Session login (anonymous → login page), then 403 without ``capability``, then the view,
    whose ``NotFound`` (a municipality or table out of reach) answers the 404 page and whose
    ``ValidationFailed`` (a period that is not whole months) the 400 page. Nothing is cached:
    the figures are the caller's, and live."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if capability not in _capabilities(request.user):
                return _error_page(request, 403)
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                return _error_page(request, 404)
            except ValidationFailed as error:
                messages = [message for field in error.errors.values() for message in field]
                detail = " ".join(messages) or str(error)
                return _error_page(request, 400, detail, title="Check the period")

        return never_cache(require_safe(login_required(wrapper)))

    return decorator


# --- the figures --------------------------------------------------------------------------------


def _period(request: HttpRequest) -> Period:
    """``?from=YYYY-MM&to=YYYY-MM`` as the API reads it (whole months; 400 otherwise)."""
    return parse_period(request.GET.get("from"), request.GET.get("to"))


def _municipality_figures(municipality: Municipality, period: Period) -> dict[str, Any]:
    return municipality_dashboard_precomputed(
        municipality, period_from=period.start, period_to=period.end
    )


def _pilot_figures(period: Period) -> dict[str, Any]:
    """From the rollup (at most five minutes old) when unfiltered, live for a period."""
    return pilot_dashboard_precomputed(period_from=period.start, period_to=period.end)


# --- tables -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: int | float | None
    text: str
    csv: str
    is_suppressed: bool = False

    @property
    def spoken(self) -> str:
        """The value as a screen reader (and an ``aria-label``) says it."""
        if self.is_suppressed:
            return SUPPRESSED_LABEL
        if self.value is None:
            return NOT_APPLICABLE_LABEL
        return self.text


SUPPRESSED_CELL = Cell(None, SUPPRESSED, "", is_suppressed=True)
EMPTY_CELL = Cell(None, NOT_APPLICABLE, "")


def _count(value: int | None) -> Cell:
    """A count of persons: ``None`` is always a suppressed cell."""
    if value is None:
        return SUPPRESSED_CELL
    return Cell(value, f"{value:,}", str(value))


def _statistic(value: float | None, path: str, hidden: frozenset[str], percent: bool) -> Cell:
    """A rate (0–1) or a median: ``None`` is suppressed when its path is listed in
    ``suppressed_cells``, else there was nobody to compute it over."""
    if value is None:
        return SUPPRESSED_CELL if path in hidden else EMPTY_CELL
    text = f"{value * 100:.0f} %" if percent else f"{value:,.0f}"
    return Cell(value, text, str(value))


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: list[Cell]


@dataclass
class Table:
    slug: str
    title: str
    key_heading: str
    label_heading: str
    columns: list[tuple[str, str]]
    rows: list[Row]
    description: str = ""
    chart: Any = None
    chart_note: str = ""
    #: Shorter column headings for narrow screens, by column key.
    brief_headings: dict[str, str] = field(default_factory=dict)

    @property
    def headings(self) -> list[tuple[str, str]]:
        """(heading, brief heading or "") per column."""
        return [(heading, self.brief_headings.get(key, "")) for key, heading in self.columns]


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


def _month_label(month: str) -> str:
    try:
        return datetime.datetime.strptime(month, "%Y-%m").strftime("%b %Y")
    except ValueError:
        return month


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
    return tables


def table_csv(table: Table) -> str:
    """One table as CSV: the key column, then one column per figure; a suppressed cell is
    empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([table.key_heading, *(key for key, _heading in table.columns)])
    for row in table.rows:
        writer.writerow([row.key, *(cell.csv for cell in row.cells)])
    return buffer.getvalue()


# --- charts -------------------------------------------------------------------------------------
# Geometry in SVG user units; the SVG scales to its box (viewBox), so text stays proportional.

CHART_WIDTH = 360
BAR_AREA = 280  # the longest bar; the value is written after it
BAR_ROW = 38
BAR_HEIGHT = 14
PLACEHOLDER_WIDTH = 18


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    aria_label: str
    label_y: float
    bar_y: float
    width: float
    text_x: float
    text_y: float
    is_suppressed: bool


@dataclass
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    empty: str
    kind: str = "bars"
    width: int = CHART_WIDTH
    bar_height: int = BAR_HEIGHT
    placeholder_width: int = PLACEHOLDER_WIDTH


def bar_chart(
    items: list[tuple[str, Cell]],
    *,
    title: str,
    maximum: float | None = None,
    empty: str = "Nothing to show.",
) -> BarChart:
    """Horizontal bars, each label above its bar, the value after it. A suppressed value draws a
    dashed placeholder marked "–"; a value that does not apply draws no bar."""
    values = [cell.value for _label, cell in items if cell.value is not None]
    top = maximum if maximum is not None else max(values, default=0)
    bars = []
    for index, (label, cell) in enumerate(items):
        row_top = index * BAR_ROW
        bar_y = row_top + 20
        if cell.is_suppressed:
            width = 0.0
            text_x = PLACEHOLDER_WIDTH + 6
        elif cell.value is None:
            width = 0.0
            text_x = 0.0
        else:
            width = BAR_AREA * cell.value / top if top else 0.0
            if cell.value and width < 2:
                width = 2.0
            text_x = width + 6
        bars.append(
            Bar(
                label=label,
                text=cell.text,
                aria_label=f"{label}: {cell.spoken}",
                label_y=row_top + 14,
                bar_y=bar_y,
                width=round(width, 1),
                text_x=round(text_x, 1),
                text_y=bar_y + BAR_HEIGHT - 2,
                is_suppressed=cell.is_suppressed,
            )
        )
    return BarChart(title=title, bars=bars, height=max(len(bars) * BAR_ROW, 1), empty=empty)


LEVEL_COLOURS = {
    "A1": "#c6dbef",
    "A2": "#9ecae1",
    "B1": "#6baed6",
    "B2": "#3182bd",
    "C1": "#1c5f99",
    "C2": "#0b3a66",
    "not_assessed": "#bdbdbd",
}
DARK_LEVELS = {"B2", "C1", "C2"}


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    colour: str
    text: str
    text_x: float
    text_colour: str
    is_text_shown: bool
    aria_label: str


@dataclass(frozen=True)
class Stack:
    label: str
    label_y: float
    bar_y: float
    text_y: float
    segments: list[Segment]
    suppressed_note: str
    aria_label: str


@dataclass
class StackedChart:
    title: str
    stacks: list[Stack]
    legend: list[tuple[str, str]]
    height: int
    empty: str = "Nothing to show yet."
    kind: str = "stacked"
    width: int = CHART_WIDTH
    bar_height: int = 20


def stacked_chart(table: Table, *, title: str) -> StackedChart:
    """One stacked bar per skill, one segment per level, all on one scale (the largest known
    total), so that suppressed segments, which have no width, do not distort the others."""
    totals = [
        sum(row.cells[index].value or 0 for row in table.rows)
        for index in range(len(table.columns))
    ]
    top = max(totals, default=0)
    stacks = []
    for index, (_skill, skill_label) in enumerate(table.columns):
        row_top = index * 46
        x = 0.0
        segments = []
        hidden = []
        for row in table.rows:
            cell = row.cells[index]
            if cell.value is None:
                hidden.append(row.label)
                continue
            width = BAR_AREA * cell.value / top if top else 0.0
            segments.append(
                Segment(
                    x=round(x, 1),
                    width=round(width, 1),
                    colour=LEVEL_COLOURS.get(row.key, "#8c6bb1"),
                    text=cell.text,
                    text_x=round(x + width / 2, 1),
                    text_colour="#ffffff" if row.key in DARK_LEVELS else "#1c2430",
                    is_text_shown=width >= 10 * len(cell.text) + 6,
                    aria_label=f"{skill_label}, {row.label}: {cell.text}",
                )
            )
            x += width
        note = f"hidden: {', '.join(hidden)}" if hidden else ""
        stacks.append(
            Stack(
                label=skill_label,
                label_y=row_top + 14,
                bar_y=row_top + 20,
                text_y=row_top + 35,
                segments=segments,
                suppressed_note=note,
                aria_label=f"{skill_label}: "
                + ", ".join(f"{row.label} {row.cells[index].spoken}" for row in table.rows),
            )
        )
    legend = [
        ("Not assessed" if row.key == "not_assessed" else row.label, LEVEL_COLOURS.get(row.key, ""))
        for row in table.rows
    ]
    return StackedChart(
        title=title,
        stacks=stacks if table.rows else [],
        legend=legend,
        height=max(len(stacks) * 46, 1),
    )


TREND_COLOURS = {"enrolled": "#1f5f99", "employed": "#2a7d3f", "exited": "#b35900"}


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    aria_label: str


@dataclass
class Series:
    key: str
    label: str
    colour: str
    lines: list[str]
    points: list[Point]


@dataclass
class LineChart:
    title: str
    series: list[Series]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    suppressed: list[Point]
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    height: int
    empty: str = "No months in this period."
    kind: str = "line"
    width: int = CHART_WIDTH

    @property
    def tick_x(self) -> float:
        return self.plot_left - 6

    @property
    def month_y(self) -> float:
        return self.plot_bottom + 18

    @property
    def mark_y(self) -> float:
        return self.plot_bottom - 4


def _nice_ceiling(value: float) -> int:
    """The top of the axis: an even number (so that the middle tick is whole) of the form
    2, 4, 6, 8 or 10 times a power of ten."""
    if value <= 4:
        return 4
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (2, 4, 6, 8, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return int(10 * magnitude)


def line_chart(table: Table, *, title: str) -> LineChart:
    """One line per series over the months; a suppressed month breaks its line and is marked
    under the axis."""
    left, right, top_edge, bottom = 46.0, CHART_WIDTH - 12.0, 10.0, 170.0
    values = [cell.value for row in table.rows for cell in row.cells if cell.value is not None]
    ceiling = _nice_ceiling(max(values, default=0))
    count = len(table.rows)

    def x_of(index: int) -> float:
        if count == 1:
            return round((left + right) / 2, 1)
        return round(left + (right - left) * index / (count - 1), 1)

    def y_of(value: float) -> float:
        return round(bottom - (bottom - top_edge) * value / ceiling, 1)

    series = []
    suppressed: list[Point] = []
    for column, (key, label) in enumerate(table.columns):
        lines: list[str] = []
        current: list[str] = []
        points = []
        for index, row in enumerate(table.rows):
            cell = row.cells[column]
            if cell.value is None:
                if len(current) > 1:
                    lines.append(" ".join(current))
                current = []
                suppressed.append(
                    Point(x_of(index), bottom, f"{row.label}, {label}: {cell.spoken}")
                )
                continue
            x, y = x_of(index), y_of(cell.value)
            current.append(f"{x},{y}")
            points.append(Point(x, y, f"{row.label}, {label}: {cell.text}"))
        if len(current) > 1:
            lines.append(" ".join(current))
        series.append(Series(key, label, TREND_COLOURS.get(key, "#555555"), lines, points))

    step = max(1, math.ceil(count / 4))  # four month labels fit under the axis
    x_labels = [(x_of(index), row.label) for index, row in enumerate(table.rows)][::step]
    y_ticks = [(y_of(ceiling * share), f"{ceiling * share:,.0f}") for share in (0, 0.5, 1)]
    return LineChart(
        title=title,
        series=series if count else [],
        x_labels=x_labels,
        y_ticks=y_ticks,
        suppressed=suppressed,
        plot_left=left,
        plot_right=right,
        plot_top=top_edge,
        plot_bottom=bottom,
        height=200,
    )


# --- pages --------------------------------------------------------------------------------------


@dataclass
class Dashboard:
    figures: dict[str, Any]
    tables: list[Table]
    computed_at: datetime.datetime | None
    key_figures: list[tuple[str, str]] = field(default_factory=list)

    def table(self, slug: str) -> Table:
        for table in self.tables:
            if table.slug == slug:
                return table
        raise NotFound()


TABLE_SLUGS = (
    "funnel",
    "participants-by-status",
    "language-levels",
    "licence-cards",
    "training-pass-rates",
    "matches-by-status",
    "outcomes-by-kind",
    "outcomes-by-contract-type",
    "monthly-trend",
    "unmet-licence-demand",
)


def _present(figures: dict[str, Any]) -> Dashboard:
    licence_names = dict(licence_type_list().values_list("code", "name_en"))
    computed_at = None
    if figures.get("computed_at"):
        try:
            computed_at = timezone.localtime(
                datetime.datetime.fromisoformat(str(figures["computed_at"]))
            )
        except ValueError:
            computed_at = None
    funnel = figures.get("funnel") or {}
    median = _statistic(
        figures.get("median_days_to_employment"),
        "median_days_to_employment",
        frozenset(figures.get("suppressed_cells") or ()),
        percent=False,
    )
    key_figures = [
        ("Enrolled", _count(funnel.get("enrolled")).text),
        ("Employed", _count(funnel.get("employed")).text),
        ("Median days to first job", median.text),
    ]
    return Dashboard(
        figures=figures,
        tables=dashboard_tables(figures, licence_names),
        computed_at=computed_at,
        key_figures=key_figures,
    )


def _page_context(dashboard: Dashboard, period: Period, **extra: Any) -> dict[str, Any]:
    months = {
        "from": period.start.strftime("%Y-%m") if period.start else "",
        "to": period.end.strftime("%Y-%m") if period.end else "",
    }
    return {
        "dashboard": dashboard,
        "figures": dashboard.figures,
        "period_from": months["from"],
        "period_to": months["to"],
        "period_from_label": _month_label(months["from"]) if period.start else "",
        "period_to_label": _month_label(months["to"]) if period.end else "",
        "query": urlencode({key: value for key, value in months.items() if value}),
        "suppressed_mark": SUPPRESSED,
        **extra,
    }


def _csv_response(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@_dashboard_page(Capability.DASHBOARD_READ)
def dashboard_index(request: HttpRequest) -> HttpResponse:
    municipalities = municipality_list(ids=_dashboard_municipality_ids(request.user))
    return TemplateResponse(
        request,
        "reporting/index.html",
        {
            "municipalities": municipalities,
            "may_read_pilot": _may_read_pilot(request.user),
        },
    )


@_dashboard_page(Capability.DASHBOARD_READ)
def municipality_dashboard_page(request: HttpRequest, code: str) -> HttpResponse:
    municipality = municipality_get(code=code, ids=_dashboard_municipality_ids(request.user))
    period = _period(request)
    dashboard = _present(_municipality_figures(municipality, period))
    return TemplateResponse(
        request,
        "reporting/dashboard.html",
        _page_context(
            dashboard,
            period,
            heading=f"{municipality.name_fi} ({municipality.code})",
            scope_name=municipality.name_fi,
            csv_prefix=f"/dashboard/{municipality.code}/",
        ),
    )


@_dashboard_page(Capability.DASHBOARD_READ)
def municipality_dashboard_csv(request: HttpRequest, code: str, table: str) -> HttpResponse:
    municipality = municipality_get(code=code, ids=_dashboard_municipality_ids(request.user))
    if table not in TABLE_SLUGS:
        raise NotFound()
    dashboard = _present(_municipality_figures(municipality, _period(request)))
    return _csv_response(dashboard.table(table), f"polku-{municipality.code}-{table}.csv")


@_dashboard_page(Capability.PILOT_DASHBOARD_READ)
def pilot_dashboard_page(request: HttpRequest) -> HttpResponse:
    if not _may_read_pilot(request.user):
        return _error_page(request, 403, **_PILOT_ONLY)
    period = _period(request)
    dashboard = _present(_pilot_figures(period))
    return TemplateResponse(
        request,
        "reporting/dashboard.html",
        _page_context(
            dashboard,
            period,
            heading="Whole pilot",
            scope_name="Whole pilot",
            csv_prefix="/dashboard/pilot/",
        ),
    )


@_dashboard_page(Capability.PILOT_DASHBOARD_READ)
def pilot_dashboard_csv(request: HttpRequest, table: str) -> HttpResponse:
    if not _may_read_pilot(request.user):
        return _error_page(request, 403, **_PILOT_ONLY)
    if table not in TABLE_SLUGS:
        raise NotFound()
    dashboard = _present(_pilot_figures(_period(request)))
    return _csv_response(dashboard.table(table), f"polku-pilot-{table}.csv")
