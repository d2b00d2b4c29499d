"""``POST /api/v1/auth/token/`` issues a bearer token; ``DELETE`` revokes the one in use.

Wrong credentials answer 401. Ten consecutive failures for one username from one address lock
that pair for 15 minutes (429 ``locked_out``, even with the right password): django-axes keeps
the count, for the token endpoint and for the session login alike."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from api.authentication import token_issue, token_revoke
from api.base import PolkuViewMixin
from api.errors import PolkuAPIException
from api.fields import StrictCharField, validated
from api.models import ApiToken
from api.permissions import AUTHENTICATED, PUBLIC
from api.schema import ErrorSerializer

#: ``Retry-After`` of a locked pair: the lock's length (django-axes' cool-off).
_LOCKOUT_SECONDS = int(settings.AXES_COOLOFF_TIME.total_seconds())


class TokenRequestSerializer(serializers.Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=256, trim_whitespace=False)


TokenSerializer = inline_serializer(
    "Token", fields={"token": serializers.CharField(), "expires_at": serializers.DateTimeField()}
)


class TokenView(PolkuViewMixin, APIView):
    required_capabilities = {"POST": PUBLIC, "DELETE": AUTHENTICATED}
    idempotent = False  # a retry issues another token; none is ever stored to replay
    http_method_names = ["post", "delete", "options"]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            201: TokenSerializer,
            401: OpenApiResponse(ErrorSerializer, description="Wrong credentials"),
        },
        auth=[],
    )
    def post(self, request: Any) -> Response:
        data = validated(TokenRequestSerializer, self.request_body(request))
        django_request = request._request
        credentials = {"username": data["username"]}
        if AxesProxyHandler.is_locked(django_request, credentials):
            raise PolkuAPIException(
                429,
                "locked_out",
                _("Too many failed attempts; try again in 15 minutes."),
                retry_after=_LOCKOUT_SECONDS,
            )
        user = authenticate(django_request, username=data["username"], password=data["password"])
        if user is None:
            if AxesProxyHandler.is_locked(django_request, credentials):
                # The failure that reached the limit: answer with the API's envelope rather than
                # letting AxesMiddleware swap in its HTML lockout page.
                django_request.axes_locked_out = False
                raise PolkuAPIException(
                    429,
                    "locked_out",
                    _("Too many failed attempts; try again in 15 minutes."),
                    retry_after=_LOCKOUT_SECONDS,
                )
            raise PolkuAPIException(401, "authentication_failed", _("Wrong username or password."))
        # A success ends the run of consecutive failures (AXES_RESET_ON_SUCCESS listens to this
        # signal, as it does for the session login) and records last_login.
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        token, expires_at = token_issue(user=user)
        return Response({"token": token, "expires_at": expires_at}, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def delete(self, request: Any) -> Response:
        if not isinstance(request.auth, ApiToken):
            raise PolkuAPIException(400, "no_token", _("Send the bearer token you want to revoke."))
        token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
