"""The data-lifecycle actions of ``participants/`` (docs/domain.md#data-lifecycle), mixed into the
ParticipantViewSet: possible duplicates, the data subject's export and the legal hold. Thin: parse,
call one selector or service, shape the answer."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from api.lifecycle import caseload
from api.lifecycle import duplicates as duplicate_views
from api.lifecycle import serializers as s
from api.lifecycle.legal_hold import LegalHoldActions
from api.reporting.views import QueryFormatNegotiation
from casework import duplicates, selectors, subject_access
from core import read_log as logged
from core.access import Capability
from core.errors import ValidationFailed
from core.read_log import WRITE_ANSWER, Declarations, ReadLog

R = Capability.PARTICIPANT_READ
W = Capability.PARTICIPANT_WRITE

#: Merged into ParticipantViewSet.action_capabilities.
LIFECYCLE_ACTION_CAPABILITIES: dict[str, Any] = {
    "duplicates": R,
    "export": R,
    "legal_hold": W,
    "legal_hold_release": W,
}
#: Merged into ParticipantViewSet.read_log.
LIFECYCLE_READ_LOG: Declarations = {
    "duplicates": ReadLog("participants:duplicates", subject=logged.participant),
    "export": ReadLog("participants:subject_export", subject=logged.participant),
    "legal_hold": WRITE_ANSWER,
    "legal_hold_release": WRITE_ANSWER,
}


class ParticipantLifecycleActions(LegalHoldActions):
    """Actions on the participant collection and on one participant."""

    #: ``?format=csv|xlsx`` on the list is the caseload export; errors still answer JSON.
    content_negotiation_class = QueryFormatNegotiation

    def caseload_export(self, request: Any, queryset: Any) -> Any:
        """The export when the list was asked for ``?format=csv|xlsx`` (None for JSON)."""
        export_format = request.query_params.get("format")
        if export_format in (None, "", "json"):
            return None
        if export_format not in caseload.FORMATS:
            raise ValidationFailed.single("format", gettext("Use json, csv or xlsx."))
        self.shown_all(queryset, read=caseload.EXPORT_READ)  # type: ignore[attr-defined]
        return caseload.caseload_export(queryset=queryset, export_format=export_format)

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
        self.shown([p for pair in pairs for p in pair])  # type: ignore[attr-defined]
        return self.get_paginated_response([duplicate_views.pair_data(pair) for pair in pairs])  # type: ignore[attr-defined]

    @extend_schema(
        summary="Export everything about a participant (data subject's access)",
        description="Counsellors of the participant's municipality: one JSON document for a "
        "person's access request (GDPR Art. 15) — the participant with the full identity code, "
        "every record attached to them (consents, notes, assessments, enrolments, cards, "
        "matches with the vacancy title and employer name, outcomes, plans, appointments, …), "
        "their change history and the read-access log as dates, roles and purposes, without "
        "staff usernames; with generated_at. The export is itself recorded in the access log. "
        "Other roles 403; a participant outside your scope 404.",
        responses=s.SubjectExportSerializer,
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def export(self, request: Any, id: str) -> Response:
        participant = selectors.participant_get(user=request.user, participant_id=id)
        self.shown([participant])  # type: ignore[attr-defined]
        document = subject_access.participant_export(participant)
        response = Response(document)
        response["Content-Disposition"] = (
            f'attachment; filename="participant-{participant.uuid}.json"'
        )
        response["Cache-Control"] = "no-store"
        return response


EXPORT_FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
    OpenApiParameter.QUERY,
    enum=["json", *caseload.FORMATS],
    description="json (default): one page. csv or xlsx: the caseload export — every row of the "
    "filtered list (not one page) as a file download (text/csv with a byte-order mark, or an "
    "XLSX workbook), headers in the request's language, cells that would start a formula "
    "prefixed with an apostrophe; one read-access-log event names every exported participant.",
)


def export_responses(page: Any) -> dict[Any, Any]:
    """The list's 200: a JSON page, or the CSV or XLSX export."""
    return {
        (200, "application/json"): page,
        (200, "text/csv"): OpenApiTypes.STR,
        (200, caseload.XLSX_MEDIA_TYPE): OpenApiTypes.BINARY,
    }
