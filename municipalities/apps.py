from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


def _municipality_added(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A new municipality is in the pilot-wide coordinator's scope: every cached access is old."""
    if created:
        from core.access_cache import invalidate_access

        invalidate_access(None)


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"

    def ready(self) -> None:
        post_save.connect(
            _municipality_added,
            sender="municipalities.Municipality",
            dispatch_uid="polku_municipality_added",
        )
