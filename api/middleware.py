"""The API's answers outside its views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from api.errors import envelope

API_PREFIX = "/api/"


def api_not_found_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """An unmatched path under ``/api/`` answers the JSON 404 envelope under every setting (with
    DEBUG, Django would answer its HTML page listing the URLconf). Answers of the API's views are
    JSON already and pass unchanged. No API answer is cached (``no-store``): answers name what the
    caller may see, and many carry personal data."""

    def middleware(request: HttpRequest) -> Any:
        response = get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        if response.status_code == 404 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            response = JsonResponse(envelope("not_found", _("Not found.")), status=404)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response

    return middleware
