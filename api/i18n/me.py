"""``GET``/``PATCH /api/v1/me/``: the caller's own account settings — today the language the
pages speak to them (docs/domain.md#languages). The API itself always follows ``Accept-Language``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.base import PolkuViewMixin
from api.fields import validated
from api.permissions import AUTHENTICATED
from core.models import UserPreference
from core.preferences import user_preference_get, user_preference_set
from core.read_log import NO_PERSONAL_DATA


class MeSerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True)
    language = serializers.ChoiceField(
        choices=UserPreference.Language.choices,
        allow_blank=True,
        help_text="The language of the pages; empty follows the browser.",
    )
    version = serializers.IntegerField(read_only=True)


class MeUpdateSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=UserPreference.Language.choices, allow_blank=True)


class _NoPreference:
    version = 0
    language = ""


class MeView(PolkuViewMixin, APIView):
    required_capabilities = {"GET": AUTHENTICATED, "PATCH": AUTHENTICATED}
    read_log = {"GET": NO_PERSONAL_DATA}  # one's own settings, no participant's data
    http_method_names = ["get", "patch", "head", "options"]

    def _answer(self, request: Any, preference: Any) -> Response:
        response = Response(
            {
                "username": request.user.get_username(),
                "language": preference.language,
                "version": preference.version,
            }
        )
        response["ETag"] = f'"{preference.version}"'
        return response

    @extend_schema(
        summary="Your account settings",
        description="The signed-in user's own settings: the language of the pages (empty "
        "follows the browser). Every authenticated user.",
        responses=MeSerializer,
    )
    def get(self, request: Any) -> Response:
        return self._answer(request, user_preference_get(user=request.user) or _NoPreference())

    @extend_schema(
        summary="Change your account settings",
        description="Set the language of the pages (`fi`, `sv`, `en`, or empty to follow the "
        'browser). Send `If-Match` with the ETag you read (`"0"` before the first change). '
        "Every authenticated user, for themselves only.",
        request=MeUpdateSerializer,
        responses=MeSerializer,
    )
    def patch(self, request: Any) -> Response:
        current = user_preference_get(user=request.user) or _NoPreference()
        expected = self.expected_version(request, current, required=True)
        data = validated(MeUpdateSerializer, self.request_body(request), partial=True)
        preference = current
        if "language" in data:
            preference = user_preference_set(
                actor=request.user,
                user=request.user,
                language=data["language"],
                expected_version=expected,
                reason="language chosen through the API",
            )
        return self._answer(request, preference)
