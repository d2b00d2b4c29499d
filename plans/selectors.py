"""Reads of the plans app, and their access gate: scoped by the caller's municipalities first
(``casework.access.participant_scope``: a counsellor's municipalities plus covered participants),
missing and out of scope both ``NotFound``."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet

from casework.access import participant_scope
from casework.selectors import get_scoped
from plans.models import Appointment, Plan, PlanReview, ServiceNeedsAssessment


def service_needs_assessment_list(*, user: Any) -> QuerySet[ServiceNeedsAssessment]:
    return ServiceNeedsAssessment.objects.filter(
        participant_scope(user, "participant_id")
    ).select_related("participant")


def service_needs_assessment_get(*, user: Any, assessment_id: Any) -> ServiceNeedsAssessment:
    return cast(
        ServiceNeedsAssessment,
        get_scoped(service_needs_assessment_list(user=user), assessment_id),
    )


def plan_list(*, user: Any) -> QuerySet[Plan]:
    return Plan.objects.filter(participant_scope(user, "participant_id")).select_related(
        "participant"
    )


def plan_get(*, user: Any, plan_id: Any) -> Plan:
    return cast(Plan, get_scoped(plan_list(user=user), plan_id))


def plan_review_list(*, user: Any) -> QuerySet[PlanReview]:
    return PlanReview.objects.filter(participant_scope(user, "participant_id")).select_related(
        "plan", "participant"
    )


def appointment_list(*, user: Any) -> QuerySet[Appointment]:
    return Appointment.objects.filter(participant_scope(user, "participant_id")).select_related(
        "participant"
    )


def appointment_get(*, user: Any, appointment_id: Any) -> Appointment:
    return cast(Appointment, get_scoped(appointment_list(user=user), appointment_id))
