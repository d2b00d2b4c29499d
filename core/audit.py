"""The audit helpers every service writes through (create, update, save, delete and the bulk
writes), each giving the write an actor and a reason.

History rows themselves are written by django-simple-history's signals on every save and delete;
this module supplies their actor and reason. Services call these helpers with an explicit
``actor`` and ``reason``; nothing here reads a thread-local or the request. A history row without
an actor or a reason is refused outright (``AuditError``), whoever saved, so a write that skips the
services cannot slip into the history anonymously.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from simple_history.signals import pre_create_historical_record
from simple_history.utils import (
    bulk_create_with_history,
    bulk_update_with_history,
    get_history_manager_for_model,
)

from core.errors import PreconditionFailed

Model = TypeVar("Model", bound=models.Model)


#: Columns ``save_changes`` never copies from the instance: the server sets or keeps them.
_SERVER_FIELDS = frozenset({"version", "updated_at", "created_at", "uuid"})


class AuditError(RuntimeError):
    """A write tried to create history without an actor or a reason."""


@receiver(pre_create_historical_record)
def _require_actor_and_reason(
    sender: Any, instance: Any, history_instance: Any, **kwargs: Any
) -> None:
    if history_instance.history_user_id is None:
        raise AuditError(
            f"{type(instance).__name__} saved without an actor: write through a service."
        )
    if not history_instance.history_change_reason:
        raise AuditError(f"{type(instance).__name__} saved without a reason.")


@receiver(pre_save)
@receiver(pre_delete)
def _refuse_unattributed_writes(
    sender: Any, instance: Any, raw: bool = False, **kwargs: Any
) -> None:
    """Refuse a save or delete of an audited model before it reaches the database unless a
    service marked it with an actor and a reason (the history check alone runs after the write)."""
    from core.models import AuditedModel

    if raw or not isinstance(instance, AuditedModel):
        return  # raw: loaddata / serialized rollback restoring rows exactly as they were
    if getattr(instance, "_history_user", None) is None or not getattr(
        instance, "_change_reason", None
    ):
        raise AuditError(
            f"{type(instance).__name__} written without an actor and a reason: use a service."
        )


def _clear(instance: models.Model) -> None:
    for attribute in ("_history_user", "_change_reason"):
        if hasattr(instance, attribute):
            delattr(instance, attribute)


def _mark(instance: models.Model, actor: Any, reason: str) -> None:
    if actor is None or not getattr(actor, "pk", None):
        raise AuditError("An audited write needs an actor.")
    if not reason:
        raise AuditError("An audited write needs a reason.")
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]


def create(instance: Model, *, actor: Any, reason: str) -> Model:
    """Insert a new audited row (version 1) with one history row naming actor and reason."""
    _mark(instance, actor, reason)
    instance.version = 1  # type: ignore[attr-defined]
    try:
        instance.save(force_insert=True)
    finally:
        _clear(instance)
    return instance


def delete(instance: models.Model, *, actor: Any, reason: str) -> None:
    """Delete an audited row; its history keeps a deletion row naming actor and reason. (Records
    that people work with are never deleted; this is for link rows such as a vacancy's licence
    requirements.)"""
    _mark(instance, actor, reason)
    instance.delete()


def apply_changes(instance: models.Model, values: dict[str, Any]) -> list[str]:
    """Set the attributes that differ; return the names of the fields that changed."""
    changed = []
    for field, value in values.items():
        if getattr(instance, field) != value:
            setattr(instance, field, value)
            changed.append(field)
    return changed


def check_version(instance: models.Model, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != instance.version:  # type: ignore[attr-defined]
        raise PreconditionFailed()


def save_changes(
    instance: Model,
    *,
    actor: Any,
    reason: str,
    expected_version: int | None = None,
) -> Model:
    """Save a changed row with one history row, in two statements: one conditional
    ``UPDATE … SET <the row>, version = version + 1 WHERE id = … AND version = <the version this
    instance was read at>`` that checks and raises the version at once (of two writers that read
    the same version exactly one succeeds, the other gets ``PreconditionFailed``; PostgreSQL
    re-checks under the row lock, SQLite holds the database write lock, so no update is lost),
    and the history row's INSERT (actor and reason given here, no signals). Must run inside the
    service's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise AuditError("save_changes must run inside the service's transaction.")
    check_version(instance, expected_version)
    _mark(instance, actor, reason)  # refuses a missing actor or reason before anything is written
    _clear(instance)
    model = type(instance)
    read_version = instance.version  # type: ignore[attr-defined]
    now = timezone.now()
    values = {
        field.attname: getattr(instance, field.attname)
        for field in model._meta.concrete_fields
        if not field.primary_key and field.attname not in _SERVER_FIELDS
    }
    claimed = model._base_manager.filter(pk=instance.pk, version=read_version).update(
        **values, version=read_version + 1, updated_at=now
    )
    if claimed != 1:
        raise PreconditionFailed()
    instance.version = read_version + 1  # type: ignore[attr-defined]
    instance.updated_at = now  # type: ignore[attr-defined]
    get_history_manager_for_model(model).bulk_history_create(
        [instance], update=True, default_user=actor, default_change_reason=reason, default_date=now
    )
    return instance


def update(
    model: type[Model],
    pk: Any,
    values: dict[str, Any],
    *,
    actor: Any,
    reason: str,
    expected_version: int | None,
    validate: Callable[[Model], None],
    select_related: tuple[str, ...] = (),
) -> Model:
    """The shape every plain update service shares: re-read the row inside the transaction,
    check the caller's version, apply what differs, validate, and save with one history row —
    or, when nothing differs, change nothing and keep the version."""
    with transaction.atomic():
        instance = model._base_manager.select_related(*select_related).get(pk=pk)
        check_version(instance, expected_version)
        if not apply_changes(instance, values):
            return instance
        validate(instance)
        return save_changes(instance, actor=actor, reason=reason, expected_version=expected_version)


def bulk_create(
    model: type[Model],
    objects: Sequence[Model],
    *,
    actor: Any,
    reason: str,
    batch_size: int = 1000,
) -> list[Model]:
    """Bulk insert with one history row per object (never a bare ``bulk_create``)."""
    if not reason or actor is None:
        raise AuditError("A bulk write needs an actor and a reason.")
    for obj in objects:
        _clear(obj)  # the helper would prefer a stale actor on the instance to ``default_user``
    created: list[Model] = bulk_create_with_history(
        list(objects),
        model,
        batch_size=batch_size,
        default_user=actor,
        default_change_reason=reason,
    )
    return created


def bulk_update(
    model: type[Model],
    objects: Iterable[Model],
    fields: list[str],
    *,
    actor: Any,
    reason: str,
    batch_size: int = 1000,
) -> int:
    """Bulk update with one history row per object; every object's version rises by one."""
    objects = list(objects)
    if not reason or actor is None:
        raise AuditError("A bulk write needs an actor and a reason.")
    for obj in objects:
        _clear(obj)
        obj.version += 1  # type: ignore[attr-defined]
    updated: int = bulk_update_with_history(
        objects,
        model,
        [*fields, "version"],
        batch_size=batch_size,
        default_user=actor,
        default_change_reason=reason,
    )
    return updated
