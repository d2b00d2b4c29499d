"""Integration plans (681/2023 §§16, 18–24) and employment plans (380/2023 §§34, 38):
``draft → agreed → ended`` (``draft → ended`` abandons one). Drafts change freely; an agreed plan
changes only its referral and completion dates, goal achievements, extensions and ``ends_on``
(docs/domain.md#plans-appointments-and-the-worklist). Goals, services, the job-search obligation and extensions are JSON shaped by
``plans.rules``; the warnings and the count of unreferred services are derived here on every
write, never taken from a client."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils.translation import gettext as _

from core import audit
from core.errors import Conflict, ConflictWithErrors, InvalidTransition, ValidationFailed
from core.validation import Errors, today, validate_fields
from plans import agreement, rules
from plans.models import Plan, ServiceNeedsAssessment

DRAFT_EDITABLE = (
    "kind",
    "starts_on",
    "ends_on",
    "goals",
    "services",
    "follow_up",
    "job_search_obligation",
    "reporting_due_on",
    "rights_explained",
    "county_participates",
    "extensions",
)
#: What an agreed plan may still change; goals and services only in these keys of each entry.
AGREED_EDITABLE = ("ends_on", "extensions", "goals", "services")
AGREED_GOAL_KEYS = ("achieved_on",)
AGREED_SERVICE_KEYS = ("referred_on", "completed_on")

_SHAPES = {
    "goals": rules.goals,
    "services": rules.services,
    "extensions": rules.extensions,
    "job_search_obligation": rules.job_search_obligation,
}


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    values = {key: value for key, value in data.items() if key in DRAFT_EDITABLE}
    errors: dict[str, list[str]] = {}
    for key, shape in _SHAPES.items():
        if key in values:
            try:
                values[key] = shape(values[key])
            except ValidationFailed as error:
                errors.update(error.errors)
    if "follow_up" in values:
        values["follow_up"] = (values["follow_up"] or "").strip()
    if errors:
        raise ValidationFailed(errors)
    return values


def _derive(plan: Plan, participant: Any) -> None:
    plan.unreferred_services = rules.unreferred_services(plan.services or [])
    plan.warnings = rules.warnings(
        goals=plan.goals or [],
        date_of_birth=participant.date_of_birth,
        on=plan.starts_on or today(),
    )


def _validate(plan: Plan) -> None:
    errors = Errors()
    if plan.kind not in Plan.Kind.values:
        errors.add("kind", _("Choose integration or employment."))
    if plan.starts_on and plan.ends_on and plan.ends_on < plan.starts_on:
        errors.add("ends_on", _("The plan cannot end before it starts."))
    errors.raise_if_any()
    validate_fields(
        plan,
        exclude=[
            "participant",
            "municipality",
            "goals",
            "services",
            "extensions",
            "job_search_obligation",
            "warnings",
        ],
    )


def plan_create(*, actor: Any, participant: Any, data: dict[str, Any]) -> Plan:
    """Start a draft plan for the participant."""
    values = _normalise(data)
    if not values.get("kind"):
        raise ValidationFailed.single("kind", _("This field is required."))
    plan = Plan(participant=participant, municipality_id=participant.municipality_id, **values)
    _validate(plan)
    _derive(plan, participant)
    with transaction.atomic():
        return audit.create(plan, actor=actor, reason=f"{plan.kind} plan drafted")


def _without(entries: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{k: v for k, v in entry.items() if k not in keys} for entry in entries]


def _agreed_changes_refused(plan: Plan, values: dict[str, Any]) -> dict[str, list[str]]:
    """The fields an agreed plan may not change, each with why."""
    errors = Errors()
    for key, value in values.items():
        if key == "goals":
            if _without(value, AGREED_GOAL_KEYS) != _without(plan.goals, AGREED_GOAL_KEYS):
                errors.add("goals", _("An agreed plan's goals change only their achieved_on."))
        elif key == "services":
            if _without(value, AGREED_SERVICE_KEYS) != _without(plan.services, AGREED_SERVICE_KEYS):
                errors.add(
                    "services",
                    _("An agreed plan's services change only their referred_on and completed_on."),
                )
        elif key not in AGREED_EDITABLE and getattr(plan, key) != value:
            errors.add(key, _("An agreed plan no longer changes this field."))
    return errors.errors


def _facts(plan: Plan) -> agreement.Facts:
    participant = plan.participant
    assessed = ServiceNeedsAssessment.objects.filter(
        municipality_id=plan.municipality_id,
        participant_id=participant.pk,
        completed_on__isnull=False,
        plan_needed=True,
    ).exists()
    first_start = (
        Plan.objects.filter(
            municipality_id=plan.municipality_id,
            participant_id=participant.pk,
            kind=Plan.Kind.INTEGRATION,
            agreed_on__isnull=False,
        )
        .exclude(pk=plan.pk)
        .aggregate(first=Min("starts_on"))["first"]
    )
    return agreement.Facts(
        job_seeker=participant.job_seeker_since is not None,
        assessed_as_needing_a_plan=assessed,
        first_plan_started_on=first_start,
        date_of_birth=participant.date_of_birth,
    )


def plan_update(
    *,
    actor: Any,
    plan: Plan,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "plan changed",
) -> Plan:
    """Change a plan: a draft freely, an agreed plan only as DESIGN §10 allows (409
    ``plan_not_editable`` naming each refused field), an ended plan not at all. Lists are
    replaced whole. An agreed plan's new end or extensions are checked against §23 again
    (409 ``plan_incomplete``)."""
    values = _normalise(data)
    with transaction.atomic():
        plan = Plan.objects.select_related("participant").get(pk=plan.pk)
        audit.check_version(plan, expected_version)
        if plan.status == Plan.Status.ENDED:
            raise Conflict(_("An ended plan no longer changes."), code="plan_not_editable")
        if plan.status == Plan.Status.AGREED:
            refused = _agreed_changes_refused(plan, values)
            if refused:
                raise ConflictWithErrors(
                    refused, _("An agreed plan changes only as the law allows."),
                    code="plan_not_editable",
                )  # fmt: skip
        changed = audit.apply_changes(plan, values)
        if not changed:
            return plan
        _validate(plan)
        if plan.status == Plan.Status.AGREED and {"ends_on", "extensions"} & set(changed):
            errors = Errors()
            agreement.duration_errors(plan, _facts(plan), errors)
            if errors.errors:
                raise ConflictWithErrors(
                    errors.errors, _("The plan would break the rules it was agreed under."),
                    code="plan_incomplete",
                )  # fmt: skip
        _derive(plan, plan.participant)
        return audit.save_changes(
            plan, actor=actor, reason=reason, expected_version=expected_version
        )


def plan_transition(
    *,
    actor: Any,
    plan: Plan,
    to: str,
    on: datetime.date | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Plan:
    """Agree or end a plan. Agreeing checks every rule of DESIGN §10 at once (409
    ``plan_incomplete`` with the errors per field) and ends the participant's previous agreed
    plan of the same kind; ``on`` (default today) may not be in the future."""
    if to not in Plan.Status.values:
        raise ValidationFailed.single("to", _("Choose agreed or ended."))
    on = on or today()
    if on > today():
        raise ValidationFailed.single("on", _("The date cannot be in the future."))
    with transaction.atomic():
        plan = Plan.objects.select_related("participant").get(pk=plan.pk)
        audit.check_version(plan, expected_version)
        if to not in Plan.TRANSITIONS[plan.status]:
            raise InvalidTransition(
                _("A plan cannot move from %(from)s to %(to)s.") % {"from": plan.status, "to": to}
            )
        if to == Plan.Status.ENDED:
            if plan.agreed_on and on < plan.agreed_on:
                raise ValidationFailed.single("on", _("A plan cannot end before it was agreed."))
            plan.status, plan.ended_on = Plan.Status.ENDED, on
            return audit.save_changes(plan, actor=actor, reason=reason or "plan ended")
        errors = agreement.agree_errors(plan, _facts(plan))
        if errors:
            raise ConflictWithErrors(
                errors, _("The plan cannot be agreed yet."), code="plan_incomplete"
            )
        _end_previous(plan, on, actor)
        plan.status, plan.agreed_on = Plan.Status.AGREED, on
        _derive(plan, plan.participant)
        try:
            with transaction.atomic():
                return audit.save_changes(plan, actor=actor, reason=reason or "plan agreed")
        except IntegrityError:
            raise Conflict(
                _("Another plan of this kind was agreed at the same time."), code="conflict"
            ) from None


def _end_previous(plan: Plan, on: datetime.date, actor: Any) -> None:
    """§16/§22: one plan of a kind is in force; the newly agreed one replaces the previous."""
    previous = (
        Plan.objects.select_for_update()
        .filter(
            municipality_id=plan.municipality_id,
            participant_id=plan.participant_id,
            kind=plan.kind,
            status=Plan.Status.AGREED,
        )
        .exclude(pk=plan.pk)
    )
    for old in previous:
        old.status, old.ended_on = Plan.Status.ENDED, max(on, old.agreed_on or on)
        audit.save_changes(old, actor=actor, reason="replaced by a newly agreed plan")
