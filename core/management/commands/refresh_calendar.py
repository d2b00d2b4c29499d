"""``manage.py refresh_calendar``: rewrite the table of Finnish working days
(``core.working_days``) from the installed ``holidays`` library. The migration fills it once; run
this after upgrading the library."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.working_days import FIRST_DAY, LAST_DAY, fill_calendar


class Command(BaseCommand):
    help = "Rewrite the calendar of Finnish working days from the holidays library."

    def handle(self, *args: Any, **options: Any) -> None:
        count = fill_calendar()
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {count} calendar days ({FIRST_DAY} to {LAST_DAY}).")
        )
