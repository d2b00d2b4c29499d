"""Tables for the dashboard pages: cells that show a suppressed value as such (and never a
recomputed one), rows, the table itself and its CSV."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format, number_format

SUPPRESSED = "–"
SUPPRESSED_LABEL = "suppressed"
#: A rate or median over nobody: nothing to hide, nothing to show.
NOT_APPLICABLE = "n/a"
NOT_APPLICABLE_LABEL = "not applicable"


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
    return Cell(value, number_format(value, force_grouping=True), str(value))


def _statistic(value: float | None, path: str, hidden: frozenset[str], percent: bool) -> Cell:
    """A rate (0–1) or a median: ``None`` is suppressed when its path is listed in
    ``suppressed_cells``, else there was nobody to compute it over."""
    if value is None:
        return SUPPRESSED_CELL if path in hidden else EMPTY_CELL
    if percent:
        # One decimal where it says something: 80 %, 37,5 % (Finnish formats, DESIGN.md §11).
        share = round(value * 100, 1)
        text = f"{number_format(share, 0 if share == int(share) else 1)} %"
    else:
        text = number_format(round(value), force_grouping=True)
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


def _month_label(month: str) -> str:
    try:
        return date_format(datetime.datetime.strptime(month, "%Y-%m"), "M Y")
    except ValueError:
        return month


def table_csv(table: Table) -> str:
    """One table as CSV: the key column, then one column per figure; a suppressed cell is
    empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([table.key_heading, *(key for key, _heading in table.columns)])
    for row in table.rows:
        writer.writerow([row.key, *(cell.csv for cell in row.cells)])
    return buffer.getvalue()
