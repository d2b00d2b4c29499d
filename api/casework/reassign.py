"""``POST participants/reassign/``: move several participants to another counsellor (or to
nobody) at once, all or nothing (docs/domain.md#plans-appointments-and-the-worklist "Caseload")."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.base import PolkuViewMixin
from api.fields import DOES_NOT_EXIST, StrictCharField, named_object, validated
from casework import caseload, selectors
from core.access import Capability
from core.errors import ValidationFailed
from core.read_log import WRITE_ANSWER

MAX_PARTICIPANTS = 1000


class ReassignInputSerializer(serializers.Serializer):
    participants = serializers.ListField(
        child=serializers.UUIDField(), min_length=1, max_length=MAX_PARTICIPANTS
    )
    to = StrictCharField(
        max_length=150, allow_null=True, help_text="A counsellor's username, or null: unassigned"
    )
    reason = StrictCharField(max_length=1000)


class ReassignSerializer(serializers.Serializer):
    counsellor = serializers.CharField(allow_null=True, help_text="Username, or null")
    participants = serializers.ListField(child=serializers.UUIDField())
    changed = serializers.IntegerField(help_text="How many had another counsellor before")


class ParticipantReassignView(PolkuViewMixin, GenericAPIView):
    required_capabilities = {"POST": Capability.PARTICIPANT_WRITE}
    read_log = {"POST": WRITE_ANSWER}
    http_method_names = ["post", "options"]
    serializer_class = ReassignInputSerializer

    @extend_schema(
        summary="Reassign participants to another counsellor",
        description=(
            "All or nothing: an id outside your scope, or a target who is not a counsellor of "
            "every participant's municipality, answers 400 and nothing changes. Each moved "
            "participant gets one history row with the reason; `to: null` leaves them "
            "unassigned (`participants/?counsellor=none` lists those).\n\n"
            "Counsellors of the participants' municipalities. Managers, the coordinator and "
            "employer users: 403."
        ),
        request=ReassignInputSerializer,
        responses=ReassignSerializer,
    )
    def post(self, request: Any) -> Response:
        data = validated(ReassignInputSerializer, self.request_body(request))
        wanted = list(dict.fromkeys(data["participants"]))
        found = {
            p.uuid: p for p in selectors.participant_list(user=request.user).filter(uuid__in=wanted)
        }
        missing = {
            f"participants.{index}": [str(DOES_NOT_EXIST)]
            for index, participant_id in enumerate(data["participants"])
            if participant_id not in found
        }
        if missing:
            raise ValidationFailed(missing)
        target = None
        if data["to"]:
            target = named_object(
                get_user_model().objects.filter(is_active=True), "to", username=data["to"]
            )
        changed = caseload.participant_reassign(
            actor=request.user,
            participants=[found[participant_id] for participant_id in wanted],
            to=target,
            reason=data["reason"],
        )
        return Response(
            {
                "counsellor": target.username if target else None,
                "participants": [str(participant_id) for participant_id in wanted],
                "changed": len(changed),
            }
        )
