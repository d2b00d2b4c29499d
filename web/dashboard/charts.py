"""Charts for the dashboard pages, drawn server-side as inline SVG from the tables (no JavaScript,
no assets from anywhere else): bars, stacked bars and lines, with suppressed values marked."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from web.dashboard.tables import Cell, Table

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
    empty: str = _("Nothing to show."),
) -> BarChart:
    """Horizontal bars, each label above its bar, the value after it. A suppressed value draws a
    dashed placeholder marked "–"; a value that does not apply draws no bar."""
    values = [cell.value for _label, cell in items if cell.value is not None]
    top = maximum if maximum is not None else max(values, default=0)
    bars = []
    for index, (label, cell) in enumerate(items):
        row_top = index * BAR_ROW
        bar_y = row_top + 20
        width: float
        text_x: float
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
    empty: str = _("Nothing to show yet.")
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
        note = (
            _("hidden: %(levels)s") % {"levels": ", ".join(str(level) for level in hidden)}
            if hidden
            else ""
        )
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
        (
            _("Not assessed") if row.key == "not_assessed" else row.label,
            LEVEL_COLOURS.get(row.key, ""),
        )
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
    empty: str = _("No months in this period.")
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
