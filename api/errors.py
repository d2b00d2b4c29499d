"""One error envelope for every error (docs/api.md):
``{"code": "<machine_code>", "detail": "<human text>"}``, plus ``"errors"`` on validation errors
with nested fields dotted. Nothing internal leaks from a 500."""

from __future__ import annotations

import logging
import math
import sys
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from core import errors as domain

logger = logging.getLogger("polku.api")

_DOMAIN_STATUS: list[tuple[type[domain.PolkuError], int]] = [
    (domain.NotFound, status.HTTP_404_NOT_FOUND),
    (domain.PermissionDenied, status.HTTP_403_FORBIDDEN),
    (domain.ValidationFailed, status.HTTP_400_BAD_REQUEST),
    (domain.PreconditionFailed, status.HTTP_412_PRECONDITION_FAILED),
    (domain.Conflict, status.HTTP_409_CONFLICT),
]

_DRF_CODES: dict[type[exceptions.APIException], str] = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.ParseError: "parse_error",
    exceptions.Throttled: "throttled",
}


class PolkuAPIException(exceptions.APIException):
    """An HTTP-level error with its own code (428, 422, 429 locked_out …)."""

    def __init__(
        self, status_code: int, code: str, detail: str, *, retry_after: int | None = None
    ) -> None:
        self.status_code = status_code
        #: Seconds for ``Retry-After`` (429 ``locked_out``, 503).
        self.retry_after = retry_after
        super().__init__(detail=detail, code=code)
        self.polku_code = code


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail → ``{"field.sub": ["message", …]}``."""
    result: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "non_field_errors" if key == "non_field_errors" and not prefix else str(key)
            result.update(flatten_errors(value, f"{prefix}.{name}" if prefix else name))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            result.setdefault(prefix or "non_field_errors", []).extend(str(item) for item in detail)
        else:
            for index, item in enumerate(detail):
                result.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        result.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return result


def envelope(code: str, detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return body


#: Seconds a client should wait before retrying while the database is unavailable.
RETRY_AFTER_UNAVAILABLE = 30


def is_database_unavailable(exc: BaseException | None) -> bool:
    """The database cannot be reached (stopped, restarting, connection lost): no client's
    fault, and worth a retry."""
    return isinstance(exc, OperationalError | InterfaceError)


def service_unavailable() -> dict[str, Any]:
    return envelope(
        "service_unavailable", _("The service is temporarily unavailable; retry later.")
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    headers: dict[str, str] = {}
    if is_database_unavailable(exc):
        logger.error("Database unavailable in %s: %s", context.get("view"), exc)
        return Response(
            service_unavailable(),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_UNAVAILABLE)},
        )
    if isinstance(exc, domain.PolkuError):
        for error_type, status_code in _DOMAIN_STATUS:
            if isinstance(exc, error_type):
                return Response(domain.error_payload(exc), status=status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ValidationError):
        body = envelope("validation_error", _("Invalid input."), flatten_errors(exc.detail))
        body["error_codes"] = domain.error_codes(body["errors"], flatten_errors(exc.get_codes()))
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.APIException):
        if isinstance(exc, PolkuAPIException):
            code = exc.polku_code
        else:
            code = next(
                (value for key, value in _DRF_CODES.items() if isinstance(exc, key)),
                exc.default_code,
            )
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
        if getattr(exc, "retry_after", None):
            headers["Retry-After"] = str(exc.retry_after)
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return Response(envelope(code, str(detail)), status=exc.status_code, headers=headers)
    logger.exception("Unhandled error in %s", context.get("view"))
    return Response(
        envelope("server_error", _("Internal server error.")),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def json_404(request: Any, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(envelope("not_found", _("Not found.")), status=404)


def json_500(request: Any) -> JsonResponse:
    """Django's last resort (an error outside a DRF view, e.g. in a middleware): still 503 with
    ``Retry-After`` when the database is unavailable."""
    if is_database_unavailable(sys.exc_info()[1]):
        response = JsonResponse(service_unavailable(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE)
        return response
    return JsonResponse(envelope("server_error", _("Internal server error.")), status=500)


def json_400(request: Any, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(envelope("bad_request", _("Bad request.")), status=400)


def json_403(request: Any, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(envelope("permission_denied", _("Forbidden.")), status=403)
