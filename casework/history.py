"""Selectors for a participant's audit trail: the field-level change history of the participant
and of everything attached to it, and the read-access log. Internal integer keys never leave:
foreign keys are shown as usernames, codes or public UUIDs."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet

from assessments.models import (
    Enrolment,
    LanguageAssessment,
    LicenceCard,
    LicenceType,
    Occupation,
    SkillAssessment,
)
from casework import identity_codes
from casework.models import CaseNote, Consent, Match, Outcome, Participant, ParticipantCover
from core.models import AccessEventSubject, AuditedModel
from municipalities.models import Municipality

ATTACHED_MODELS: tuple[tuple[type[models.Model], str], ...] = (
    (Consent, "consent"),
    (CaseNote, "case_note"),
    (LanguageAssessment, "language_assessment"),
    (SkillAssessment, "skill_assessment"),
    (Enrolment, "enrolment"),
    (LicenceCard, "licence_card"),
    (Match, "match"),
    (Outcome, "outcome"),
    (ParticipantCover, "cover"),
)
_SKIPPED = {"id", "uuid", "version", "created_at", "updated_at", "identity_code_encrypted",
            "identity_code_is_temporary", "explanation", "warnings",
            "unreferred_services"}  # fmt: skip
_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def attached_models() -> list[tuple[type[models.Model], str]]:
    """The models above, then every other audited model with a ``participant`` foreign key,
    found in the app registry: the apps above casework (``plans``) attach records to a
    participant without casework importing them (ADR 4)."""
    listed = {model for model, _name in ATTACHED_MODELS}
    found = list(ATTACHED_MODELS)
    for model in apps.get_models():
        if model in listed or not issubclass(model, AuditedModel):
            continue
        try:
            field = model._meta.get_field("participant")
        except FieldDoesNotExist:
            continue
        if field.is_relation and field.related_model is Participant:
            found.append((model, re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()))
    return found


def _label(model: type[models.Model], obj: Any) -> Any:
    if model is get_user_model():
        return obj.username
    if model in (Municipality, LicenceType):
        return obj.code
    if model is Occupation:
        return obj.code
    return str(obj.uuid) if hasattr(obj, "uuid") else str(obj)


def _tracked_fields(historical_model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in historical_model._meta.fields
        if not field.name.startswith("history_") and field.name not in _SKIPPED
    ]


def _resolve_foreign_keys(
    sources: Iterable[tuple[str, list[Any], list[models.Field]]],
) -> dict[tuple[Any, Any], Any]:
    """One query per related model: (related model, pk) → label. Each source's rows are read
    only through that source's own fields."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for _name, rows, fields in sources:
        relations = [f for f in fields if f.is_relation and f.related_model is not None]
        for row in rows:
            for field in relations:
                value = getattr(row, field.attname)
                if value is not None:
                    wanted[field.related_model].add(value)
    labels: dict[tuple[Any, Any], Any] = {}
    for model, ids in wanted.items():
        for obj in model._default_manager.filter(pk__in=ids):
            labels[(model, obj.pk)] = _label(model, obj)
    return labels


def participant_history(participant: Participant) -> list[dict[str, Any]]:
    """Every history row of the participant and of what is attached to it, newest first, each
    with its actor, reason and the fields it changed (old → new)."""
    sources: list[tuple[str, QuerySet[Any]]] = [
        ("participant", Participant.history.filter(id=participant.pk))
    ]
    for model, name in attached_models():
        sources.append((name, model.history.filter(participant_id=participant.pk)))  # type: ignore[attr-defined]

    collected: list[tuple[str, list[Any], list[models.Field]]] = []
    for name, queryset in sources:
        rows = list(
            queryset.select_related("history_user").order_by("id", "history_date", "history_id")
        )
        if not rows:
            continue
        collected.append((name, rows, _tracked_fields(queryset.model)))
    labels = _resolve_foreign_keys(collected)

    entries: list[dict[str, Any]] = []
    for name, rows, fields in collected:
        previous: dict[int, Any] = {}
        for row in rows:
            before = previous.get(row.id)
            changes = []
            for field in fields:
                new = _display(row, field, labels)
                old = _display(before, field, labels) if before is not None else None
                if before is None and row.history_type == "+" and new in (None, ""):
                    continue
                # Compare what is stored, not what is shown: a new identity code with the same
                # date of birth masks alike but is still a change.
                if before is None or getattr(before, field.attname) != getattr(row, field.attname):
                    changes.append({"field": _public_name(field), "old": old, "new": new})
            previous[row.id] = row
            entries.append(
                {
                    "at": row.history_date,
                    "user": row.history_user.username if row.history_user_id else None,
                    "object": name if name == "participant" else f"{name}:{row.uuid}",
                    "action": _ACTIONS.get(row.history_type, row.history_type),
                    "reason": row.history_change_reason,
                    "changes": changes,
                    "_order": row.history_id,
                }
            )
    entries.sort(key=lambda entry: (entry["at"], entry["_order"]), reverse=True)
    for entry in entries:
        del entry["_order"]
    return entries


def _public_name(field: models.Field) -> str:
    if field.name == "identity_code_hash":
        return "personal_identity_code"
    if field.name == "occupation":
        return "occupation_code"
    return field.name


def _display(row: Any, field: models.Field, labels: dict[tuple[Any, Any], Any]) -> Any:
    value = getattr(row, field.attname)
    if field.name == "identity_code_hash":
        return identity_codes.mask(row.date_of_birth) if value else None
    if field.is_relation and field.related_model is not None:
        return labels.get((field.related_model, value)) if value is not None else None
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is not None and not isinstance(value, str | int | float | bool | dict | list):
        return str(value)
    return value


def participant_access_log(participant: Participant) -> QuerySet[AccessEventSubject]:
    """The participant's read-access log, newest first: one indexed query per page."""
    return (
        AccessEventSubject.objects.filter(participant_id=participant.pk)
        .select_related("event__user")
        .order_by("-event_id")
    )
