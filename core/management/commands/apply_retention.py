"""``python manage.py apply_retention [--dry-run] [--actor USERNAME]``: anonymise every
participant who exited ``POLKU_RETENTION_YEARS`` ago and has no legal hold (docs/domain.md#data-lifecycle,
core.retention). Safe to run daily: an anonymised participant is never picked again."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext
from tqdm import tqdm

from core import retention
from core.actors import system_actor
from core.validation import today


class Command(BaseCommand):
    help = "Anonymise participants past the retention period (POLKU_RETENTION_YEARS)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing")
        parser.add_argument(
            "--actor", help="Username named in the audit records (default: the system actor)"
        )
        parser.add_argument(
            "--limit", type=int, help="Anonymise at most this many (the oldest exits first)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["actor"]:
            actor = get_user_model().objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"No user {options['actor']!r}.")
        else:
            actor = system_actor()
        day = today()
        years = retention.retention_years()
        due_ids = retention.due_participants(day).values_list("id", flat=True)
        due = list(due_ids[: options["limit"]] if options["limit"] else due_ids)
        if options["dry_run"]:
            self.stdout.write(
                f"{len(due)} participants exited {years} or more years ago without a legal "
                "hold would be anonymised (dry run: nothing changed)."
            )
            return
        reason = f"retention: exited {years} or more years ago (POLKU_RETENTION_YEARS={years})"
        done = 0
        for participant_id in tqdm(due, desc="anonymising", unit="participant", disable=None):
            done += retention.anonymise(
                participant_id=participant_id, actor=actor, reason=reason, today=day
            )
        self.stdout.write(
            ngettext(
                "%(count)d participant anonymised.", "%(count)d participants anonymised.", done
            )
            % {"count": done}
        )
