"""Model-level validation turned into the domain's ``ValidationFailed``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ValidationFailed


def today() -> datetime.date:
    return timezone.localdate()


def validate_fields(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Field-level checks (choices, lengths, validators) of ``instance`` or ValidationFailed.

    Uniqueness and cross-row rules are the services' job; they answer 409 where docs/domain.md says
    so, and the database constraints stay as the last line."""
    try:
        instance.clean_fields(exclude=list(exclude))
    except ValidationError as error:
        raise ValidationFailed(
            {
                field: [str(message) for message in messages]
                for field, messages in error.message_dict.items()
            }
        ) from None


class Errors:
    """Collects field errors so that one answer lists every problem at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)

    def not_in_future(self, field: str, value: datetime.date | None) -> None:
        if value is not None and value > today():
            self.add(field, _("The date cannot be in the future."))
