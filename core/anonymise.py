"""The one exception to append-only history (docs/access.md and docs/domain.md#data-lifecycle; ADR 18).

Under the retention policy, the personal data of an anonymised participant are erased from the
history rows of the participant and of every record attached to them, and the participant's
read-access-log links are re-keyed to a keyed pseudonym. Nothing else in Polku edits a history
row or an access-log link: an architecture test refuses any other module that tries. Each
erasure appends a ``HistoryErasure`` row naming the actor and the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from core import crypto
from core.models import AccessEventSubject, HistoryErasure

#: What replaces an erased history reason.
ERASED_REASON = "anonymised"


def pseudonym(participant_id: int) -> int:
    """A keyed, stable, negative 60-bit stand-in for a participant's internal id: the access log
    keeps every event's actor, time, action and purpose, but no longer points at the person
    (DOMAIN §4.2.4). Negative, so it never equals a real id; keyed, so only the key holder can
    link it back."""
    return -int(crypto.keyed_hash(f"polku-access-log-pseudonym:{participant_id}")[:15], 16)


@transaction.atomic
def erase_history(
    *,
    actor: Any,
    reason: str,
    participant_id: int,
    changes: Iterable[tuple[type[models.Model], models.Q, dict[str, Any | Callable[[Any], Any]]]],
) -> HistoryErasure:
    """Erase personal data from history rows and re-key the access log of one participant.

    ``changes``: (history model, which of its rows, {field: new value or function of the old
    value}). Constant values are written by one UPDATE per history model; functions (free text
    inside JSON lists) row by row. Every row's reason is erased too."""
    if actor is None or not getattr(actor, "pk", None) or not reason:
        raise ValueError("An erasure needs an actor and a reason.")
    counts: dict[str, int] = {}
    for history_model, rows, values in changes:
        constant = {k: v for k, v in values.items() if not callable(v)}
        computed = {k: v for k, v in values.items() if callable(v)}
        queryset = history_model._default_manager.filter(rows)
        changed = queryset.update(**constant, history_change_reason=ERASED_REASON)
        if computed:
            for row in queryset.only("pk", *computed):
                history_model._default_manager.filter(pk=row.pk).update(
                    **{name: function(getattr(row, name)) for name, function in computed.items()}
                )
        if changed:
            counts[history_model._meta.db_table] = changed
    subject = pseudonym(participant_id)
    counts["access_log_links"] = AccessEventSubject.objects.filter(
        participant_id=participant_id
    ).update(participant_id=subject)
    return HistoryErasure.objects.create(
        at=timezone.now(), actor=actor, reason=reason[:300], subject_pseudonym=subject, rows=counts
    )
