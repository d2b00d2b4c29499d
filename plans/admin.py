"""Admin of the plans app: looked at, never written here. Assessments, plans, reviews and
appointments change only through ``plans.services`` (the API), which check the rules of
docs/domain.md#plans-appointments-and-the-worklist; every page that shows them appends an access event."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyParticipantDataAdmin
from plans.models import Appointment, Plan, PlanReview, ServiceNeedsAssessment


@admin.register(ServiceNeedsAssessment)
class ServiceNeedsAssessmentAdmin(ReadOnlyParticipantDataAdmin):
    list_display = ("participant", "municipality", "started_on", "completed_on", "plan_needed")
    list_filter = ("plan_needed", "municipality")
    list_select_related = ("participant", "municipality")


@admin.register(Plan)
class PlanAdmin(ReadOnlyParticipantDataAdmin):
    list_display = ("participant", "municipality", "kind", "status", "starts_on", "ends_on")
    list_filter = ("kind", "status", "municipality")
    list_select_related = ("participant", "municipality")


@admin.register(PlanReview)
class PlanReviewAdmin(ReadOnlyParticipantDataAdmin):
    list_display = ("participant", "municipality", "plan", "reviewed_on", "client_requested")
    list_filter = ("municipality",)
    list_select_related = ("participant", "municipality", "plan")


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyParticipantDataAdmin):
    list_display = ("participant", "municipality", "kind", "starts_at", "channel", "status")
    list_filter = ("kind", "status", "municipality")
    list_select_related = ("participant", "municipality")
