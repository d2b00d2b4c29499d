"""Assessments of skills and integration service needs (681/2023 §14, Decree 869/2024)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core import audit, iso_codes
from core.validation import Errors, today, validate_fields
from plans.models import ServiceNeedsAssessment

EDITABLE = (
    "started_on",
    "completed_on",
    "language_used",
    "interpreter_used",
    *ServiceNeedsAssessment.ITEMS,
    "plan_needed",
    "informed_on",
    "further_steps",
)


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    result = {key: value for key, value in values.items() if key in EDITABLE}
    for key in (*ServiceNeedsAssessment.ITEMS, "language_used"):
        if key in result:
            result[key] = (result[key] or "").strip()
    if isinstance(result.get("further_steps"), list | tuple):
        # One entry per code, in the order of the catalogue.
        chosen = set(result["further_steps"])
        steps = ServiceNeedsAssessment.FurtherStep.values
        result["further_steps"] = [code for code in steps if code in chosen] + sorted(
            str(code) for code in chosen if code not in steps
        )
    return result


def _validate(assessment: ServiceNeedsAssessment) -> None:
    """Dates in order and not in the future; completing needs every item answered, the need for
    a plan decided and the day the client was informed (Decree 869/2024)."""
    errors = Errors()
    for field in ("started_on", "completed_on", "informed_on"):
        errors.not_in_future(field, getattr(assessment, field))
    if assessment.completed_on and assessment.completed_on < assessment.started_on:
        errors.add("completed_on", _("The assessment cannot be completed before it started."))
    if assessment.language_used and not iso_codes.is_language(assessment.language_used):
        errors.add("language_used", _("Use ISO 639-1, or ISO 639-3 where there is no 639-1 code."))
    steps = assessment.further_steps
    if not isinstance(steps, list) or any(
        step not in ServiceNeedsAssessment.FurtherStep.values for step in steps
    ):
        errors.add(
            "further_steps",
            _("Choose from: %(codes)s.")
            % {"codes": ", ".join(ServiceNeedsAssessment.FurtherStep.values)},
        )
    if assessment.completed_on is not None:
        for item in ServiceNeedsAssessment.ITEMS:
            if not getattr(assessment, item):
                errors.add(item, _("Answer this interview item before completing."))
        if assessment.plan_needed is None:
            errors.add("plan_needed", _("Decide whether the client needs an integration plan."))
        if assessment.informed_on is None:
            errors.add("informed_on", _("Give the day the client was informed."))
    errors.raise_if_any()
    validate_fields(assessment, exclude=["participant", "municipality", "further_steps"])


def service_needs_assessment_create(
    *, actor: Any, participant: Any, data: dict[str, Any]
) -> ServiceNeedsAssessment:
    """Start (or record at once, completed) an assessment of the participant's service needs."""
    values = _normalise(data)
    assessment = ServiceNeedsAssessment(
        participant=participant, municipality_id=participant.municipality_id, **values
    )
    if assessment.started_on is None:
        assessment.started_on = today()
    _validate(assessment)
    with transaction.atomic():
        return audit.create(assessment, actor=actor, reason=_reason(assessment, "started"))


def service_needs_assessment_update(
    *,
    actor: Any,
    assessment: ServiceNeedsAssessment,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> ServiceNeedsAssessment:
    """Change an assessment; setting ``completed_on`` completes it (checked as above). A change
    that changes nothing keeps the version."""
    with transaction.atomic():
        assessment = ServiceNeedsAssessment.objects.get(pk=assessment.pk)
        audit.check_version(assessment, expected_version)
        was_completed = assessment.completed_on is not None
        if not audit.apply_changes(assessment, _normalise(data)):
            return assessment
        _validate(assessment)
        reason = _reason(assessment, "changed") if was_completed else _reason(assessment, "")
        return audit.save_changes(
            assessment, actor=actor, reason=reason, expected_version=expected_version
        )


def _reason(assessment: ServiceNeedsAssessment, default: str) -> str:
    if assessment.completed_on is not None and default != "changed":
        return "service-needs assessment completed"
    return f"service-needs assessment {default or 'changed'}"
