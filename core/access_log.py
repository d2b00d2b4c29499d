"""The one writer of the read-access log (docs/access.md, docs/adr/0020-access-log-statement.md).

Every read of participants' personal data appends one ``AccessEvent`` and one
``AccessEventSubject`` per participant shown, so a participant's log is one indexed query.
On PostgreSQL both are written by **one statement** (a data-modifying ``WITH``: the event's
``INSERT … RETURNING id`` feeds the subjects' ``INSERT … SELECT``), which is atomic on its own:
no model instances, no signals, no BEGIN/COMMIT of its own. Other databases run the same two
inserts as two statements inside one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from core.models import AccessEvent, AccessEventSubject

_COLUMNS = "(at, user_id, role, action, outcome, subject_count)"


def _tables() -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(AccessEvent._meta.db_table), quote(AccessEventSubject._meta.db_table)


def record_access(
    *,
    user: Any,
    role: str,
    action: str,
    subjects: Iterable[tuple[int, int]],
    outcome: str = AccessEvent.Outcome.SUCCESS,
) -> None:
    """Append one event for ``user`` reading the participants in ``subjects``.

    ``subjects`` are ``(participant_id, municipality_id)`` pairs of internal ids (repeats are
    written once). One statement on PostgreSQL whatever the number of participants."""
    pairs = list(dict.fromkeys((int(p), int(m)) for p, m in subjects))
    event_values = [
        connection.ops.adapt_datetimefield_value(timezone.now()),
        getattr(user, "pk", None),
        str(role)[:20],
        action[:120],
        str(outcome),
        len(pairs),
    ]
    events, links = _tables()
    insert_event = f"INSERT INTO {events} {_COLUMNS} VALUES (%s, %s, %s, %s, %s, %s)"
    if connection.vendor == "postgresql":
        if not pairs:
            with connection.cursor() as cursor:
                cursor.execute(insert_event, event_values)
            return
        rows = ", ".join(["(%s, %s)"] * len(pairs))
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH event AS ({insert_event} RETURNING id)"
                f" INSERT INTO {links} (event_id, participant_id, municipality_id)"
                f" SELECT event.id, shown.participant_id, shown.municipality_id"
                f" FROM event, (VALUES {rows}) AS shown (participant_id, municipality_id)",
                [*event_values, *(value for pair in pairs for value in pair)],
            )
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert_event, event_values)
        event_id = cursor.lastrowid
        if pairs:
            cursor.executemany(
                f"INSERT INTO {links} (event_id, participant_id, municipality_id)"
                f" VALUES (%s, %s, %s)",
                [(event_id, participant, municipality) for participant, municipality in pairs],
            )


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
