"""Participants and everything attached to them, employers, vacancies, matches and outcomes.
Thin views: parse, call one selector or service, shape the answer."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from api import filters
from api.base import PolkuViewSet
from api.casework import serializers as s
from api.fields import municipality_for_create, named_in_body, named_object, validated
from api.lifecycle import serializers as lifecycle_serializers
from api.lifecycle.duplicates import duplicate_warnings
from api.lifecycle.participants import (
    EXPORT_FORMAT_PARAMETER,
    LIFECYCLE_ACTION_CAPABILITIES,
    LIFECYCLE_READ_LOG,
    ParticipantLifecycleActions,
    export_responses,
)
from api.resources import ResourceViewSet
from casework import history as history_selectors
from casework import selectors, services
from casework.access import counsellor_municipality_ids, employer_of
from casework.models import CaseNote, Employer, Outcome, Participant, Vacancy
from core import read_log as logged
from core.access import Capability
from core.errors import PermissionDenied, ValidationFailed
from core.read_log import NO_PERSONAL_DATA, WRITE_ANSWER, ReadLog, reads_of
from core.validation import today
from municipalities.selectors import municipality_ids_in_areas_of

R = Capability.PARTICIPANT_READ
W = Capability.PARTICIPANT_WRITE


def _counsellor_user(username: Any) -> Any:
    if username in (None, ""):
        return None
    return named_object(
        get_user_model().objects.filter(is_active=True), "counsellor", username=username
    )


@extend_schema_view(
    list=extend_schema(
        responses=export_responses(s.ParticipantSerializer(many=True)),
        parameters=[EXPORT_FORMAT_PARAMETER],
    ),
    retrieve=extend_schema(responses=s.ParticipantSerializer),
    create=extend_schema(
        request=s.ParticipantInputSerializer,
        responses={201: lifecycle_serializers.ParticipantCreatedSerializer},
    ),
    partial_update=extend_schema(
        request=s.ParticipantUpdateSerializer, responses=s.ParticipantSerializer
    ),
)
class ParticipantViewSet(ParticipantLifecycleActions, PolkuViewSet):
    """Participants of the caller's municipalities (counsellors)."""

    required_capabilities = {"GET": R, "POST": W, "PATCH": W}
    action_capabilities = {
        "transition": W,
        "history": R,
        "access_log": Capability.ACCESS_LOG_READ,
        "consents": {"GET": R, "POST": W},
        **LIFECYCLE_ACTION_CAPABILITIES,
    }
    read_log = {
        "list": ReadLog("participants:list", subject=logged.participant_row),
        "retrieve": ReadLog("participants:detail", subject=logged.participant),
        "history": ReadLog("participants:history", subject=logged.participant),
        "access_log": ReadLog("participants:access_log", subject=logged.participant),
        "consents": {
            "GET": ReadLog("participants:consents", subject=logged.participant),
            "POST": WRITE_ANSWER,
        },
        "transition": WRITE_ANSWER,
        **LIFECYCLE_READ_LOG,
    }
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.ParticipantFilter
    queryset = Participant.objects.none()

    def get_queryset(self) -> Any:
        return selectors.participant_list(user=self.request.user)

    def list(self, request: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        if not request.query_params.get("ordering"):
            queryset = queryset.order_by("last_name", "first_name", "id")
        export = self.caseload_export(request, queryset)
        if export is not None:
            return export
        rows = self.paginator.paginate_queryset(
            queryset.values(*s.PARTICIPANT_VALUES),
            request,
            view=self,
            count_from=queryset.select_related(None).order_by(),  # no joins to count
        )
        self.shown(rows)
        return self.get_paginated_response([s.participant_row(row) for row in rows])

    def retrieve(self, request: Any, id: str) -> Response:
        participant = selectors.participant_get(user=request.user, participant_id=id)
        self.shown([participant])
        return self.ok(s.participant_data(participant), participant)

    def create(self, request: Any) -> Response:
        data = validated(s.ParticipantInputSerializer, self.request_body(request))
        municipality = municipality_for_create(
            data.pop("municipality"), counsellor_municipality_ids(request.user)
        )
        data["counsellor"] = _counsellor_user(data.get("counsellor"))
        participant = services.participant_create(
            actor=request.user, municipality=municipality, **data
        )
        participant = selectors.participant_get(user=request.user, participant_id=participant.uuid)
        body = s.participant_data(participant)
        body["warnings"] = duplicate_warnings(request.user, participant)
        return self.created(body, participant)

    def partial_update(self, request: Any, id: str) -> Response:
        # One read, under the row lock: the checks, the change and the answer share it.
        with transaction.atomic():
            participant = selectors.participant_get(
                user=request.user, participant_id=id, for_update=True
            )
            version = self.expected_version(request, participant, required=True)
            data = validated(
                s.ParticipantUpdateSerializer, self.request_body(request), partial=True
            )
            if "counsellor" in data:
                data["counsellor"] = _counsellor_user(data["counsellor"])
            participant = services.participant_update(
                actor=request.user,
                participant=participant,
                data=data,
                expected_version=version,
                locked=True,
            )
        return self.ok(s.participant_data(participant), participant)

    @extend_schema(request=s.ParticipantTransitionSerializer, responses=s.ParticipantSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Any, id: str) -> Response:
        participant = selectors.participant_get(user=request.user, participant_id=id)
        version = self.expected_version(request, participant, required=False)
        data = validated(s.ParticipantTransitionSerializer, self.request_body(request))
        services.participant_transition(
            actor=request.user,
            participant=participant,
            to=data["to"],
            on=data.get("on"),
            reason=data.get("reason", ""),
            exit_reason=data.get("exit_reason", ""),
            expected_version=version,
        )
        participant = selectors.participant_get(user=request.user, participant_id=id)
        return self.ok(s.participant_data(participant), participant)

    @extend_schema(responses=s.HistoryEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request: Any, id: str) -> Response:
        participant = selectors.participant_get(user=request.user, participant_id=id)
        entries = self.paginate_queryset(history_selectors.participant_history(participant))
        self.shown([participant])
        return self.get_paginated_response(entries)

    @extend_schema(responses=s.AccessLogEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], url_path="access-log", filter_backends=[])
    def access_log(self, request: Any, id: str) -> Response:
        participant = selectors.participant_for_access_log(user=request.user, participant_id=id)
        page = self.paginate_queryset(history_selectors.participant_access_log(participant))
        entries = [
            {
                "at": link.event.at,
                "user": link.event.user.username if link.event.user_id else None,
                "role": link.event.role,
                "action": link.event.action,
                "outcome": link.event.outcome,
            }
            for link in page
        ]
        self.shown([participant])
        return self.get_paginated_response(entries)

    @extend_schema(methods=["GET"], responses=s.ConsentSerializer(many=True), filters=False)
    @extend_schema(
        methods=["POST"], request=s.ConsentInputSerializer, responses={201: s.ConsentSerializer}
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def consents(self, request: Any, id: str) -> Response:
        participant = selectors.participant_get(user=request.user, participant_id=id)
        if request.method == "POST":
            data = validated(s.ConsentInputSerializer, self.request_body(request))
            consent = services.consent_create(actor=request.user, participant=participant, **data)
            return self.created(s.consent_data(consent, today()), consent)
        consents = self.paginate_queryset(
            selectors.consent_list(user=request.user)
            .filter(participant=participant)
            .order_by("-granted_on", "-id")
        )
        self.shown([participant])
        return self.get_paginated_response([s.consent_data(c, today()) for c in consents])

    def reread(self, request: Any, resource_id: str) -> Response | None:
        if self.action == "consents":  # a POST here answers with the new consent
            return _consent_reread(self, request, resource_id)
        was_create = self.action == "create"
        response = super().reread(request, resource_id)
        if was_create and response is not None:  # a create answers with its warnings
            participant = selectors.participant_get(user=request.user, participant_id=resource_id)
            response.data["warnings"] = duplicate_warnings(request.user, participant)
        return response


#: A consent read again for a replay is logged like the participant's consent list.
CONSENT_READ = ReadLog("participants:consents")


def _consent_reread(view: Any, request: Any, consent_id: str) -> Response:
    """A consent as the caller may read it now (for an idempotent replay), access-logged like
    the participant's consent list."""
    consent = selectors.consent_get(user=request.user, consent_id=consent_id)
    view.shown([consent], read=CONSENT_READ)
    return view.ok(s.consent_data(consent, today()), consent)


class ConsentViewSet(PolkuViewSet):
    """Consent actions (reading consents goes through the participant)."""

    action_capabilities = {"withdraw": W}
    read_log = {"withdraw": WRITE_ANSWER}
    queryset = Participant.objects.none()

    @extend_schema(request=s.ConsentWithdrawSerializer, responses=s.ConsentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Any, id: str) -> Response:
        consent = selectors.consent_get(user=request.user, consent_id=id)
        version = self.expected_version(request, consent, required=False)
        data = validated(s.ConsentWithdrawSerializer, self.request_body(request))
        consent = services.consent_withdraw(
            actor=request.user,
            consent=consent,
            on=data.get("on"),
            reason=data.get("reason") or "consent withdrawn",
            expected_version=version,
        )
        consent = selectors.consent_get(user=request.user, consent_id=id)
        return self.ok(s.consent_data(consent, today()), consent)

    def reread(self, request: Any, resource_id: str) -> Response | None:
        return _consent_reread(self, request, resource_id)


# Case notes ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses=s.CaseNoteSerializer(many=True)),
    retrieve=extend_schema(responses=s.CaseNoteSerializer),
    create=extend_schema(request=s.CaseNoteInputSerializer, responses={201: s.CaseNoteSerializer}),
    partial_update=extend_schema(
        request=s.CaseNoteUpdateSerializer, responses=s.CaseNoteSerializer
    ),
)
class CaseNoteViewSet(ResourceViewSet):
    required_capabilities = {"GET": R, "POST": W, "PATCH": W}
    filterset_class = filters.CaseNoteFilter
    queryset = CaseNote.objects.none()
    input_serializer = s.CaseNoteInputSerializer
    update_serializer = s.CaseNoteUpdateSerializer
    default_ordering = ("-occurred_at", "-id")
    read_log = reads_of("case_notes")

    def scoped_queryset(self) -> Any:
        return selectors.case_note_list(user=self.request.user)

    def data(self, obj: Any) -> dict[str, Any]:
        return s.case_note_data(obj)

    def create_object(self, request: Any, data: dict[str, Any]) -> Any:
        participant = selectors.participant_for_write(
            user=request.user, participant_id=data.pop("participant")
        )
        return services.case_note_create(actor=request.user, participant=participant, **data)

    def update_object(
        self, request: Any, obj: Any, data: dict[str, Any], version: int | None
    ) -> Any:
        return services.case_note_update(
            actor=request.user, note=obj, data=data, expected_version=version
        )


