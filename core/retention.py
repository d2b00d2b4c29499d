"""Retention (docs/domain.md#data-lifecycle; docs/domain.md#plans-appointments-and-the-worklist; ADR 18): a participant who exited
``POLKU_RETENTION_YEARS`` (default 4) ago and has no legal hold is anonymised.

What anonymisation does, field by field, is declared in ``TEXT_FIELDS`` for the participant and
for every model attached to participants (core.attachments): each text field (char, text, JSON)
is either kept (codes and enumerations that the aggregates count) or erased (names, identifiers,
contact details, free text). A test fails when an attached model has a text field that is not
classified, so a new model cannot slip personal free text past retention.

- The records are written through core.audit (one new history row each, naming the actor and
  the retention reason); the earlier history rows and the access-log links go through
  core.anonymise, the one module allowed to edit them.
- The date of birth keeps its year: it becomes 1 January of the year when the participant had
  had their birthday by the day they enrolled, else 31 December — so the age at enrolment, the
  only age the aggregates use (ESF+ "below 30", "above 54"), is exactly what it was, and every
  dashboard and report for past periods answers the same before and after.
- Idempotent: an anonymised participant carries ``anonymised_on`` and is never picked again.

Models are reached through the app registry by label, so ``core`` imports no domain app.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q

from core import audit
from core.anonymise import erase_history
from core.attachments import attached_models, participant_model

KEEP = "keep"
ERASE = "erase"
ANONYMISED_NAME = "Anonymised"


def _blank_in_items(*keys: str) -> Callable[[Any], Any]:
    """Erase the free-text keys of every item of a JSON list (or of a JSON object)."""

    def blank(value: Any) -> Any:
        if isinstance(value, list):
            return [blank(item) for item in value]
        if isinstance(value, dict):
            return {key: ("" if key in keys and item else item) for key, item in value.items()}
        return value

    return blank


_NAME = "name"  # replaced by ANONYMISED_NAME

#: Every text field of the participant and of the models attached to participants: KEEP, ERASE,
#: the participant's names, or a function of the old value (free text inside JSON lists).
TEXT_FIELDS: dict[str, dict[str, Any]] = {
    "casework.Participant": {
        "first_name": _NAME,
        "last_name": _NAME,
        "identity_code_encrypted": ERASE,
        "identity_code_hash": ERASE,
        "duplicate_key": ERASE,
        "external_id": ERASE,
        "phone": ERASE,
        "email": ERASE,
        "gender": KEEP,
        "native_language": KEEP,
        "citizenship": KEEP,
        "labour_market_status": KEEP,
        "status": KEEP,
        "exit_reason": KEEP,
        "service_language": KEEP,
        "interpreter_language": KEEP,
    },
    "assessments.Enrolment": {"status": KEEP, "status_reason": ERASE},
    "assessments.LanguageAssessment": {
        "language": KEEP,
        "instrument": KEEP,
        "reading": KEEP,
        "listening": KEEP,
        "speaking": KEEP,
        "writing": KEEP,
    },
    "assessments.LicenceCard": {"card_number": ERASE},
    "assessments.SkillAssessment": {"esco_skill_uri": KEEP, "evidence": KEEP},
    "casework.CaseNote": {"kind": KEEP, "text": ERASE},
    "casework.Consent": {"purpose": KEEP},
    "casework.Match": {
        "explanation": KEEP,
        "status": KEEP,
        "reason": ERASE,
        "reason_code": KEEP,
        "employer_reason": ERASE,
    },
    "casework.Outcome": {
        "kind": KEEP,
        "contract_type": KEEP,
        "follow_up_4_weeks": KEEP,
        "follow_up_6_months": KEEP,
    },
    "casework.ParticipantCover": {},
    "plans.Appointment": {
        "kind": KEEP,
        "channel": KEEP,
        "interpreter_language": KEEP,
        "status": KEEP,
        "summary": ERASE,
    },
    "plans.Plan": {
        "kind": KEEP,
        "status": KEEP,
        "goals": _blank_in_items("text"),
        "services": _blank_in_items("description", "provider", "justification"),
        "follow_up": ERASE,
        "job_search_obligation": _blank_in_items("reason"),
        "extensions": _blank_in_items("reason"),
        "warnings": KEEP,
    },
    "plans.PlanReview": {"summary": ERASE, "changes": ERASE},
    "plans.ServiceNeedsAssessment": {
        "language_used": KEEP,
        "literacy": ERASE,
        "language_skills": ERASE,
        "study_and_work_skills": ERASE,
        "service_needs_and_goals": ERASE,
        "education_and_work_history": ERASE,
        "strengths": ERASE,
        "life_situation": ERASE,
        "other_needs": ERASE,
        "further_steps": KEEP,
    },
}

TEXT_FIELD_TYPES = (models.CharField, models.TextField, models.JSONField)


def text_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.fields if isinstance(f, TEXT_FIELD_TYPES)]


def retention_years() -> int:
    return int(getattr(settings, "POLKU_RETENTION_YEARS", 4))


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def retention_date(exited_on: datetime.date) -> datetime.date:
    """The day a participant who exited on ``exited_on`` is due for anonymisation."""
    return _years_before(exited_on, -retention_years())


def due_participants(today: datetime.date) -> models.QuerySet[Any]:
    """Exited at least POLKU_RETENTION_YEARS ago, no legal hold, not yet anonymised (an index
    on exited_on for exactly these rows)."""
    return (
        participant_model()
        ._default_manager.filter(
            status="exited",
            anonymised_on__isnull=True,
            exited_on__lte=_years_before(today, retention_years()),
            legal_hold=False,
        )
        .order_by("exited_on", "id")
    )


def anonymised_birth_date(born: datetime.date, enrolled_on: datetime.date) -> datetime.date:
    """The year of birth, placed so that the age at enrolment stays what it was."""
    had_birthday = (enrolled_on.month, enrolled_on.day) >= (born.month, born.day)
    return datetime.date(born.year, 1, 1) if had_birthday else datetime.date(born.year, 12, 31)


def _erased(model: type[models.Model], name: str, rule: Any) -> Any:
    if callable(rule):
        return rule
    if rule == _NAME:
        return ANONYMISED_NAME
    field = model._meta.get_field(name)
    if field.null:
        return None
    if isinstance(field, models.JSONField):
        return field.get_default()
    return ""


def erasures(model: type[models.Model]) -> dict[str, Any]:
    """{field: new value, or a function of the old value} for the fields ``model`` erases."""
    rules = TEXT_FIELDS.get(model._meta.label, {})
    return {name: _erased(model, name, rule) for name, rule in rules.items() if rule != KEEP}


def _apply(obj: models.Model, values: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in values.items():
        new = value(getattr(obj, name)) if callable(value) else value
        if getattr(obj, name) != new:
            setattr(obj, name, new)
            changed.append(name)
    return changed


def anonymise(*, participant_id: int, actor: Any, reason: str, today: datetime.date) -> bool:
    """Anonymise one participant, their attached records and all their history rows in one
    transaction; False when there was nothing to do (already anonymised, or held)."""
    # Any: the participant model is reached by label (core imports no domain app, ADR 4).
    participant_class: Any = participant_model()
    with transaction.atomic():
        participant: Any = participant_class._base_manager.select_for_update().get(
            pk=participant_id
        )
        if participant.anonymised_on is not None or participant.legal_hold:
            return False
        values = erasures(participant_class)
        values["date_of_birth"] = anonymised_birth_date(
            participant.date_of_birth, participant.enrolled_on
        )
        changes: list[tuple[type[models.Model], Q, dict[str, Any]]] = [
            (participant_class.history.model, Q(id=participant.pk), values)
        ]
        for attachment in attached_models():
            changes.append(
                (
                    attachment.model.history.model,  # type: ignore[attr-defined]
                    Q(**{attachment.path: participant.pk}),
                    erasures(attachment.model),
                )
            )
        # First the earlier history rows, then the records (whose new history rows name the
        # actor and this reason, and hold only anonymised values).
        erase_history(actor=actor, reason=reason, participant_id=participant.pk, changes=changes)
        _apply(participant, values)
        participant.anonymised_on = today
        audit.save_changes(participant, actor=actor, reason=reason)
        for attachment in attached_models():
            fields = erasures(attachment.model)
            if not fields:
                continue
            changed = [
                obj
                for obj in attachment.filter_for([participant.pk]).order_by("pk")
                if _apply(obj, fields)
            ]
            if changed:
                audit.bulk_update(
                    attachment.model, changed, list(fields), actor=actor, reason=reason
                )
    return True
