"""The one writer of the read-access log (DESIGN.md §4).

Every read of participants' personal data appends one ``AccessEvent`` and one
``AccessEventSubject`` per participant shown, so a participant's log is one indexed query.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from core.models import AccessEvent, AccessEventSubject


def record_access(
    *,
    user: Any,
    role: str,
    action: str,
    subjects: Iterable[tuple[int, int]],
    outcome: str = AccessEvent.Outcome.SUCCESS,
) -> AccessEvent:
    """Append one event for ``user`` reading the participants in ``subjects``.

    ``subjects`` are ``(participant_id, municipality_id)`` pairs of internal ids. Two queries
    whatever the number of participants: one insert for the event, one bulk insert for the links.
    """
    pairs = list(dict.fromkeys(subjects))
    with transaction.atomic():
        event = AccessEvent.objects.create(
            at=timezone.now(),
            user=user if getattr(user, "pk", None) else None,
            role=str(role),
            action=action[:120],
            outcome=outcome,
            subject_count=len(pairs),
        )
        if pairs:
            AccessEventSubject.objects.bulk_create(
                [
                    AccessEventSubject(
                        event=event, participant_id=participant_id, municipality_id=municipality_id
                    )
                    for participant_id, municipality_id in pairs
                ]
            )
    return event


def record_access_for_queryset(*, user: Any, role: str, action: str, queryset: Any) -> AccessEvent:
    """Append one event for ``user`` reading every participant ``queryset`` yields (an export):
    three statements whatever the number of rows — the count, the event, and one
    ``INSERT … SELECT`` of the links that never brings the ids into Python.

    ``queryset`` is a Participant queryset (already scoped and filtered by the caller)."""
    rows = queryset.order_by().values("id", "municipality_id")
    with transaction.atomic():
        event = AccessEvent.objects.create(
            at=timezone.now(),
            user=user if getattr(user, "pk", None) else None,
            role=str(role),
            action=action[:120],
            outcome=AccessEvent.Outcome.SUCCESS,
            subject_count=rows.count(),
        )
        select_sql, params = rows.query.sql_with_params()
        table = AccessEventSubject._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (event_id, participant_id, municipality_id) "
                f"SELECT %s, picked.id, picked.municipality_id FROM ({select_sql}) picked",
                [event.pk, *params],
            )
    return event
