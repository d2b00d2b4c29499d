"""What many test modules share: the stored state of a row with its history count, a row's
history, and the audited models (derived from the model registry, never listed by hand)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models

from core.models import AuditedModel


def snapshot(instance: models.Model) -> tuple[dict[str, Any], int]:
    """The stored state of a row (every concrete column) and the number of its history rows."""
    model = type(instance)
    fresh = model._default_manager.get(pk=instance.pk)
    columns = {
        field.attname: getattr(fresh, field.attname) for field in fresh._meta.concrete_fields
    }
    return columns, model.history.filter(id=instance.pk).count()  # type: ignore[attr-defined]


def history_rows(instance: models.Model) -> Any:
    """The row's history, oldest first."""
    return type(instance).history.filter(id=instance.pk).order_by("history_id")  # type: ignore[attr-defined]


def audited_models() -> tuple[type[models.Model], ...]:
    """Every concrete model with change history (``core.models.AuditedModel``), in label order:
    a request that is refused must change none of them."""
    return tuple(
        sorted(
            (
                model
                for model in apps.get_models()
                if issubclass(model, AuditedModel) and not model._meta.proxy
            ),
            key=lambda model: model._meta.label,
        )
    )
