"""``GET vacancies/{id}/candidates/``: ranked, explained suggestions for counsellors."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.base import PolkuViewMixin
from api.casework.serializers import CriterionSerializer, GapSerializer
from casework import matching, selectors
from casework.access import participant_scope
from core.access import Capability, Role
from core.read_log import ReadLog
from core.validation import today


class CandidateSuggestionSerializer(serializers.Serializer):
    participant = serializers.UUIDField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    score = serializers.IntegerField(min_value=0, max_value=100)
    eligible = serializers.BooleanField()
    criteria = CriterionSerializer(many=True)
    gaps = GapSerializer(many=True)


def suggestion_data(suggestion: matching.Suggestion) -> dict[str, Any]:
    return {
        "participant": suggestion.participant_uuid,
        "first_name": suggestion.first_name,
        "last_name": suggestion.last_name,
        "score": suggestion.score,
        "eligible": suggestion.eligible,
        "criteria": suggestion.criteria,
        "gaps": suggestion.gaps,
    }


#: Beyond this page number the paginator counts first and answers 404 itself.
MAX_PAGE = 1_000_000


class VacancyCandidatesView(PolkuViewMixin, GenericAPIView):
    """Eligible candidates first, then near-eligible ones with their gaps (docs/domain.md#matching).
    Only participants the caller may read are suggested; suggestions are never stored."""

    required_capabilities = {"GET": Capability.CANDIDATES_READ}
    read_log = {"GET": ReadLog("vacancies:candidates", role=Role.COUNSELLOR)}
    http_method_names = ["get", "head", "options"]
    serializer_class = CandidateSuggestionSerializer

    @extend_schema(responses=CandidateSuggestionSerializer(many=True))
    def get(self, request: Any, id: Any) -> Response:
        vacancy = selectors.get_scoped(selectors.vacancy_list(user=request.user), id)
        ranking = matching.rank_candidates(
            vacancy, scope=participant_scope(request.user), today=today()
        )
        size = self.paginator.get_page_size(request)
        number = request.query_params.get(self.paginator.page_query_param, "1")
        if size and number.isascii() and number.isdecimal() and 0 < int(number) <= MAX_PAGE:
            ranking.expect((int(number) - 1) * size, size)  # the page and the total in one query
        page = self.paginate_queryset(ranking)
        self.shown(page)
        return self.get_paginated_response([suggestion_data(s) for s in page])
