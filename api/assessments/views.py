"""Language and skill assessments, licence types, trainings, enrolments and licence cards."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from api import filters
from api.assessments import serializers as s
from api.base import PolkuViewSet
from api.fields import municipality_for_create, named_in_body, named_object, validated
from api.resources import ResourceViewSet
from assessments import selectors, services
from assessments.models import (
    Enrolment,
    LanguageAssessment,
    LicenceCard,
    LicenceType,
    SkillAssessment,
    Training,
)
from casework import selectors as casework_selectors
from casework.access import counsellor_municipality_ids, participant_scope
from core.access import Capability
from core.errors import PermissionDenied
from core.read_log import NO_PERSONAL_DATA, WRITE_ANSWER, reads_of
from core.validation import today

R = Capability.PARTICIPANT_READ
W = Capability.PARTICIPANT_WRITE


def _licence_type(code: Any) -> LicenceType:
    return named_object(LicenceType.objects.all(), "licence_type", code=code)


@extend_schema_view(
    list=extend_schema(responses=s.LanguageAssessmentSerializer(many=True)),
    retrieve=extend_schema(responses=s.LanguageAssessmentSerializer),
    create=extend_schema(
        request=s.LanguageAssessmentInputSerializer, responses={201: s.LanguageAssessmentSerializer}
    ),
    partial_update=extend_schema(
        request=s.LanguageAssessmentUpdateSerializer, responses=s.LanguageAssessmentSerializer
    ),
)
class LanguageAssessmentViewSet(ResourceViewSet):
    required_capabilities = {"GET": R, "POST": W, "PATCH": W}
    filterset_class = filters.LanguageAssessmentFilter
    queryset = LanguageAssessment.objects.none()
    input_serializer = s.LanguageAssessmentInputSerializer
    update_serializer = s.LanguageAssessmentUpdateSerializer
    default_ordering = ("-assessed_on", "-id")
    read_log = reads_of("language_assessments")

    def scoped_queryset(self) -> Any:
        return selectors.language_assessment_list(
            scope=participant_scope(self.request.user, "participant_id")
        )

    def data(self, obj: Any) -> dict[str, Any]:
        return s.language_assessment_data(obj)

    def create_object(self, request: Any, data: dict[str, Any]) -> Any:
        participant = casework_selectors.participant_for_write(
            user=request.user, participant_id=data.pop("participant")
        )
        return services.language_assessment_create(
            actor=request.user, participant=participant, **data
        )

    def update_object(
        self, request: Any, obj: Any, data: dict[str, Any], version: int | None
    ) -> Any:
        return services.language_assessment_update(
            actor=request.user, assessment=obj, data=data, expected_version=version
        )


@extend_schema_view(
    list=extend_schema(responses=s.SkillAssessmentSerializer(many=True)),
    retrieve=extend_schema(responses=s.SkillAssessmentSerializer),
    create=extend_schema(
        request=s.SkillAssessmentInputSerializer, responses={201: s.SkillAssessmentSerializer}
    ),
    partial_update=extend_schema(
        request=s.SkillAssessmentUpdateSerializer, responses=s.SkillAssessmentSerializer
    ),
)
class SkillAssessmentViewSet(ResourceViewSet):
    required_capabilities = {"GET": R, "POST": W, "PATCH": W}
    filterset_class = filters.SkillAssessmentFilter
    queryset = SkillAssessment.objects.none()
    input_serializer = s.SkillAssessmentInputSerializer
    update_serializer = s.SkillAssessmentUpdateSerializer
    default_ordering = ("-assessed_on", "-id")
    read_log = reads_of("skill_assessments")

    def scoped_queryset(self) -> Any:
        return selectors.skill_assessment_list(
            scope=participant_scope(self.request.user, "participant_id")
        )

    def data(self, obj: Any) -> dict[str, Any]:
        return s.skill_assessment_data(obj)

    def create_object(self, request: Any, data: dict[str, Any]) -> Any:
        participant = casework_selectors.participant_for_write(
            user=request.user, participant_id=data.pop("participant")
        )
        return services.skill_assessment_create(
            actor=request.user,
            participant=participant,
            occupation_code=data.pop("occupation_code", None),
            **data,
        )

    def update_object(
        self, request: Any, obj: Any, data: dict[str, Any], version: int | None
    ) -> Any:
        return services.skill_assessment_update(
            actor=request.user, assessment=obj, data=data, expected_version=version
        )


@extend_schema_view(
    list=extend_schema(responses=s.LicenceTypeSerializer(many=True)),
    retrieve=extend_schema(responses=s.LicenceTypeSerializer),
)
class LicenceTypeViewSet(PolkuViewSet):
    """The licence-card catalogue (every authenticated user)."""

    required_capabilities = {"GET": Capability.LICENCE_TYPE_READ}
    read_log = {"GET": NO_PERSONAL_DATA}
    http_method_names = ["get", "head", "options"]
    lookup_url_kwarg = "code"
    lookup_value_regex = "[a-z0-9_-]+"
    queryset = LicenceType.objects.none()

    def list(self, request: Any) -> Response:
        page = self.paginate_queryset(selectors.licence_type_list())
        return self.get_paginated_response([s.licence_type_data(lt) for lt in page])

    def retrieve(self, request: Any, code: str) -> Response:
        licence_type = selectors.licence_type_get(code=code)
        return self.ok(s.licence_type_data(licence_type), licence_type)


@extend_schema_view(
    list=extend_schema(responses=s.TrainingSerializer(many=True)),
    retrieve=extend_schema(responses=s.TrainingSerializer),
    create=extend_schema(request=s.TrainingInputSerializer, responses={201: s.TrainingSerializer}),
    partial_update=extend_schema(
        request=s.TrainingUpdateSerializer, responses=s.TrainingSerializer
    ),
)
class TrainingViewSet(ResourceViewSet):
    """Counsellors read the trainings of their employment areas and write their own
    municipality's."""

    required_capabilities = {
        "GET": Capability.TRAINING_READ,
        "POST": Capability.TRAINING_WRITE,
        "PATCH": Capability.TRAINING_WRITE,
    }
    read_log = {"GET": NO_PERSONAL_DATA}
    filterset_class = filters.TrainingFilter
    queryset = Training.objects.none()
    input_serializer = s.TrainingInputSerializer
    update_serializer = s.TrainingUpdateSerializer
    default_ordering = ("starts_on", "id")

    def scoped_queryset(self) -> Any:
        from municipalities.selectors import municipality_ids_in_areas_of

        own = counsellor_municipality_ids(self.request.user)
        return selectors.training_list(municipality_ids=municipality_ids_in_areas_of(own))

    def data(self, obj: Any) -> dict[str, Any]:
        return s.training_data(obj)

    def create_object(self, request: Any, data: dict[str, Any]) -> Any:
        municipality = municipality_for_create(
            data.pop("municipality"), counsellor_municipality_ids(request.user)
        )
        licence_type = _licence_type(data.pop("licence_type"))
        return services.training_create(
            actor=request.user, municipality=municipality, licence_type=licence_type, **data
        )

    def check_writable(self, request: Any, obj: Any) -> None:
        if obj.municipality_id not in counsellor_municipality_ids(request.user):
            raise PermissionDenied(_("You may read this training but not change it."))

    def update_object(
        self, request: Any, obj: Any, data: dict[str, Any], version: int | None
    ) -> Any:
        return services.training_update(
            actor=request.user, training=obj, data=data, expected_version=version
        )


