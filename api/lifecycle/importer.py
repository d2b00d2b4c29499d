"""The participant import (docs/domain.md#data-lifecycle), shared by ``POST imports/participants/`` and
``python manage.py import_participants``.

Each row goes through what a request goes through: the API's participant input serializer types
it, and the participant services validate, store and write history — so an import accepts and
refuses exactly what the API does. A row updates the participant with the same identity code
(found through its keyed hash) or the same ``external_id`` in the import's municipality; an
identity code held outside the caller's municipalities is a row error that does not say where.

All or nothing: the whole file runs in one transaction with a savepoint per row, so every row is
validated against the database as it would be after the rows before it; with any row error, or on
a dry run, the transaction is rolled back at the end. Every created or updated participant gets
one history row whose reason names the file. Importing the same file again changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext

from api.casework.serializers import ParticipantInputSerializer, ParticipantUpdateSerializer
from api.lifecycle.import_files import FileRejected, parse
from casework import duplicates, identity_codes, services
from casework.access import municipality_ids_for
from casework.models import Participant
from core import crypto
from core.access import Role
from core.errors import DuplicateIdentityCode, PolkuError, ValidationFailed

EXTRA_COLUMNS = ("external_id",)
_FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_DATE_COLUMNS = (
    "date_of_birth",
    "arrival_date",
    "available_from",
    "enrolled_on",
    "first_permit_on",
    "job_seeker_since",
)


def importable_columns() -> list[str]:
    """The participant fields of the API (DESIGN §5) and ``external_id``."""
    fields = [name for name in ParticipantInputSerializer().fields if name != "municipality"]
    return [*fields, *EXTRA_COLUMNS]


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    possible_duplicates: list[dict[str, Any]] = field(default_factory=list)

    def error(self, row: int, field_name: str, code: str, message: str) -> None:
        self.errors.append({"row": row, "field": field_name, "code": code, "message": message})

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "possible_duplicates": self.possible_duplicates,
        }


def _prepared(row: dict[str, str]) -> dict[str, Any]:
    """Empty cells left out; Finnish dates (3.12.2026) as ISO; the ISCED level as a number."""
    values: dict[str, Any] = {key: value for key, value in row.items() if value != ""}
    for key in _DATE_COLUMNS:
        match = _FINNISH_DATE.match(values.get(key, ""))
        if match:
            day, month, year = match.groups()
            values[key] = f"{year}-{int(month):02d}-{int(day):02d}"
    level = values.get("education_level")
    if isinstance(level, str) and level.isdigit():
        values["education_level"] = int(level)
    return values


def _serializer_errors(report: ImportReport, number: int, errors: dict[str, Any]) -> None:
    for field_name, details in errors.items():
        for detail in details if isinstance(details, list) else [details]:
            report.error(number, field_name, getattr(detail, "code", "invalid"), str(detail))


class _Importer:
    def __init__(self, *, actor: Any, municipality: Any, filename: str, report: ImportReport):
        self.actor = actor
        self.municipality = municipality
        self.reason = f"import: {filename}"[:100]
        self.report = report
        self.scope = municipality_ids_for(actor, Role.COUNSELLOR)
        self.seen_codes: dict[str, int] = {}
        self.seen_external: dict[str, int] = {}
        self.created_rows: dict[int, int] = {}  # participant pk → row that created it
        self.users = get_user_model().objects.filter(is_active=True)

    def _identity_hash(self, number: int, code: str | None) -> str | None:
        if not code:
            return None
        try:
            identity = identity_codes.parse(code)
        except identity_codes.InvalidIdentityCode:
            return None  # the service reports the invalid code on its field
        return crypto.keyed_hash(identity.value)

    def _find(self, number: int, values: dict[str, Any]) -> tuple[Participant | None, bool]:
        """The participant this row updates, or None; False when the row is refused."""
        identity_hash = self._identity_hash(number, values.get("personal_identity_code"))
        external_id = values.get("external_id")
        if identity_hash:
            if identity_hash in self.seen_codes:
                self.report.error(
                    number,
                    "personal_identity_code",
                    "duplicate_in_file",
                    gettext("The same identity code is on row %(row)s.")
                    % {"row": self.seen_codes[identity_hash]},
                )
                return None, False
            self.seen_codes[identity_hash] = number
        if external_id:
            if external_id in self.seen_external:
                self.report.error(
                    number,
                    "external_id",
                    "duplicate_in_file",
                    gettext("The same external_id is on row %(row)s.")
                    % {"row": self.seen_external[external_id]},
                )
                return None, False
            self.seen_external[external_id] = number
        if identity_hash:
            found = Participant.objects.filter(identity_code_hash=identity_hash).first()
            if found is not None:
                if found.municipality_id not in self.scope:
                    self._unavailable(number)
                    return None, False
                return found, True
        if external_id:
            found = Participant.objects.filter(
                municipality=self.municipality, external_id=external_id
            ).first()
            return found, True
        return None, True

    def _unavailable(self, number: int) -> None:
        self.report.error(
            number,
            "personal_identity_code",
            "identity_code_unavailable",
            gettext("This identity code cannot be imported here."),
        )

    def _counsellor(self, number: int, data: dict[str, Any]) -> bool:
        if "counsellor" not in data:
            return True
        username = data["counsellor"]
        data["counsellor"] = self.users.filter(username=username).first() if username else None
        if username and data["counsellor"] is None:
            self.report.error(
                number, "counsellor", "does_not_exist", gettext("Object does not exist.")
            )
            return False
        return True

    def row(self, number: int, row: dict[str, str]) -> None:
        values = _prepared(row)
        formulas = [key for key, value in values.items() if str(value).startswith("=")]
        for key in formulas:
            self.report.error(
                number, key, "formula", gettext("Formulas are not accepted; enter the value.")
            )
        if formulas:
            return
        participant, accepted = self._find(number, values)
        if not accepted:
            return
        external_id = values.pop("external_id", None)
        try:
            with transaction.atomic():
                if participant is None:
                    self._create(number, values, external_id)
                else:
                    self._update(number, participant, values, external_id)
        except DuplicateIdentityCode:
            self._unavailable(number)
        except ValidationFailed as error:
            for field_name, messages in error.errors.items():
                for message in messages:
                    self.report.error(number, field_name, "invalid", str(message))
        except PolkuError as error:
            self.report.error(number, "", error.code, str(error.detail))

    def _create(self, number: int, values: dict[str, Any], external_id: str | None) -> None:
        serializer = ParticipantInputSerializer(
            data={**values, "municipality": self.municipality.code}
        )
        if not serializer.is_valid():
            _serializer_errors(self.report, number, serializer.errors)
            return
        data = dict(serializer.validated_data)
        data.pop("municipality")
        if not self._counsellor(number, data):
            return
        participant = services.participant_create(
            actor=self.actor,
            municipality=self.municipality,
            external_id=external_id,
            reason=self.reason,
            **data,
        )
        self.report.created += 1
        self.created_rows[participant.pk] = number
        for other in duplicates.possible_duplicates_for_key(
            municipality_ids=self.scope, key=participant.duplicate_key
        ):
            if other.pk == participant.pk:
                continue
            in_file = other.pk in self.created_rows
            self.report.possible_duplicates.append(
                {
                    "row": number,
                    "participant": None if in_file else other.uuid,
                    "reason": "duplicate_row_in_file" if in_file else "same_name_and_date_of_birth",
                }
            )

    def _update(
        self, number: int, participant: Participant, values: dict[str, Any], external_id: Any
    ) -> None:
        serializer = ParticipantUpdateSerializer(data=values, partial=True)
        if not serializer.is_valid():
            _serializer_errors(self.report, number, serializer.errors)
            return
        data = dict(serializer.validated_data)
        if external_id:
            data["external_id"] = external_id
        if not self._counsellor(number, data):
            return
        before = participant.version
        updated = services.participant_update(
            actor=self.actor, participant=participant, data=data, reason=self.reason
        )
        if updated.version != before:
            self.report.updated += 1
        else:
            self.report.unchanged += 1


def import_participants(
    *,
    actor: Any,
    municipality: Any,
    content: bytes,
    filename: str,
    dry_run: bool = True,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Run the import of one file; FileRejected when the file as a whole cannot be read."""
    parsed = parse(content, filename)
    allowed = set(importable_columns())
    unknown = [column for column in parsed.columns if column not in allowed]
    if unknown or len(set(parsed.columns)) != len(parsed.columns):
        raise FileRejected(
            "unknown_column",
            gettext("Unknown or repeated columns: %(columns)s. The columns are: %(allowed)s.")
            % {
                "columns": ", ".join(unknown or parsed.columns)[:500],
                "allowed": ", ".join(importable_columns()),
            },
        )
    report = ImportReport(dry_run=dry_run, rows=len(parsed.rows))
    importer = _Importer(actor=actor, municipality=municipality, filename=filename, report=report)
    with transaction.atomic():
        for number, row in parsed.rows:
            importer.row(number, row)
            if progress is not None:
                progress(1)
        if report.errors or dry_run:
            transaction.set_rollback(True)
    report.errors.sort(key=lambda error: (error["row"], error["field"]))
    return report
