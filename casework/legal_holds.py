"""Legal holds (docs/domain.md#data-lifecycle): a pending matter keeps a participant's data past the retention
period. Setting and lifting a hold each write one history row whose reason is the caller's."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from casework.models import Participant
from core import audit
from core.errors import Conflict, ValidationFailed


def _set(*, actor: Any, participant: Participant, held: bool, reason: str) -> Participant:
    if not (reason or "").strip():
        raise ValidationFailed.single("reason", gettext("A legal hold needs a reason."))
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.anonymised_on is not None:
            raise Conflict(
                gettext("The participant has been anonymised."), code="participant_anonymised"
            )
        if participant.legal_hold == held:
            return participant  # nothing changes, the version stays
        participant.legal_hold = held
        return audit.save_changes(participant, actor=actor, reason=reason.strip())


def participant_legal_hold_set(*, actor: Any, participant: Participant, reason: str) -> Participant:
    """Keep the participant out of retention until the hold is released."""
    return _set(actor=actor, participant=participant, held=True, reason=reason)


def participant_legal_hold_release(
    *, actor: Any, participant: Participant, reason: str
) -> Participant:
    """Lift the hold: retention applies again from its next run."""
    return _set(actor=actor, participant=participant, held=False, reason=reason)
