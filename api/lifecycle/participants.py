"""The data-lifecycle actions of ``participants/`` (DESIGN.md §12), mixed into the
ParticipantViewSet: possible duplicates, the data subject's export and the legal hold. Thin: parse,
call one selector or service, shape the answer."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from api.lifecycle import duplicates as duplicate_views
from api.lifecycle import serializers as s
from casework import duplicates
from core.access import Capability

R = Capability.PARTICIPANT_READ
W = Capability.PARTICIPANT_WRITE

#: Merged into ParticipantViewSet.action_capabilities.
LIFECYCLE_ACTION_CAPABILITIES: dict[str, Any] = {"duplicates": R}


class ParticipantLifecycleActions:
    """Actions on the participant collection and on one participant."""

    @extend_schema(
        summary="List possible duplicates",
        description="Counsellors: the pairs of participants in your municipalities whose first "
        "and last names (case, accents, hyphens and spaces ignored) and dates of birth agree. "
        "Paginated; every participant shown is recorded in the read-access log. Other roles 403.",
        responses=s.DuplicatePairSerializer(many=True),
        filters=False,
    )
    @action(detail=False, methods=["get"], filter_backends=[])
    def duplicates(self, request: Any) -> Response:
        pairs = self.paginate_queryset(duplicates.duplicate_pairs(user=request.user))  # type: ignore[attr-defined]
        subjects = [(p.pk, p.municipality_id) for pair in pairs for p in pair]
        self.log_read(request, "participants:duplicates", subjects)  # type: ignore[attr-defined]
        return self.get_paginated_response([duplicate_views.pair_data(pair) for pair in pairs])  # type: ignore[attr-defined]
