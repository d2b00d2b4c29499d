"""A user's own settings (today: the language of the pages, docs/domain.md#languages). The user is their
own actor; every change keeps a history row."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import audit
from core.errors import PreconditionFailed, ValidationFailed
from core.models import UserPreference


def user_preference_get(*, user: Any) -> UserPreference | None:
    return UserPreference.objects.filter(user_id=user.pk).first()


def user_preference_set(
    *,
    actor: Any,
    user: Any,
    language: str,
    expected_version: int | None = None,
    reason: str = "language chosen",
) -> UserPreference:
    """Save ``user``'s language (``fi``, ``sv``, ``en``, or ``""`` to follow the browser). A user
    changes only their own preference; ``expected_version`` 0 means "I read none"."""
    if language not in UserPreference.Language.values and language != "":
        raise ValidationFailed.single(
            "language", _("Choose one of: %(choices)s.") % {"choices": "fi, sv, en"}
        )
    with transaction.atomic():
        preference = UserPreference.objects.select_for_update().filter(user_id=user.pk).first()
        if preference is None:
            if expected_version not in (None, 0):
                raise PreconditionFailed()
            try:
                with transaction.atomic():
                    return audit.create(
                        UserPreference(user=user, language=language), actor=actor, reason=reason
                    )
            except IntegrityError:
                raise PreconditionFailed() from None  # a concurrent first choice won
        audit.check_version(preference, expected_version)
        if preference.language == language:
            return preference
        preference.language = language
        return audit.save_changes(
            preference, actor=actor, reason=reason, expected_version=expected_version
        )