# Employers ----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses=s.EmployerSerializer(many=True)),
    retrieve=extend_schema(responses=s.EmployerSerializer),
    create=extend_schema(request=s.EmployerInputSerializer, responses={201: s.EmployerSerializer}),
    partial_update=extend_schema(
        request=s.EmployerUpdateSerializer, responses=s.EmployerSerializer
    ),
)
class EmployerViewSet(ResourceViewSet):
    """Counsellors read every employer and create and edit them; the coordinator reads them;
    an employer user reads its own."""

    required_capabilities = {
        "GET": Capability.EMPLOYER_READ,
        "POST": Capability.EMPLOYER_WRITE,
        "PATCH": Capability.EMPLOYER_WRITE,
    }
    read_log = {"GET": NO_PERSONAL_DATA}
    filterset_class = filters.EmployerFilter
    queryset = Employer.objects.none()
    input_serializer = s.EmployerInputSerializer
    update_serializer = s.EmployerUpdateSerializer
    default_ordering = ("name", "id")

    def scoped_queryset(self) -> Any:
        return selectors.employer_list(user=self.request.user)

    def data(self, obj: Any) -> dict[str, Any]:
        return s.employer_data(obj)

    def create_object(self, request: Any, data: dict[str, Any]) -> Any:
        municipality = municipality_for_create(
            data.pop("municipality"), counsellor_municipality_ids(request.user)
        )
        return services.employer_create(actor=request.user, municipality=municipality, **data)

    def update_object(
        self, request: Any, obj: Any, data: dict[str, Any], version: int | None
    ) -> Any:
        return services.employer_update(
            actor=request.user, employer=obj, data=data, expected_version=version
        )


