"""Service-needs assessments and appointments (docs/domain.md#plans-appointments-and-the-worklist). Thin views: parse, call one
selector or service, shape the answer; every read of them is access-logged."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from api.fields import validated
from api.plans import filters
from api.plans import serializers as s
from api.plans.docs import operation
from api.resources import ResourceViewSet
from casework.selectors import participant_for_write
from core.access import Capability
from core.read_log import WRITE_ANSWER, reads_of
from plans import selectors, services
from plans.models import Appointment, ServiceNeedsAssessment

R = Capability.PARTICIPANT_READ
W = Capability.PARTICIPANT_WRITE


@extend_schema_view(
    list=operation(
        "List service-needs assessments",
        "Assessments of skills and integration service needs (681/2023 §14).",
        responses=s.ServiceNeedsAssessmentSerializer(many=True),
    ),
    retrieve=operation(
        "Read a service-needs assessment", responses=s.ServiceNeedsAssessmentSerializer
    ),
    create=operation(
        "Start a service-needs assessment",
        "Creates it started (default today); with `completed_on` it is recorded completed, "
        "which needs every interview item answered, `plan_needed` and `informed_on`.",
        request=s.ServiceNeedsAssessmentInputSerializer,
        responses={201: s.ServiceNeedsAssessmentSerializer},
    ),
    partial_update=operation(
        "Change or complete a service-needs assessment",
        "Setting `completed_on` completes it: 400 names each unanswered item, an undecided "
        "`plan_needed` and a missing `informed_on`. Send If-Match.",
        request=s.ServiceNeedsAssessmentUpdateSerializer,
        responses=s.ServiceNeedsAssessmentSerializer,
    ),
)
class ServiceNeedsAssessmentViewSet(ResourceViewSet):
    required_capabilities = {"GET": R, "POST": W, "PATCH": W}
    filterset_class = filters.ServiceNeedsAssessmentFilter
    queryset = ServiceNeedsAssessment.objects.none()
    input_serializer = s.ServiceNeedsAssessmentInputSerializer
    update_serializer = s.ServiceNeedsAssessmentUpdateSerializer
    default_ordering = ("-started_on", "-id")
    read_log = reads_of("service_needs_assessments")

    def scoped_queryset(self) -> Any:
        return selectors.service_needs_assessment_list(user=self.request.user)

    def data(self, obj: Any) -> dict[str, Any]:
        return s.service_needs_assessment_data(obj)

    def create_object(self, request: Any, data: dict[str, Any]) -> Any:
        participant = participant_for_write(
            user=request.user, participant_id=data.pop("participant")
        )
        return services.service_needs_assessment_create(
            actor=request.user, participant=participant, data=data
        )

    def update_object(
        self, request: Any, obj: Any, data: dict[str, Any], version: int | None
    ) -> Any:
        return services.service_needs_assessment_update(
            actor=request.user, assessment=obj, data=data, expected_version=version
        )


@extend_schema_view(
    list=operation(
        "List appointments",
        "Booked meetings: initial interviews, job-search discussions, reviews and others.",
        responses=s.AppointmentSerializer(many=True),
    ),
    retrieve=operation("Read an appointment", responses=s.AppointmentSerializer),
    create=operation(
        "Book an appointment",
        "Created `planned`; the interpreter language defaults to the participant's.",
        request=s.AppointmentInputSerializer,
        responses={201: s.AppointmentSerializer},
    ),
    partial_update=operation(
        "Change an appointment",
        "A planned appointment changes freely; a held, missed or cancelled one only its "
        "`summary` (409 `appointment_not_editable`). Send If-Match.",
        request=s.AppointmentUpdateSerializer,
        responses=s.AppointmentSerializer,
    ),
)
class AppointmentViewSet(ResourceViewSet):
    required_capabilities = {"GET": R, "POST": W, "PATCH": W}
    action_capabilities = {"transition": W}
    filterset_class = filters.AppointmentFilter
    queryset = Appointment.objects.none()
    input_serializer = s.AppointmentInputSerializer
    update_serializer = s.AppointmentUpdateSerializer
    default_ordering = ("-starts_at", "-id")
    read_log = {**reads_of("appointments"), "transition": WRITE_ANSWER}

    def scoped_queryset(self) -> Any:
        return selectors.appointment_list(user=self.request.user)

    def data(self, obj: Any) -> dict[str, Any]:
        return s.appointment_data(obj)

    def create_object(self, request: Any, data: dict[str, Any]) -> Any:
        participant = participant_for_write(
            user=request.user, participant_id=data.pop("participant")
        )
        return services.appointment_create(actor=request.user, participant=participant, data=data)

    def update_object(
        self, request: Any, obj: Any, data: dict[str, Any], version: int | None
    ) -> Any:
        return services.appointment_update(
            actor=request.user, appointment=obj, data=data, expected_version=version
        )

    @operation(
        "Close an appointment",
        "`planned → held | missed | cancelled`; held and missed only once its time has come "
        "(409 `invalid_transition`). The reason goes to the history. If-Match is optional.",
        request=s.AppointmentTransitionSerializer,
        responses=s.AppointmentSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request: Any, id: str) -> Response:
        appointment = self.get_scoped_object(id)
        version = self.expected_version(request, appointment, required=False)
        data = validated(s.AppointmentTransitionSerializer, self.request_body(request))
        services.appointment_transition(
            actor=request.user,
            appointment=appointment,
            to=data["to"],
            reason=data.get("reason", ""),
            expected_version=version,
        )
        appointment = self.get_scoped_object(id)
        return self.ok(self.data(appointment), appointment)
