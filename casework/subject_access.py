"""The data subject's access export (GDPR Art. 15; docs/domain.md#data-lifecycle): one document with every record
about a participant, their change history and the access log as dates, roles and purposes.

The records come from the model registry (core.attachments), so a model attached to participants
later is exported without anyone remembering to add it. Staff identities are left out throughout
(the access log's users, the records' authors and assessors, the history's actors): Art. 15 gives
the person the dates and purposes of consultations, and the staff only where essential (CJEU
C-579/21, docs/domain.md#plans-appointments-and-the-worklist); the controller can add them case by case.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from casework import history, services
from casework.models import Participant
from core.attachments import attached_models

#: Internal or derived columns that say nothing about the person.
_LEFT_OUT = {"id", "version", "identity_code_encrypted", "identity_code_hash", "duplicate_key"}
#: A record's relation shown by this attribute of the related object (else its public id).
_RELATED_LABELS = ("code", "title", "name")


def _related_label(obj: Any) -> Any:
    for attribute in _RELATED_LABELS:
        value = getattr(obj, attribute, None)
        if isinstance(value, str):
            return value
    return str(obj.uuid) if hasattr(obj, "uuid") else str(obj.pk)


def _relations(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.fields
        if field.is_relation
        and field.related_model is not None
        and field.related_model is not get_user_model()
        and field.related_model is not Participant
    ]


def _record(obj: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in type(obj)._meta.fields:
        if field.name in _LEFT_OUT:
            continue
        if field.is_relation:
            if field.related_model is get_user_model() or field.related_model is Participant:
                continue  # staff identities left out; the participant is the document's subject
            related = getattr(obj, field.name)
            data[field.name] = _related_label(related) if related is not None else None
            continue
        value = getattr(obj, field.attname)
        data["id" if field.name == "uuid" else field.name] = value
    return data


def _staff_fields() -> set[str]:
    """Names of the fields that point at a staff user (their values are usernames)."""
    user = get_user_model()
    return {
        field.name
        for model in (Participant, *(a.model for a in attached_models()))
        for field in model._meta.fields
        if field.is_relation and field.related_model is user
    }


def participant_export(participant: Participant) -> dict[str, Any]:
    """Everything Polku holds about ``participant`` (already read through a scoping selector).
    One query per attached model, plus the history and the access log."""
    participant_data = _record(participant)
    participant_data["personal_identity_code"] = services.participant_identity_code(participant)
    records: dict[str, list[dict[str, Any]]] = {}
    for attachment in attached_models():
        queryset = attachment.filter_for([participant.pk]).select_related(
            *(field.name for field in _relations(attachment.model))
        )
        records[attachment.label.lower()] = [_record(obj) for obj in queryset.order_by("pk")]
    staff_fields = _staff_fields()
    changes = [
        {
            **{key: value for key, value in entry.items() if key not in ("user", "changes")},
            "changes": [c for c in entry["changes"] if c["field"] not in staff_fields],
        }
        for entry in history.participant_history(participant)
    ]
    access_log = [
        {"at": link.event.at, "role": link.event.role, "action": link.event.action}
        for link in history.participant_access_log(participant)
    ]
    return {
        "generated_at": timezone.now(),
        "participant": participant_data,
        "records": records,
        "history": changes,
        "access_log": access_log,
    }
