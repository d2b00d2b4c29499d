"""The plain DRF write ``bench.side_by_side`` compares Polku's POST and PATCH with: a
``ModelViewSet`` with a ``ModelSerializer`` over the same participant table, a bearer-token lookup
through the ORM, ``IsAuthenticated``, the queryset filtered to the caller's counsellor
municipalities, and the same history row per write (simple-history, actor and reason set as
``core.audit`` requires). No If-Match, no idempotency, no check order, no domain validation.
Served by gunicorn with ``DJANGO_SETTINGS_MODULE=bench.plain_settings``. Not part of Polku."""

from __future__ import annotations

import hashlib
from typing import Any

from django.urls import include, path
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions, routers, serializers, viewsets

from api.models import ApiToken
from casework.models import Participant
from core import audit
from municipalities.models import Municipality, RoleGrant


class TokenLookup(authentication.BaseAuthentication):
    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith("Bearer "):
            return None
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hashlib.sha256(header[7:].strip().encode()).hexdigest())
            .first()
        )
        if token is None or token.revoked_at or token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed()
        return token.user, token


class ParticipantModelSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all()
    )
    id = serializers.UUIDField(source="uuid", read_only=True)

    class Meta:
        model = Participant
        fields = [
            "id",
            "municipality",
            "first_name",
            "last_name",
            "date_of_birth",
            "gender",
            "native_language",
            "citizenship",
            "labour_market_status",
            "phone",
            "email",
            "enrolled_on",
            "status",
            "version",
        ]
        read_only_fields = ["status", "version"]

    def create(self, validated_data: dict[str, Any]) -> Participant:
        actor = self.context["request"].user
        validated_data.setdefault("status_changed_on", validated_data["enrolled_on"])
        return audit.create(Participant(**validated_data), actor=actor, reason="plain create")

    def update(self, instance: Participant, validated_data: dict[str, Any]) -> Participant:
        for field, value in validated_data.items():
            setattr(instance, field, value)
        instance._history_user = self.context["request"].user  # type: ignore[attr-defined]
        instance._change_reason = "plain update"  # type: ignore[attr-defined]
        instance.save()
        return instance


class ParticipantViewSet(viewsets.ModelViewSet):
    serializer_class = ParticipantModelSerializer
    authentication_classes = [TokenLookup]
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "uuid"
    lookup_url_kwarg = "id"
    http_method_names = ["post", "patch"]

    def get_queryset(self) -> Any:
        return Participant.objects.filter(
            municipality_id__in=RoleGrant.objects.filter(
                user=self.request.user, role="counsellor", is_active=True
            ).values("municipality_id")
        ).select_related("municipality")


router = routers.SimpleRouter()
router.register("plain/participants", ParticipantViewSet, basename="plain-participant")
urlpatterns = [path("", include(router.urls))]
