"""Matches: counsellors propose, share, record declines and withdraw; employers read the
matches shared with them (the candidate pseudonymised, docs/access.md) and answer them."""

from __future__ import annotations

from typing import Any

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api import filters
from api.base import PolkuViewSet
from api.casework import serializers as s
from api.fields import named_in_body, validated
from casework import selectors, services
from casework.access import employer_id_of, roles_of
from casework.models import Match
from core.access import Capability, Role
from core.errors import PermissionDenied
from core.read_log import ReadLog
from core.validation import today

CandidateSerializer = inline_serializer(
    "Candidate",
    fields={
        "reference": serializers.UUIDField(),
        "age_band": serializers.CharField(),
        "municipality": serializers.CharField(),
        "language_levels": serializers.DictField(),
        "licence_cards": serializers.ListField(child=serializers.CharField()),
        "skills": serializers.ListField(child=serializers.DictField()),
        "available_from": serializers.DateField(allow_null=True),
        "first_name": serializers.CharField(required=False),
        "phone": serializers.CharField(required=False),
        "email": serializers.CharField(required=False),
    },
    allow_null=True,
)

EmployerMatchSerializer = inline_serializer(
    "EmployerMatch",
    fields={
        "id": serializers.UUIDField(),
        "vacancy": serializers.UUIDField(),
        "status": serializers.ChoiceField(choices=Match.Status.choices),
        "score": serializers.IntegerField(min_value=0, max_value=100),
        "reason": serializers.CharField(
            help_text="Only the reason the employer's own users gave last (never a counsellor's)."
        ),
        "reason_code": serializers.CharField(),
        "candidate": CandidateSerializer,
        "version": serializers.IntegerField(),
    },
)


def employer_match_data(match: Match, candidate: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "id": match.uuid,
        "vacancy": match.vacancy.uuid,
        "status": match.status,
        "score": match.score,
        # only the employer's own free text: a counsellor's reasons never reach it (ADR 13)
        "reason": match.employer_reason,
        "reason_code": match.reason_code,
        "candidate": candidate,
        "version": match.version,
    }


def _match_for_caller(many: bool = False) -> PolymorphicProxySerializer:
    """One of two shapes by the caller's role: a counsellor's match carries ``participant`` and
    ``explanation``; an employer's carries ``candidate`` instead (no discriminator field: the
    shape follows from who asks, and each shape's required keys tell them apart)."""
    return PolymorphicProxySerializer(
        component_name="MatchForCaller",
        serializers=[s.MatchSerializer, EmployerMatchSerializer],
        resource_type_field_name=None,
        many=many,
    )


@extend_schema_view(
    list=extend_schema(responses=_match_for_caller(many=True)),
    retrieve=extend_schema(responses=_match_for_caller()),
    create=extend_schema(request=s.MatchInputSerializer, responses={201: s.MatchSerializer}),
)
class MatchViewSet(PolkuViewSet):
    required_capabilities = {"GET": Capability.MATCH_READ, "POST": Capability.MATCH_PROPOSE}
    action_capabilities = {"transition": Capability.MATCH_TRANSITION}
    #: Counsellors read the participant; an employer the pseudonymised candidate, which still
    #: names a person while consent lasts (logged as the employer's read).
    read_log = {
        "list": ReadLog("matches:list"),
        "retrieve": ReadLog("matches:detail"),
        "transition": ReadLog("matches:transition"),
    }
    http_method_names = ["get", "post", "head", "options"]
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.MatchFilter
    queryset = Match.objects.none()

    def get_queryset(self) -> Any:
        return selectors.match_list(user=self.request.user)

    def _is_employer_view(self) -> bool:
        return employer_id_of(self.request.user) is not None

    def _render(self, matches: list[Match]) -> list[dict[str, Any]]:
        if not self._is_employer_view():
            self.shown(matches)
            return [s.match_data(m) for m in matches]
        profiles = selectors.employer_candidate_profiles(matches, today())
        shown = [m for m in matches if profiles.get(m.pk)]
        if shown:
            self.shown(shown, role=Role.EMPLOYER)
        else:
            self.shown_no_personal_data()
        return [employer_match_data(m, profiles.get(m.pk)) for m in matches]

    def list(self, request: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        if not request.query_params.get("ordering"):
            queryset = queryset.order_by("-id")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self._render(list(page)))

    def retrieve(self, request: Any, id: str) -> Response:
        match = selectors.get_scoped(self.get_queryset(), id)
        return self.ok(self._render([match])[0], match)

    def create(self, request: Any) -> Response:
        data = validated(s.MatchInputSerializer, self.request_body(request))
        participant = selectors.participant_for_write(
            user=request.user, participant_id=data["participant"]
        )
        vacancy = named_in_body(
            selectors.vacancy_list(user=request.user), data["vacancy"], "vacancy"
        )
        match = services.match_create(
            actor=request.user,
            vacancy=vacancy,
            participant=participant,
            reason=data.get("reason", ""),
        )
        match = selectors.get_scoped(self.get_queryset(), match.uuid)
        return self.created(s.match_data(match), match)

    @extend_schema(request=s.MatchTransitionSerializer, responses=_match_for_caller())
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request: Any, id: str) -> Response:
        match = selectors.get_scoped(self.get_queryset(), id)
        version = self.expected_version(request, match, required=False)
        data = validated(s.MatchTransitionSerializer, self.request_body(request))
        as_employer = self._is_employer_view()
        if not as_employer and Role.COUNSELLOR not in roles_of(request.user):
            raise PermissionDenied()
        services.match_transition(
            actor=request.user,
            match=match,
            to=data["to"],
            as_employer=as_employer,
            reason=data.get("reason", ""),
            reason_code=data.get("reason_code", ""),
            starts_on=data.get("starts_on"),
            contract_type=data.get("contract_type", ""),
            hours_per_week=data.get("hours_per_week"),
            expected_version=version,
        )
        match = selectors.get_scoped(self.get_queryset(), id)
        return self.ok(self._render([match])[0], match)
