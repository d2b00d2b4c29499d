"""Filters of the plans resources: exact fields by name, ``<date>_after`` / ``<date>_before``,
``ordering`` (tie-broken by id)."""

from __future__ import annotations

import django_filters

from api.filters import StableOrderingFilter, date_range
from plans.models import Appointment, Plan, ServiceNeedsAssessment


class _ParticipantRecordFilter(django_filters.FilterSet):
    participant = django_filters.UUIDFilter(field_name="participant__uuid")
    municipality = django_filters.CharFilter(field_name="municipality__code", max_length=3)


class ServiceNeedsAssessmentFilter(_ParticipantRecordFilter):
    completed = django_filters.BooleanFilter(
        field_name="completed_on", lookup_expr="isnull", exclude=True
    )
    plan_needed = django_filters.BooleanFilter()
    locals().update(date_range("started_on"))
    ordering = StableOrderingFilter(fields=("started_on", "completed_on", "created_at"))

    class Meta:
        model = ServiceNeedsAssessment
        fields: list[str] = []


class PlanFilter(_ParticipantRecordFilter):
    kind = django_filters.ChoiceFilter(choices=Plan.Kind.choices)
    status = django_filters.MultipleChoiceFilter(choices=Plan.Status.choices)
    locals().update(date_range("starts_on"))
    locals().update(date_range("ends_on"))
    ordering = StableOrderingFilter(fields=("starts_on", "ends_on", "agreed_on", "created_at"))

    class Meta:
        model = Plan
        fields: list[str] = []


class AppointmentFilter(_ParticipantRecordFilter):
    kind = django_filters.ChoiceFilter(choices=Appointment.Kind.choices)
    status = django_filters.MultipleChoiceFilter(choices=Appointment.Status.choices)
    starts_at_after = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte")
    starts_at_before = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte")
    ordering = StableOrderingFilter(fields=("starts_at", "created_at"))

    class Meta:
        model = Appointment
        fields: list[str] = []
