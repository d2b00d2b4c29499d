"""Reading an uploaded participant file (docs/domain.md#data-lifecycle): CSV in UTF-8 (with or without a
byte-order mark, comma or semicolon as Finnish spreadsheets write them) or XLSX, into rows of
``{column: text}``.

Files come from outside, so every limit is checked before the expensive work: the size
(5 MB), the row count (10,000), the columns (at most ``MAX_COLUMNS``), NUL bytes, the encoding,
and for XLSX the uncompressed size and compression ratio of the zip archive *before* openpyxl
opens it (a zip bomb disguised as a workbook would otherwise expand in memory).
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 60
#: A real participant workbook of 10,000 rows expands to a few megabytes.
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
XLSX_SIGNATURE = b"PK\x03\x04"


class FileRejected(Exception):
    """The file as a whole cannot be read: ``code`` is machine-readable, ``message`` is in the
    request's language, ``too_large`` answers 413 instead of 400."""

    def __init__(self, code: str, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.too_large = too_large


@dataclass
class ParsedFile:
    columns: list[str]
    #: (row number as a spreadsheet shows it — the header is row 1 —, {column: text}).
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _too_large_rows() -> FileRejected:
    return FileRejected(
        "too_many_rows",
        gettext("A file may hold at most %(rows)s rows.") % {"rows": f"{MAX_ROWS:,}"},
        too_large=True,
    )


def _check_columns(header: list[str]) -> list[str]:
    columns = [name.strip().lower() for name in header]
    while columns and not columns[-1]:
        columns.pop()
    if len(columns) > MAX_COLUMNS:
        raise FileRejected(
            "too_many_columns",
            gettext("A file may have at most %(columns)s columns.") % {"columns": MAX_COLUMNS},
        )
    if not columns:
        raise FileRejected("empty_file", gettext("The file has no header row."))
    return columns


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(columns: list[str], records: Iterator[list[Any]]) -> list[tuple[int, dict[str, str]]]:
    rows = []
    for number, record in enumerate(records, start=2):
        values = [_text(value) for value in record]
        if not any(values):
            continue  # blank lines between rows are common in exported sheets
        if len(rows) >= MAX_ROWS:
            raise _too_large_rows()
        if len(values) > len(columns) and any(values[len(columns) :]):
            raise FileRejected(
                "too_many_columns",
                gettext("Row %(row)s has more cells than the header has columns.")
                % {"row": number},
            )
        rows.append((number, dict(zip(columns, values, strict=False))))
    return rows


def _parse_csv(content: bytes) -> ParsedFile:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected(
            "invalid_encoding",
            gettext("The file is not UTF-8 text. Save it as “CSV UTF-8” or as XLSX."),
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            raise FileRejected("empty_file", gettext("The file has no header row."))
        columns = _check_columns(header)
        return ParsedFile(columns, _rows(columns, reader))
    except csv.Error:
        raise FileRejected("invalid_file", gettext("The file is not valid CSV.")) from None


def _check_archive(content: bytes) -> None:
    """Refuse a zip bomb before any XML is parsed: the sizes the archive declares, and the
    ratio of uncompressed to compressed size, for the whole archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileRejected(
            "invalid_file", gettext("The file is not a valid XLSX workbook.")
        ) from None
    uncompressed = sum(entry.file_size for entry in entries)
    compressed = sum(entry.compress_size for entry in entries) or 1
    if uncompressed > MAX_UNCOMPRESSED_BYTES or uncompressed / compressed > MAX_COMPRESSION_RATIO:
        raise FileRejected(
            "archive_too_large",
            gettext("The workbook expands to too much data to be a participant list."),
            too_large=True,
        )


def _parse_xlsx(content: bytes) -> ParsedFile:
    _check_archive(content)
    from openpyxl import load_workbook  # only once the archive is known to be sane

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors for broken workbooks
        raise FileRejected(
            "invalid_file", gettext("The file is not a valid XLSX workbook.")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        header_rows = sheet.iter_rows(
            min_row=1, max_row=1, max_col=MAX_COLUMNS + 1, values_only=True
        )
        header = [_text(value) for value in next(header_rows, ())]
        columns = _check_columns(header)
        records = (
            list(record)
            for record in sheet.iter_rows(min_row=2, max_col=len(columns) + 1, values_only=True)
        )
        return ParsedFile(columns, _rows(columns, records))
    except FileRejected:
        raise
    except Exception:
        raise FileRejected(
            "invalid_file", gettext("The file is not a valid XLSX workbook.")
        ) from None
    finally:
        workbook.close()


def parse(content: bytes, filename: str) -> ParsedFile:
    """The file's header and rows, or FileRejected."""
    if len(content) > MAX_BYTES:
        raise FileRejected("file_too_large", gettext("A file may be at most 5 MB."), too_large=True)
    if b"\x00" in content and not content.startswith(XLSX_SIGNATURE):
        raise FileRejected("nul_character", gettext("The file contains NUL characters."))
    if content.startswith(XLSX_SIGNATURE) or filename.lower().endswith(".xlsx"):
        parsed = _parse_xlsx(content)
    else:
        parsed = _parse_csv(content)
    for _number, row in parsed.rows:
        if any("\x00" in value for value in row.values()):
            raise FileRejected("nul_character", gettext("The file contains NUL characters."))
    return parsed
