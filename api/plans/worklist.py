"""``GET worklist/``: the statutory deadlines of the caller's caseload (docs/domain.md#plans-appointments-and-the-worklist)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.base import PolkuViewMixin
from core.access import Capability, Role
from core.read_log import ReadLog
from plans.worklist import selectors
from plans.worklist.rules import Rule, State


class WorklistObjectSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=[
            "participant",
            "service_needs_assessment",
            "plan",
            "appointment",
            "licence_card",
            "consent",
            "outcome",
        ],
        help_text="The kind of record the item is about",
    )
    id = serializers.UUIDField()


class WorklistItemSerializer(serializers.Serializer):
    participant = serializers.UUIDField()
    participant_name = serializers.CharField()
    rule = serializers.ChoiceField(choices=[rule.value for rule in Rule])
    due_on = serializers.DateField()
    state = serializers.ChoiceField(
        choices=[state.value for state in State],
        help_text="overdue: due before today; due_soon: today or within 14 days; upcoming",
    )
    detail = serializers.CharField(help_text="What is due, in the request's language")
    object = WorklistObjectSerializer()


def item_data(item: selectors.WorklistItem) -> dict[str, Any]:
    return {
        "participant": item.participant,
        "participant_name": item.participant_name,
        "rule": item.rule.value,
        "due_on": item.due_on,
        "state": item.state.value,
        "detail": item.detail,
        "object": item.object,
    }


#: Beyond this page number the paginator counts first and answers 404 itself.
MAX_PAGE = 1_000_000

_PARAMETERS = [
    OpenApiParameter(
        "counsellor",
        OpenApiTypes.STR,
        description="me (the default): participants assigned to you; a counsellor's username; "
        "any: every participant of your municipalities",
    ),
    OpenApiParameter("municipality", OpenApiTypes.STR, description="One of your municipalities"),
    OpenApiParameter("rule", OpenApiTypes.STR, enum=[rule.value for rule in Rule]),
    OpenApiParameter("state", OpenApiTypes.STR, enum=[state.value for state in State]),
    OpenApiParameter(
        "due_before",
        OpenApiTypes.DATE,
        description="Items due on or before this day (default: today + 30 days)",
    ),
]


class WorklistView(PolkuViewMixin, GenericAPIView):
    """The deadlines of the caller's caseload, computed by the database."""

    required_capabilities = {"GET": Capability.PARTICIPANT_READ}
    read_log = {"GET": ReadLog("worklist:list", role=Role.COUNSELLOR)}
    http_method_names = ["get", "head", "options"]
    serializer_class = WorklistItemSerializer

    @extend_schema(
        summary="The worklist of statutory deadlines",
        description=(
            "Counsellors only (managers, the coordinator and employers answer 403). The "
            "deadlines of the caller's caseload under the thirteen rules of docs/domain.md#plans-appointments-and-the-worklist "
            "(assessment, initial interview, plan, referral, review, plan ending, job-search "
            "discussion, expiring cards and consents, ESF+ follow-ups, no contact, missed "
            "appointments, retention), ordered by due date, then participant. Every read is "
            "written to the participants' access log."
        ),
        parameters=_PARAMETERS,
        responses=WorklistItemSerializer(many=True),
    )
    def get(self, request: Any) -> Response:
        filters = selectors.parse_filters(request.query_params)
        items = selectors.worklist(user=request.user, filters=filters)
        paginator: Any = self.paginator  # PolkuPagination: pages any sliceable, countable
        size = paginator.get_page_size(request)
        number = request.query_params.get(paginator.page_query_param, "1")
        if size and number.isascii() and number.isdecimal() and 0 < int(number) <= MAX_PAGE:
            items.expect((int(number) - 1) * size, size)  # the page and the total in one query
        page: list[selectors.WorklistItem] = paginator.paginate_queryset(items, request, self)
        self.shown(page)
        return self.get_paginated_response([item_data(item) for item in page])
