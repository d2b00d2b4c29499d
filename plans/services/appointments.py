"""Appointments with the client: ``planned → held | missed | cancelled``. A planned appointment
changes freely; once it has happened (or not) only its summary changes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, iso_codes
from core.errors import ConflictWithErrors, InvalidTransition, ValidationFailed
from core.validation import Errors, validate_fields
from plans.models import Appointment

EDITABLE = ("kind", "starts_at", "channel", "interpreter_language", "summary")
CLOSED_EDITABLE = ("summary",)


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    values = {key: value for key, value in data.items() if key in EDITABLE}
    if "summary" in values:
        values["summary"] = (values["summary"] or "").strip()
    if "interpreter_language" in values:
        values["interpreter_language"] = values["interpreter_language"] or None
    return values


def _validate(appointment: Appointment) -> None:
    errors = Errors()
    language = appointment.interpreter_language
    if language is not None and not iso_codes.is_language(language):
        errors.add(
            "interpreter_language", _("Use ISO 639-1, or ISO 639-3 where there is no 639-1 code.")
        )
    if appointment.starts_at is not None and timezone.is_naive(appointment.starts_at):
        errors.add("starts_at", _("Give the time with its offset."))
    errors.raise_if_any()
    validate_fields(appointment, exclude=["participant", "municipality"])


def appointment_create(*, actor: Any, participant: Any, data: dict[str, Any]) -> Appointment:
    """Book an appointment; the interpreter language defaults to the participant's."""
    values = _normalise(data)
    values.setdefault("interpreter_language", participant.interpreter_language)
    appointment = Appointment(
        participant=participant, municipality_id=participant.municipality_id, **values
    )
    _validate(appointment)
    with transaction.atomic():
        return audit.create(appointment, actor=actor, reason=f"{appointment.kind} booked")


def appointment_update(
    *,
    actor: Any,
    appointment: Appointment,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> Appointment:
    values = _normalise(data)
    with transaction.atomic():
        appointment = Appointment.objects.get(pk=appointment.pk)
        audit.check_version(appointment, expected_version)
        changed = audit.apply_changes(appointment, values)
        if not changed:
            return appointment
        if appointment.status != Appointment.Status.PLANNED:
            refused = [field for field in changed if field not in CLOSED_EDITABLE]
            if refused:
                raise ConflictWithErrors(
                    {field: [_("Only a planned appointment changes this.")] for field in refused},
                    _("The appointment has already been closed."),
                    code="appointment_not_editable",
                )
        _validate(appointment)
        return audit.save_changes(
            appointment,
            actor=actor,
            reason="appointment changed",
            expected_version=expected_version,
        )


def appointment_transition(
    *,
    actor: Any,
    appointment: Appointment,
    to: str,
    reason: str = "",
    expected_version: int | None = None,
) -> Appointment:
    """Close a planned appointment: ``held`` or ``missed`` once its time has come,
    ``cancelled`` at any time."""
    if to not in Appointment.Status.values:
        raise ValidationFailed.single("to", _("Choose held, missed or cancelled."))
    with transaction.atomic():
        appointment = Appointment.objects.get(pk=appointment.pk)
        audit.check_version(appointment, expected_version)
        if to not in Appointment.TRANSITIONS[appointment.status]:
            raise InvalidTransition(
                _("An appointment cannot move from %(from)s to %(to)s.")
                % {"from": appointment.status, "to": to}
            )
        if to in ("held", "missed") and appointment.starts_at > timezone.now():
            raise InvalidTransition(_("An appointment in the future cannot be held or missed."))
        appointment.status = to
        return audit.save_changes(appointment, actor=actor, reason=reason or f"appointment {to}")
