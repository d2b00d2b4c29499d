"""Writes of the plans app, one module per resource. Each service takes the actor explicitly,
owns its transaction, checks the rules of docs/domain.md#plans-appointments-and-the-worklist and records one history row per changed
record with a reason (core.audit)."""

from plans.services.appointments import (
    appointment_create,
    appointment_transition,
    appointment_update,
)
from plans.services.assessments import (
    service_needs_assessment_create,
    service_needs_assessment_update,
)
from plans.services.plans import plan_create, plan_transition, plan_update
from plans.services.reviews import plan_review_create

__all__ = [
    "appointment_create",
    "appointment_transition",
    "appointment_update",
    "plan_create",
    "plan_review_create",
    "plan_transition",
    "plan_update",
    "service_needs_assessment_create",
    "service_needs_assessment_update",
]