@extend_schema_view(
    list=extend_schema(responses=s.EnrolmentSerializer(many=True)),
    retrieve=extend_schema(responses=s.EnrolmentSerializer),
    create=extend_schema(
        request=s.EnrolmentInputSerializer, responses={201: s.EnrolmentSerializer}
    ),
)
class EnrolmentViewSet(ResourceViewSet):
    """Enrolments change only through ``transition/`` (PATCH answers 405)."""

    required_capabilities = {"GET": R, "POST": W}
    action_capabilities = {"transition": W}
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = filters.EnrolmentFilter
    queryset = Enrolment.objects.none()
    input_serializer = s.EnrolmentInputSerializer
    default_ordering = ("-id",)
    read_log = {**reads_of("enrolments"), "transition": WRITE_ANSWER}

    def scoped_queryset(self) -> Any:
        return selectors.enrolment_list(
            scope=participant_scope(self.request.user, "participant_id")
        )

    def data(self, obj: Any) -> dict[str, Any]:
        return s.enrolment_data(obj)

    def create_object(self, request: Any, data: dict[str, Any]) -> Any:
        participant = casework_selectors.participant_for_write(
            user=request.user, participant_id=data["participant"]
        )
        from municipalities.selectors import municipality_ids_in_areas_of

        trainings = selectors.training_list(
            municipality_ids=municipality_ids_in_areas_of(counsellor_municipality_ids(request.user))
        )
        training = named_in_body(trainings, data["training"], "training")
        return services.enrolment_create(
            actor=request.user, training=training, participant=participant
        )

    @extend_schema(request=s.EnrolmentTransitionSerializer, responses=s.EnrolmentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request: Any, id: str) -> Response:
        enrolment = self.get_scoped_object(id)
        version = self.expected_version(request, enrolment, required=False)
        data = validated(s.EnrolmentTransitionSerializer, self.request_body(request))
        services.enrolment_transition(
            actor=request.user,
            enrolment=enrolment,
            to=data["to"],
            reason=data.get("reason", ""),
            issued_on=data.get("issued_on"),
            card_number=data.get("card_number", ""),
            expected_version=version,
        )
        enrolment = self.get_scoped_object(id)
        return self.ok(self.data(enrolment), enrolment)


@extend_schema_view(
    list=extend_schema(responses=s.LicenceCardSerializer(many=True)),
    retrieve=extend_schema(responses=s.LicenceCardSerializer),
    create=extend_schema(
        request=s.LicenceCardInputSerializer, responses={201: s.LicenceCardSerializer}
    ),
    partial_update=extend_schema(
        request=s.LicenceCardUpdateSerializer, responses=s.LicenceCardSerializer
    ),
)
class LicenceCardViewSet(ResourceViewSet):
    required_capabilities = {"GET": R, "POST": W, "PATCH": W}
    filterset_class = filters.LicenceCardFilter
    queryset = LicenceCard.objects.none()
    input_serializer = s.LicenceCardInputSerializer
    update_serializer = s.LicenceCardUpdateSerializer
    default_ordering = ("-issued_on", "-id")
    read_log = reads_of("licence_cards")

    def scoped_queryset(self) -> Any:
        return selectors.licence_card_list(
            scope=participant_scope(self.request.user, "participant_id")
        )

    def data(self, obj: Any) -> dict[str, Any]:
        return s.licence_card_data(obj, today())

    def create_object(self, request: Any, data: dict[str, Any]) -> Any:
        participant = casework_selectors.participant_for_write(
            user=request.user, participant_id=data.pop("participant")
        )
        licence_type = _licence_type(data.pop("licence_type"))
        return services.licence_card_create(
            actor=request.user, participant=participant, licence_type=licence_type, **data
        )

    def update_object(
        self, request: Any, obj: Any, data: dict[str, Any], version: int | None
    ) -> Any:
        return services.licence_card_update(
            actor=request.user, card=obj, data=data, expected_version=version
        )
