"""CSV and XLSX renderings of the ESF+ participant report (docs/domain.md#dashboards-and-the-esf-report, ``format=csv|xlsx``).

Both carry the same table as the JSON answer: one row per indicator, the gender columns and the
total. A suppressed cell is left empty, and footnotes under the table (in the XLSX also on a
``Notes`` sheet) name the suppression rule, the scope, the period and when it was computed."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from rest_framework.renderers import BaseRenderer

from reporting.esf import COLUMN_LABELS, STAGE_LABELS


def _header() -> list[str]:
    """The headers in the request's language (docs/domain.md#languages); the JSON keeps the machine names."""
    return [_("Code"), _("Indicator"), _("Stage"), _("Label")]


def _table(data: dict[str, Any]) -> list[list[Any]]:
    columns = list(data["columns"])
    rows: list[list[Any]] = [
        [*_header(), *(str(COLUMN_LABELS.get(column, column)) for column in columns)]
    ]
    for row in data["rows"]:
        stage = str(STAGE_LABELS.get(row["stage"], row["stage"]))
        rows.append(
            [row["code"] or "", row["indicator"], stage, row["label"]]
            + [row[column] for column in columns]
        )
    return rows


def _notes(data: dict[str, Any]) -> list[tuple[str, str]]:
    scope = data["scope"]
    period = data["period"]
    suppressed = _("Empty cells are suppressed.")
    return [
        (_("Suppression"), f"{suppressed} {data['suppression_rule']}"),
        (_("Suppressed cells"), ", ".join(data["suppressed_cells"]) or _("none")),
        (_("Scope"), f"{scope['name']} ({', '.join(scope['municipalities'])})"),
        (
            _("Period"),
            _("%(start)s – %(end)s; entry rows by enrolment date, exit rows by exit date")
            % {
                "start": period["from"] or _("the beginning"),
                "end": period["to"] or _("today"),
            },
        ),
        (_("Computed at"), data["computed_at"]),
    ]


def _is_report(data: Any) -> bool:
    return isinstance(data, dict) and "rows" in data and "columns" in data


class ESFReportCSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if _is_report(data):
            for row in _table(data):
                writer.writerow(["" if value is None else value for value in row])
            writer.writerow([])
            for name, text in _notes(data):
                writer.writerow([f"{name}: {text}"])
        elif isinstance(data, dict):
            for key, value in data.items():
                writer.writerow([key, value])
        return buffer.getvalue().encode("utf-8")


class ESFReportXLSXRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("ESF+ participants")[:31]
        if _is_report(data):
            table = _table(data)
            for row in table:
                sheet.append(row)
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            # A blank row, then the footnote naming the rule.
            sheet.cell(
                row=len(table) + 2,
                column=1,
                value=_("Note: %(text)s") % {"text": _notes(data)[0][1]},
            )
            sheet.column_dimensions["D"].width = 60
            notes = workbook.create_sheet(_("Notes")[:31])
            for name, text in _notes(data):
                notes.append([name, text])
            notes.column_dimensions["A"].width = 18
            notes.column_dimensions["B"].width = 100
        elif isinstance(data, dict):
            for key, value in data.items():
                sheet.append([str(key), str(value)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
