"""The legal hold of ``participants/{id}/legal-hold/`` and ``…/legal-hold/release/``
(docs/domain.md#data-lifecycle), mixed into the ParticipantViewSet."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from api.casework.serializers import ParticipantSerializer, participant_data
from api.fields import validated
from api.lifecycle import serializers as s
from casework import legal_holds, selectors

_HOLD_DESCRIPTION = (
    "Counsellors of the participant's municipality. A legal hold keeps the participant out of "
    "the retention job (DESIGN §12) while a matter is pending; releasing it lets the next run "
    "anonymise them if they are due. The reason goes into the history row. Setting a hold that "
    "is set (or releasing one that is not) changes nothing. Answers the participant. Other "
    "roles 403; outside your scope 404; an anonymised participant 409 (participant_anonymised)."
)


class LegalHoldActions:
    @extend_schema(
        summary="Set a legal hold",
        description=_HOLD_DESCRIPTION,
        request=s.LegalHoldInputSerializer,
        responses=ParticipantSerializer,
    )
    @action(detail=True, methods=["post"], url_path="legal-hold", filter_backends=[])
    def legal_hold(self, request: Any, id: str) -> Response:
        return self._hold(request, id, legal_holds.participant_legal_hold_set)

    @extend_schema(
        summary="Release a legal hold",
        description=_HOLD_DESCRIPTION,
        request=s.LegalHoldInputSerializer,
        responses=ParticipantSerializer,
    )
    @action(detail=True, methods=["post"], url_path="legal-hold/release", filter_backends=[])
    def legal_hold_release(self, request: Any, id: str) -> Response:
        return self._hold(request, id, legal_holds.participant_legal_hold_release)

    def _hold(self, request: Any, id: str, service: Any) -> Response:
        participant = selectors.participant_get(user=request.user, participant_id=id)
        self.expected_version(request, participant, required=False)  # type: ignore[attr-defined]
        data = validated(s.LegalHoldInputSerializer, self.request_body(request))  # type: ignore[attr-defined]
        service(actor=request.user, participant=participant, reason=data["reason"])
        participant = selectors.participant_get(user=request.user, participant_id=id)
        return self.ok(participant_data(participant), participant)  # type: ignore[attr-defined]