# Vacancies ----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses=s.VacancySerializer(many=True)),
    retrieve=extend_schema(responses=s.VacancySerializer),
    create=extend_schema(request=s.VacancyInputSerializer, responses={201: s.VacancySerializer}),
    partial_update=extend_schema(request=s.VacancyUpdateSerializer, responses=s.VacancySerializer),
)
class VacancyViewSet(ResourceViewSet):
    """Counsellors read the vacancies of their employment areas and write their own
    municipality's; an employer reads and writes its own; the coordinator reads all."""

    required_capabilities = {
        "GET": Capability.VACANCY_READ,
        "POST": Capability.VACANCY_WRITE,
        "PATCH": Capability.VACANCY_WRITE,
    }
    action_capabilities = {"transition": Capability.VACANCY_WRITE}
    read_log = {"GET": NO_PERSONAL_DATA, "transition": NO_PERSONAL_DATA}
    filterset_class = filters.VacancyFilter
    queryset = Vacancy.objects.none()
    input_serializer = s.VacancyInputSerializer
    update_serializer = s.VacancyUpdateSerializer
    default_ordering = ("starts_on", "id")

    def scoped_queryset(self) -> Any:
        return selectors.vacancy_list(user=self.request.user)

    def data(self, obj: Any) -> dict[str, Any]:
        return s.vacancy_data(obj)

    def check_writable(self, request: Any, vacancy: Any) -> None:
        if not selectors.vacancy_writable(user=request.user, vacancy=vacancy):
            raise PermissionDenied(_("You may read this vacancy but not change it."))

    def create_object(self, request: Any, data: dict[str, Any]) -> Any:
        own = employer_of(request.user)
        if own is not None:
            # An employer advertises in its own municipality's employment area.
            employer = own
            allowed = municipality_ids_in_areas_of(frozenset({own.municipality_id}))
        else:
            if not data.get("employer"):
                raise ValidationFailed.single("employer", _("This field is required."))
            employer = named_in_body(
                selectors.employer_list(user=request.user), data["employer"], "employer"
            )
            allowed = counsellor_municipality_ids(request.user)
        data.pop("employer", None)
        municipality = municipality_for_create(data.pop("municipality"), allowed)
        return services.vacancy_create(
            actor=request.user, employer=employer, municipality=municipality, **data
        )

    def update_object(
        self, request: Any, obj: Any, data: dict[str, Any], version: int | None
    ) -> Any:
        return services.vacancy_update(
            actor=request.user, vacancy=obj, data=data, expected_version=version
        )

    @extend_schema(request=s.VacancyTransitionSerializer, responses=s.VacancySerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request: Any, id: str) -> Response:
        vacancy = self.get_scoped_object(id)
        self.check_writable(request, vacancy)
        version = self.expected_version(request, vacancy, required=False)
        data = validated(s.VacancyTransitionSerializer, self.request_body(request))
        services.vacancy_transition(
            actor=request.user,
            vacancy=vacancy,
            to=data["to"],
            reason=data.get("reason", ""),
            expected_version=version,
        )
        vacancy = self.get_scoped_object(id)
        return self.ok(self.data(vacancy), vacancy)


