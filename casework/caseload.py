"""Caseload reassignment (docs/domain.md#plans-appointments-and-the-worklist "Caseload"): several participants move to another
counsellor (or to nobody) at once, all or nothing, each with one history row naming the reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from casework.access import municipality_ids_for
from casework.models import Participant
from core import audit
from core.access import Role
from core.errors import ValidationFailed


def participant_reassign(
    *, actor: Any, participants: Sequence[Participant], to: Any, reason: str
) -> list[Participant]:
    """Give ``participants`` (already scoped to what ``actor`` may write) to the counsellor
    ``to``, or to nobody when ``to`` is None. A target who is not a counsellor of a
    participant's municipality refuses the whole request (400 on ``to``) and nothing changes.
    A participant who already has that counsellor is left alone (no version, no history)."""
    if not (reason or "").strip():
        raise ValidationFailed.single("reason", _("Say why the caseload moves."))
    if to is not None:
        allowed = municipality_ids_for(to, Role.COUNSELLOR)
        outside = sorted(
            {p.municipality.code for p in participants if p.municipality_id not in allowed}
        )
        if outside:
            raise ValidationFailed.single(
                "to",
                _("%(user)s is not a counsellor of %(codes)s.")
                % {"user": to.username, "codes": ", ".join(outside)},
            )
    target_id = to.pk if to is not None else None
    changed = []
    with transaction.atomic():
        rows = (
            Participant.objects.select_for_update()
            .filter(pk__in=[p.pk for p in participants])
            .order_by("pk")
        )
        for participant in rows:
            if participant.counsellor_id == target_id:
                continue
            participant.counsellor = to
            changed.append(audit.save_changes(participant, actor=actor, reason=reason.strip()))
    return changed
