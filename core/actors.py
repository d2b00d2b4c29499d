"""The system actor: the user that management commands (demo data, synthetic data, rollups)
name in history. It cannot log in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

SYSTEM_USERNAME = "polku-system"


def system_actor() -> Any:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
