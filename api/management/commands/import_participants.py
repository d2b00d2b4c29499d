"""``python manage.py import_participants FILE --municipality CODE --actor USERNAME [--commit]``:
the participant import of docs/domain.md#data-lifecycle from the command line, through the same code as
``POST /api/v1/imports/participants/`` (a dry run unless ``--commit``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from api.lifecycle import import_files, importer
from casework import access
from municipalities.models import Municipality


class Command(BaseCommand):
    help = "Import participants from a CSV or XLSX file (a dry run unless --commit)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--municipality", required=True, help="Municipality code, e.g. 182")
        parser.add_argument("--actor", required=True, help="Username of the counsellor importing")
        parser.add_argument("--commit", action="store_true", help="Write (default: dry run)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = get_user_model().objects.filter(username=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {options['actor']!r}.")
        municipality = Municipality.objects.filter(
            code=options["municipality"], id__in=access.counsellor_municipality_ids(actor)
        ).first()
        if municipality is None:
            raise CommandError(
                f"{options['actor']} is not a counsellor of {options['municipality']}."
            )
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        if path.stat().st_size > import_files.MAX_BYTES:
            raise CommandError(_("A file may be at most 5 MB."))
        content = path.read_bytes()
        with tqdm(desc="rows", unit="row", file=self.stderr._out, disable=None) as bar:
            try:
                report = importer.import_participants(
                    actor=actor,
                    municipality=municipality,
                    content=content,
                    filename=path.name,
                    dry_run=not options["commit"],
                    progress=bar.update,
                )
            except import_files.FileRejected as rejected:
                raise CommandError(f"{rejected.code}: {rejected.message}") from None
        self.stdout.write(json.dumps(report.as_dict(), default=str, indent=2, ensure_ascii=False))
        if report.errors:
            raise CommandError(f"{len(report.errors)} row errors: nothing was imported.")
