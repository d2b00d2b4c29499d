"""Writes for assessments, trainings, enrolments and licence cards.

Every service takes the acting user explicitly, owns its transaction and records one history row
per changed record with a reason (core.audit). Participants are passed in as objects: this app
sits below casework and never imports it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import language_levels, latest_levels
from assessments.models import (
    Enrolment,
    LanguageAssessment,
    LicenceCard,
    LicenceType,
    Occupation,
    SkillAssessment,
    Training,
)
from core import audit
from core.errors import Conflict, InvalidTransition, ValidationFailed
from core.validation import Errors, validate_fields

UNIT_GROUP_LEVEL = 4


def occupation_unit_group(code: str | None, *, field: str = "occupation_code") -> Occupation | None:
    """The ISCO-08 unit group (4 digits) for ``code``, or ValidationFailed."""
    if code in (None, ""):
        return None
    occupation = Occupation.objects.filter(code=code, level=UNIT_GROUP_LEVEL).first()
    if occupation is None:
        raise ValidationFailed.single(
            field, _("%(code)s is not an ISCO-08 unit group (4 digits).") % {"code": repr(code)}
        )
    return occupation


def _check_participant_open(participant: Any, errors: Errors, field: str = "participant") -> None:
    if participant.status == "exited":
        errors.add(field, _("The participant has exited; nothing more can be recorded."))


# Language assessments ---------------------------------------------------------------------------


def _validate_language_assessment(assessment: LanguageAssessment) -> None:
    errors = Errors()
    for skill in language_levels.SKILLS:
        value = getattr(assessment, skill)
        if value is not None and not language_levels.is_level(value):
            errors.add(skill, _("Use a level from A1.1 to C2.2."))
    if all(getattr(assessment, skill) is None for skill in language_levels.SKILLS):
        errors.add("non_field_errors", _("Give a level for at least one skill."))
    errors.not_in_future("assessed_on", assessment.assessed_on)
    if assessment.assessed_on and assessment.assessed_on < assessment.participant.date_of_birth:
        errors.add("assessed_on", _("The assessment cannot predate the participant's birth."))
    errors.raise_if_any()
    validate_fields(assessment, exclude=["participant", "municipality", "assessor"])


def language_assessment_create(
    *,
    actor: Any,
    participant: Any,
    language: str,
    assessed_on: datetime.date,
    instrument: str,
    reading: str | None = None,
    listening: str | None = None,
    speaking: str | None = None,
    writing: str | None = None,
) -> LanguageAssessment:
    """Record a language assessment: one sub-level per skill (CEFR and YKI are derived)."""
    errors = Errors()
    _check_participant_open(participant, errors)
    errors.raise_if_any()
    assessment = LanguageAssessment(
        participant=participant,
        municipality_id=participant.municipality_id,
        language=language,
        assessed_on=assessed_on,
        instrument=instrument,
        reading=reading,
        listening=listening,
        speaking=speaking,
        writing=writing,
        assessor=actor,
    )
    _validate_language_assessment(assessment)
    with transaction.atomic():
        assessment = audit.create(assessment, actor=actor, reason="language assessment recorded")
        latest_levels.sync([assessment.participant_id])
        return assessment


LANGUAGE_ASSESSMENT_EDITABLE = ("language", "assessed_on", "instrument", *language_levels.SKILLS)


def language_assessment_update(
    *,
    actor: Any,
    assessment: LanguageAssessment,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "language assessment corrected",
) -> LanguageAssessment:
    with transaction.atomic():
        assessment = audit.update(
            LanguageAssessment,
            assessment.pk,
            {k: v for k, v in data.items() if k in LANGUAGE_ASSESSMENT_EDITABLE},
            actor=actor,
            reason=reason,
            expected_version=expected_version,
            validate=_validate_language_assessment,
            select_related=("participant",),
        )
        latest_levels.sync([assessment.participant_id])
        return assessment


def _years(value: Any) -> Decimal:
    try:
        return Decimal(str(value if value is not None else 0))
    except ArithmeticError:
        raise ValidationFailed.single("years_experience", _("Give a number of years.")) from None


# Skill assessments ------------------------------------------------------------------------------


def _validate_skill_assessment(assessment: SkillAssessment) -> None:
    errors = Errors()
    if assessment.occupation_id is None and not assessment.esco_skill_uri:
        errors.add("occupation_code", _("Give an ISCO-08 occupation or an ESCO skill."))
    if assessment.level not in (1, 2, 3, 4):
        errors.add("level", _("The level is 1 (basic) to 4 (expert)."))
    years = assessment.years_experience
    if years is None or years < 0 or years > 80:
        errors.add("years_experience", _("Years of experience are 0–80."))
    errors.not_in_future("assessed_on", assessment.assessed_on)
    errors.raise_if_any()
    validate_fields(assessment, exclude=["participant", "municipality", "assessor", "occupation"])


def skill_assessment_create(
    *,
    actor: Any,
    participant: Any,
    occupation_code: str | None,
    level: int,
    evidence: str,
    assessed_on: datetime.date,
    years_experience: Decimal | int | float = 0,
    esco_skill_uri: str = "",
) -> SkillAssessment:
    errors = Errors()
    _check_participant_open(participant, errors)
    errors.raise_if_any()
    assessment = SkillAssessment(
        participant=participant,
        municipality_id=participant.municipality_id,
        occupation=occupation_unit_group(occupation_code),
        esco_skill_uri=esco_skill_uri or "",
        level=level,
        years_experience=_years(years_experience),
        evidence=evidence,
        assessed_on=assessed_on,
        assessor=actor,
    )
    _validate_skill_assessment(assessment)
    with transaction.atomic():
        return audit.create(assessment, actor=actor, reason="skill assessment recorded")


def skill_assessment_update(
    *,
    actor: Any,
    assessment: SkillAssessment,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "skill assessment corrected",
) -> SkillAssessment:
    values = {
        k: v for k, v in data.items() if k in ("level", "evidence", "assessed_on", "esco_skill_uri")
    }
    if "years_experience" in data:
        values["years_experience"] = _years(data["years_experience"])
    if "occupation_code" in data:
        values["occupation"] = occupation_unit_group(data["occupation_code"])
    return audit.update(
        SkillAssessment,
        assessment.pk,
        values,
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        validate=_validate_skill_assessment,
    )


# Licence types (catalogue, admin only) -----------------------------------------------------------


def licence_type_save(*, actor: Any, licence_type: LicenceType, reason: str) -> LicenceType:
    """Create or change a catalogue entry (the Django admin's path)."""
    validate_fields(licence_type)
    with transaction.atomic():
        if licence_type.pk is None:
            return audit.create(licence_type, actor=actor, reason=reason)
        return audit.save_changes(licence_type, actor=actor, reason=reason)


# Trainings ----------------------------------------------------------------------------------------


def _validate_training(training: Training) -> None:
    errors = Errors()
    if training.ends_on and training.starts_on and training.ends_on < training.starts_on:
        errors.add("ends_on", _("A training cannot end before it starts."))
    if training.seats is None or training.seats < 1:
        errors.add("seats", _("A training has at least one seat."))
    if not training.provider or not training.provider.strip():
        errors.add("provider", _("Name the training provider."))
    if training.language not in ("fi", "sv", "en"):
        errors.add("language", _("The language of instruction is fi, sv or en."))
    errors.raise_if_any()
    validate_fields(training, exclude=["licence_type", "municipality"])


def training_create(
    *,
    actor: Any,
    licence_type: LicenceType,
    municipality: Any,
    provider: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    seats: int,
    language: str = "fi",
) -> Training:
    training = Training(
        licence_type=licence_type,
        municipality=municipality,
        provider=provider,
        starts_on=starts_on,
        ends_on=ends_on,
        seats=seats,
        language=language,
    )
    _validate_training(training)
    with transaction.atomic():
        return audit.create(training, actor=actor, reason="training created")


def training_update(
    *,
    actor: Any,
    training: Training,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "training changed",
) -> Training:
    editable = ("provider", "starts_on", "ends_on", "seats", "language", "licence_type")
    with transaction.atomic():
        training = Training.objects.select_for_update().get(pk=training.pk)
        audit.check_version(training, expected_version)
        if not audit.apply_changes(training, {k: v for k, v in data.items() if k in editable}):
            return training
        _validate_training(training)
        taken = training.enrolments.filter(status__in=Enrolment.SEAT_HOLDING).count()
        if training.seats < taken:
            raise ValidationFailed.single(
                "seats",
                _("%(taken)s seats are already taken; the training cannot shrink below that.")
                % {"taken": taken},
            )
        return audit.save_changes(
            training, actor=actor, reason=reason, expected_version=expected_version
        )


# Enrolments ---------------------------------------------------------------------------------------


def enrolment_create(*, actor: Any, training: Training, participant: Any) -> Enrolment:
    """Enrol a participant on a training; never more enrolments than seats."""
    errors = Errors()
    _check_participant_open(participant, errors)
    errors.raise_if_any()
    with transaction.atomic():
        training = Training.objects.select_for_update().get(pk=training.pk)
        if Enrolment.objects.filter(training=training, participant=participant).exists():
            raise Conflict(
                _("The participant is already enrolled on this training."), code="already_enrolled"
            )
        taken = training.enrolments.filter(status__in=Enrolment.SEAT_HOLDING).count()
        if taken >= training.seats:
            raise Conflict(_("The training is full."), code="training_full")
        enrolment = Enrolment(
            training=training, participant=participant, municipality_id=participant.municipality_id
        )
        return audit.create(enrolment, actor=actor, reason="enrolled on training")


def enrolment_transition(
    *,
    actor: Any,
    enrolment: Enrolment,
    to: str,
    reason: str = "",
    issued_on: datetime.date | None = None,
    card_number: str = "",
    expected_version: int | None = None,
) -> Enrolment:
    """Move an enrolment along ``enrolled → attended | no_show | cancelled``,
    ``attended → passed | failed``. ``passed`` creates the licence card in the same transaction
    (``issued_on`` defaults to the training's last day)."""
    if to not in Enrolment.Status.values:
        raise ValidationFailed.single("to", _("Unknown status %(status)s.") % {"status": repr(to)})
    with transaction.atomic():
        enrolment = Enrolment.objects.select_related("training__licence_type", "participant").get(
            pk=enrolment.pk
        )
        audit.check_version(enrolment, expected_version)
        if to not in Enrolment.TRANSITIONS[enrolment.status]:
            raise InvalidTransition(
                _("An enrolment cannot move from %(from)s to %(to)s.")
                % {"from": enrolment.status, "to": to}
            )
        if to == Enrolment.Status.PASSED:
            issued = issued_on or enrolment.training.ends_on
            errors = Errors()
            errors.not_in_future("issued_on", issued)
            if issued < enrolment.training.starts_on:
                errors.add("issued_on", _("A card cannot be issued before the training starts."))
            errors.raise_if_any()
        enrolment.status = to
        enrolment.status_reason = reason
        audit.save_changes(enrolment, actor=actor, reason=reason or f"enrolment {to}")
        if to == Enrolment.Status.PASSED:
            licence_card_create(
                actor=actor,
                participant=enrolment.participant,
                licence_type=enrolment.training.licence_type,
                issued_on=issued,
                card_number=card_number,
                enrolment=enrolment,
            )
        return enrolment


# Licence cards ------------------------------------------------------------------------------------


def _validate_card(card: LicenceCard) -> None:
    errors = Errors()
    errors.not_in_future("issued_on", card.issued_on)
    if card.valid_until is not None and card.issued_on and card.valid_until < card.issued_on:
        errors.add("valid_until", _("A card cannot expire before it is issued."))
    errors.raise_if_any()
    validate_fields(
        card, exclude=["participant", "municipality", "licence_type", "verified_by", "enrolment"]
    )


def licence_card_create(
    *,
    actor: Any,
    participant: Any,
    licence_type: LicenceType,
    issued_on: datetime.date,
    valid_until: datetime.date | None = None,
    card_number: str = "",
    enrolment: Enrolment | None = None,
) -> LicenceCard:
    """Record a card; ``valid_until`` defaults to the type's validity (None: never expires)."""
    card = LicenceCard(
        participant=participant,
        municipality_id=participant.municipality_id,
        licence_type=licence_type,
        issued_on=issued_on,
        valid_until=valid_until
        if valid_until is not None
        else licence_type.valid_until_for(issued_on),
        card_number=card_number or "",
        enrolment=enrolment,
    )
    _validate_card(card)
    with transaction.atomic():
        return audit.create(card, actor=actor, reason="licence card recorded")


def licence_card_update(
    *,
    actor: Any,
    card: LicenceCard,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "licence card corrected",
) -> LicenceCard:
    editable = ("issued_on", "valid_until", "card_number")
    with transaction.atomic():
        card = LicenceCard.objects.select_related("licence_type").get(pk=card.pk)
        audit.check_version(card, expected_version)
        values = {k: v for k, v in data.items() if k in editable}
        if "issued_on" in values and "valid_until" not in values:
            values["valid_until"] = card.licence_type.valid_until_for(values["issued_on"])
        if not audit.apply_changes(card, values):
            return card
        _validate_card(card)
        return audit.save_changes(
            card, actor=actor, reason=reason, expected_version=expected_version
        )


def licence_card_verify(
    *, actor: Any, card: LicenceCard, expected_version: int | None = None
) -> LicenceCard:
    """Mark a card as checked against the issuer's register by ``actor``."""
    with transaction.atomic():
        card = LicenceCard.objects.get(pk=card.pk)
        audit.check_version(card, expected_version)
        card.verified_by = actor
        card.verified_at = timezone.now()
        return audit.save_changes(card, actor=actor, reason="licence card verified")
