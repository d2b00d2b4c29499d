"""CSV and XLSX renderings of the ESF+ participant report (DESIGN.md §7, ``format=csv|xlsx``).

Both carry the same table as the JSON answer: one row per indicator, the gender columns and the
total. A suppressed cell is left empty, and footnotes under the table (in the XLSX also on a
``Notes`` sheet) name the suppression rule, the scope, the period and when it was computed."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from rest_framework.renderers import BaseRenderer

HEADER = ("code", "indicator", "stage", "label")


def _table(data: dict[str, Any]) -> list[list[Any]]:
    columns = list(data["columns"])
    rows: list[list[Any]] = [[*HEADER, *columns]]
    for row in data["rows"]:
        rows.append(
            [row["code"] or "", row["indicator"], row["stage"], row["label"]]
            + [row[column] for column in columns]
        )
    return rows


def _notes(data: dict[str, Any]) -> list[tuple[str, str]]:
    scope = data["scope"]
    period = data["period"]
    return [
        ("Suppression", f"Empty cells are suppressed. {data['suppression_rule']}"),
        ("Suppressed cells", ", ".join(data["suppressed_cells"]) or "none"),
        ("Scope", f"{scope['name']} ({', '.join(scope['municipalities'])})"),
        (
            "Period",
            f"{period['from'] or 'the beginning'} – {period['to'] or 'today'}; entry rows by "
            "enrolment date, exit rows by exit date",
        ),
        ("Computed at", data["computed_at"]),
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
        sheet.title = "ESF+ participants"
        if _is_report(data):
            table = _table(data)
            for row in table:
                sheet.append(row)
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            # A blank row, then the footnote naming the rule.
            sheet.cell(row=len(table) + 2, column=1, value=f"Note: {_notes(data)[0][1]}")
            sheet.column_dimensions["D"].width = 60
            notes = workbook.create_sheet("Notes")
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
