"""The caseload export, ``participants/?format=csv|xlsx`` (docs/domain.md#data-lifecycle): every row of the
filtered list, not one page, scoped and access-logged like the list.

Memory stays flat in the number of rows: the rows come from a chunked iterator (a server-side
cursor on PostgreSQL), the CSV is written and sent row by row, and the XLSX is written by
openpyxl's write-only mode (rows go to a temporary file, never into a tree of cells) and then sent
from that file in chunks. The access log gets one event naming every exported participant,
written by one ``INSERT … SELECT`` (the view reports it: ``PolkuViewMixin.shown_all``).

Spreadsheets run what looks like a formula: a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is written with a leading apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from api.casework.serializers import PARTICIPANT_VALUES, participant_row
from core.access import Role
from core.read_log import ReadLog

FORMATS = ("csv", "xlsx")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_ROWS = 2000
FILE_CHUNK_BYTES = 64 * 1024
#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: (key of the API row, header). The headers follow the request's language.
COLUMNS: tuple[tuple[str, Any], ...] = (
    ("id", _("Id")),
    ("municipality", _("Municipality")),
    ("first_name", _("First name")),
    ("last_name", _("Last name")),
    ("date_of_birth", _("Date of birth")),
    ("personal_identity_code", _("Personal identity code (masked)")),
    ("gender", _("Gender")),
    ("native_language", _("Native language")),
    ("citizenship", _("Citizenship")),
    ("arrival_date", _("Arrival date")),
    ("education_level", _("Education level (ISCED)")),
    ("labour_market_status", _("Labour-market status at entry")),
    ("phone", _("Phone")),
    ("email", _("Email")),
    ("available_from", _("Available from")),
    ("status", _("Status")),
    ("status_changed_on", _("Status changed on")),
    ("enrolled_on", _("Enrolled on")),
    ("exited_on", _("Exited on")),
    ("exit_reason", _("Exit reason")),
    ("counsellor", _("Counsellor")),
)


def neutralise(value: Any) -> Any:
    """A cell value safe to open in a spreadsheet: text that would start a formula gets a
    leading apostrophe; dates and numbers stay what they are."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cells(row: dict[str, Any]) -> list[Any]:
    shaped = participant_row(row)
    cells = []
    for key, _header in COLUMNS:
        value = shaped[key]
        if value is None:
            value = ""
        elif not isinstance(value, (str, int)) or isinstance(value, bool):
            value = str(value)  # UUIDs, dates: ISO text in both formats
        cells.append(neutralise(value))
    return cells


def _rows(queryset: Any) -> Iterator[list[Any]]:
    for row in queryset.values(*PARTICIPANT_VALUES).iterator(chunk_size=CHUNK_ROWS):
        yield _cells(row)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(headers: list[str], queryset: Any) -> Iterator[bytes]:
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    # A byte-order mark, so that spreadsheet programs read the file as UTF-8.
    yield ("\ufeff" + writer.writerow(headers)).encode("utf-8")
    batch: list[str] = []
    for cells in _rows(queryset):
        batch.append(writer.writerow(cells))
        if len(batch) >= 500:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")


def _xlsx_stream(title: str, headers: list[str], queryset: Any) -> Iterator[bytes]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(headers)
    for cells in _rows(queryset):
        sheet.append(cells)
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        workbook.save(path)
        with open(path, "rb") as file:
            while chunk := file.read(FILE_CHUNK_BYTES):
                yield chunk
    finally:
        os.unlink(path)


#: The export's access-log event: one, naming every exported participant.
EXPORT_READ = ReadLog("participants:export", role=Role.COUNSELLOR)


def caseload_export(*, queryset: Any, export_format: str) -> StreamingHttpResponse:
    """Stream every row (the view reports them to the read-access log, EXPORT_READ).
    ``queryset`` is the scoped, filtered and ordered participant list."""
    headers = [str(header) for _key, header in COLUMNS]  # in the request's language, now
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if export_format == "csv":
        response = StreamingHttpResponse(
            _csv_stream(headers, queryset), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            _xlsx_stream(str(_("Participants")), headers, queryset), content_type=XLSX_MEDIA_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="participants-{stamp}.{export_format}"'
    response["Cache-Control"] = "no-store"
    return response