# Outcomes -----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses=s.OutcomeSerializer(many=True)),
    retrieve=extend_schema(responses=s.OutcomeSerializer),
    create=extend_schema(request=s.OutcomeInputSerializer, responses={201: s.OutcomeSerializer}),
    partial_update=extend_schema(request=s.OutcomeUpdateSerializer, responses=s.OutcomeSerializer),
)
class OutcomeViewSet(ResourceViewSet):
    required_capabilities = {"GET": R, "POST": W, "PATCH": W}
    filterset_class = filters.OutcomeFilter
    queryset = Outcome.objects.none()
    input_serializer = s.OutcomeInputSerializer
    update_serializer = s.OutcomeUpdateSerializer
    default_ordering = ("-starts_on", "-id")
    read_log = reads_of("outcomes")

    def scoped_queryset(self) -> Any:
        return selectors.outcome_list(user=self.request.user)

    def data(self, obj: Any) -> dict[str, Any]:
        return s.outcome_data(obj)

    def _employer(self, request: Any, data: dict[str, Any]) -> None:
        if "employer" in data:
            employer_id = data.pop("employer")
            data["employer"] = (
                named_in_body(selectors.employer_list(user=request.user), employer_id, "employer")
                if employer_id
                else None
            )

    def create_object(self, request: Any, data: dict[str, Any]) -> Any:
        participant = selectors.participant_for_write(
            user=request.user, participant_id=data.pop("participant")
        )
        self._employer(request, data)
        return services.outcome_create(actor=request.user, participant=participant, **data)

    def update_object(
        self, request: Any, obj: Any, data: dict[str, Any], version: int | None
    ) -> Any:
        self._employer(request, data)
        return services.outcome_update(
            actor=request.user, outcome=obj, data=data, expected_version=version
        )
