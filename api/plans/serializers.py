"""Service-needs assessments, plans, reviews and appointments (docs/domain.md#plans-appointments-and-the-worklist).

Input serializers check shapes and types (and document them); the services check the domain
rules. Output is shaped by plain functions from the model, and the read-only output serializers
document it."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.fields import StrictCharField
from plans import rules
from plans.models import Appointment, Plan, ServiceNeedsAssessment

TEXT = rules.TEXT_LIMIT


def _text(**kwargs: Any) -> StrictCharField:
    return StrictCharField(max_length=TEXT, required=False, allow_blank=True, **kwargs)


# Service-needs assessments ------------------------------------------------------------------------


class ServiceNeedsAssessmentUpdateSerializer(serializers.Serializer):
    started_on = serializers.DateField(required=False)
    completed_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Setting it completes the assessment: every interview item answered, "
        "plan_needed decided and informed_on given (else 400 naming each field).",
    )
    language_used = StrictCharField(max_length=3, required=False, allow_blank=True)
    interpreter_used = serializers.BooleanField(required=False)
    literacy = _text()
    language_skills = _text()
    study_and_work_skills = _text()
    service_needs_and_goals = _text()
    education_and_work_history = _text()
    strengths = _text()
    life_situation = _text()
    other_needs = _text()
    plan_needed = serializers.BooleanField(required=False, allow_null=True)
    informed_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The day the client was told the aims of the services, how the plan is made, "
        "that it binds, and how their data are processed.",
    )
    further_steps = serializers.ListField(
        child=serializers.ChoiceField(choices=ServiceNeedsAssessment.FurtherStep.choices),
        required=False,
        max_length=len(ServiceNeedsAssessment.FurtherStep.values),
    )


class ServiceNeedsAssessmentInputSerializer(ServiceNeedsAssessmentUpdateSerializer):
    participant = serializers.UUIDField()


class ServiceNeedsAssessmentSerializer(ServiceNeedsAssessmentInputSerializer):
    id = serializers.UUIDField()
    started_on = serializers.DateField()
    completed_on = serializers.DateField(allow_null=True)
    plan_needed = serializers.BooleanField(allow_null=True)
    informed_on = serializers.DateField(allow_null=True)
    version = serializers.IntegerField()


def service_needs_assessment_data(assessment: ServiceNeedsAssessment) -> dict[str, Any]:
    return {
        "id": assessment.uuid,
        "participant": assessment.participant.uuid,
        "started_on": assessment.started_on,
        "completed_on": assessment.completed_on,
        "language_used": assessment.language_used,
        "interpreter_used": assessment.interpreter_used,
        **{item: getattr(assessment, item) for item in ServiceNeedsAssessment.ITEMS},
        "plan_needed": assessment.plan_needed,
        "informed_on": assessment.informed_on,
        "further_steps": assessment.further_steps,
        "version": assessment.version,
    }


# Plans --------------------------------------------------------------------------------------------


class GoalSerializer(serializers.Serializer):
    horizon = serializers.ChoiceField(choices=rules.GOAL_HORIZONS)
    kind = serializers.ChoiceField(choices=rules.GOAL_KINDS)
    text = StrictCharField(max_length=TEXT)
    achieved_on = serializers.DateField(required=False, allow_null=True)


class PlanServiceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=rules.SERVICE_KINDS)
    description = StrictCharField(max_length=TEXT)
    provider = _text()
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    hours = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=10000)
    justification = _text(help_text="How the service serves the goals; required to agree.")
    referred_on = serializers.DateField(required=False, allow_null=True)
    completed_on = serializers.DateField(required=False, allow_null=True)


class JobSearchObligationSerializer(serializers.Serializer):
    applications = serializers.IntegerField(
        min_value=0, max_value=100, default=rules.DEFAULT_APPLICATIONS
    )
    period_months = serializers.IntegerField(
        min_value=1, max_value=12, default=rules.DEFAULT_PERIOD_MONTHS
    )
    reason = _text(help_text="Required to agree when fewer than 4 applications a month.")


class ExtensionSerializer(serializers.Serializer):
    until = serializers.DateField()
    reason_code = serializers.ChoiceField(choices=rules.EXTENSION_CODES)
    reason = _text()


class PlanWarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


class PlanUpdateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Plan.Kind.choices, required=False)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    goals = GoalSerializer(many=True, required=False)
    services = PlanServiceSerializer(many=True, required=False)
    follow_up = _text()
    job_search_obligation = JobSearchObligationSerializer(required=False, allow_null=True)
    reporting_due_on = serializers.DateField(required=False, allow_null=True)
    rights_explained = serializers.BooleanField(required=False)
    county_participates = serializers.BooleanField(required=False)
    extensions = ExtensionSerializer(many=True, required=False)


class PlanInputSerializer(PlanUpdateSerializer):
    participant = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Plan.Kind.choices)


class PlanSerializer(PlanInputSerializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Plan.Status.choices)
    agreed_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)
    warnings = PlanWarningSerializer(many=True, help_text="Read-only, e.g. education_goal_missing")
    version = serializers.IntegerField()


def plan_data(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.uuid,
        "participant": plan.participant.uuid,
        "kind": plan.kind,
        "status": plan.status,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "agreed_on": plan.agreed_on,
        "ended_on": plan.ended_on,
        "goals": plan.goals,
        "services": plan.services,
        "follow_up": plan.follow_up,
        "job_search_obligation": plan.job_search_obligation,
        "reporting_due_on": plan.reporting_due_on,
        "rights_explained": plan.rights_explained,
        "county_participates": plan.county_participates,
        "extensions": plan.extensions,
        "warnings": plan.warnings,
        "version": plan.version,
    }


class PlanTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[("agreed", "agreed"), ("ended", "ended")])
    on = serializers.DateField(required=False, help_text="Default today; not in the future.")
    reason = StrictCharField(max_length=1000, required=False, allow_blank=True)


class PlanReviewInputSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField(required=False)
    summary = StrictCharField(max_length=TEXT)
    changes = _text()
    client_requested = serializers.BooleanField(required=False, default=False)
    county_present = serializers.BooleanField(required=False, default=False)


class PlanReviewSerializer(PlanReviewInputSerializer):
    id = serializers.UUIDField()
    plan = serializers.UUIDField()
    reviewed_on = serializers.DateField()


def plan_review_data(review: Any) -> dict[str, Any]:
    return {
        "id": review.uuid,
        "plan": review.plan.uuid,
        "reviewed_on": review.reviewed_on,
        "summary": review.summary,
        "changes": review.changes,
        "client_requested": review.client_requested,
        "county_present": review.county_present,
    }


# Appointments -------------------------------------------------------------------------------------


class AppointmentUpdateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Appointment.Kind.choices, required=False)
    starts_at = serializers.DateTimeField(required=False)
    channel = serializers.ChoiceField(choices=Appointment.Channel.choices, required=False)
    interpreter_language = StrictCharField(
        max_length=3,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="ISO 639 code, or null for none; default the participant's",
    )
    summary = _text()


class AppointmentInputSerializer(AppointmentUpdateSerializer):
    participant = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Appointment.Kind.choices)
    starts_at = serializers.DateTimeField()
    channel = serializers.ChoiceField(choices=Appointment.Channel.choices)


class AppointmentSerializer(AppointmentInputSerializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Appointment.Status.choices)
    version = serializers.IntegerField()


def appointment_data(appointment: Appointment) -> dict[str, Any]:
    return {
        "id": appointment.uuid,
        "participant": appointment.participant.uuid,
        "kind": appointment.kind,
        "starts_at": appointment.starts_at,
        "channel": appointment.channel,
        "interpreter_language": appointment.interpreter_language,
        "status": appointment.status,
        "summary": appointment.summary,
        "version": appointment.version,
    }


class AppointmentTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(
        choices=[("held", "held"), ("missed", "missed"), ("cancelled", "cancelled")]
    )
    reason = StrictCharField(max_length=1000, required=False, allow_blank=True)
