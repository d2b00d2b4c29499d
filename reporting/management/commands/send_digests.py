"""``manage.py send_digests``: today's digest emails (``reporting.digests``, docs/domain.md#plans-appointments-and-the-worklist).

Run it once a day from a scheduler; running it again the same day sends nothing. Email goes
through Django's email backend: the console by default, SMTP with ``EMAIL_BACKEND`` and
``EMAIL_HOST`` etc. (README, "Digests")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reporting.digests import send_digests


class Command(BaseCommand):
    help = "Email today's digests to counsellors (worklist counts) and employer users."

    def handle(self, *args: Any, **options: Any) -> None:
        report = send_digests()
        for line in report.sent:
            self.stdout.write(self.style.SUCCESS(f"Sent {line}."))
        for line in report.skipped:
            self.stdout.write(f"Skipped {line}.")
        for line in report.failed:
            self.stderr.write(f"Failed {line}; it will be tried again on the next run.")
        self.stdout.write(
            f"{len(report.sent)} sent, {len(report.skipped)} skipped, {len(report.failed)} failed."
        )
