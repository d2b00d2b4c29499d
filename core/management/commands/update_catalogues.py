"""``python manage.py update_catalogues`` (``make messages``): extract the marked strings,
merge them into locale/fi and locale/sv, compile the .mo files — all with Babel, no system
gettext (ADR 21). Translate what it reports as untranslated, then run it again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Extract translatable strings into locale/*/django.po and compile the .mo files."

    def handle(self, *args: Any, **options: Any) -> None:
        from core import catalogues

        for language, counts in catalogues.update().items():
            self.stdout.write(
                f"{language}: {counts['messages']} messages, {counts['untranslated']} untranslated"
            )
