"""Which language a request is answered in, and catalogue names in that language (docs/domain.md#languages,
ADR 21).

- The API (``/api/``) follows ``Accept-Language`` only — ``fi``, ``sv`` or ``en``, anything else
  Finnish — so one request always answers the same whatever cookie or session came with it.
- Pages follow the signed-in user's saved language, else the language cookie set by the switch,
  else the browser's ``Accept-Language``, else Finnish.
- Both answer ``Content-Language``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

SUPPORTED: tuple[str, ...] = ("fi", "sv", "en")
DEFAULT = "fi"
API_PREFIX = "/api/"


def supported(code: str | None) -> str | None:
    """``sv-FI`` → ``sv``; an unsupported or empty code → None."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if base in SUPPORTED else None


def language_from_accept_language(header: str | None) -> str:
    """The first supported language the header names, by quality; else Finnish."""
    for code, _quality in parse_accept_lang_header(header or ""):
        language = supported(code)
        if language:
            return language
    return DEFAULT


def saved_language(user: Any) -> str | None:
    """The language a signed-in user chose, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    from core.models import UserPreference

    language = (
        UserPreference.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    )
    return supported(language)


def page_language(request: HttpRequest) -> str:
    return (
        saved_language(getattr(request, "user", None))
        or supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        or language_from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE"))
    )


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


class LanguageMiddleware:
    """Activates the request's language and says which in ``Content-Language``. Replaces
    Django's LocaleMiddleware, which would let a cookie or the session steer the API."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request):
            language = language_from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE"))
        else:
            language = page_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(
            response, ("Accept-Language",) if is_api(request) else ("Accept-Language", "Cookie")
        )
        return response


def current_language() -> str:
    return supported(translation.get_language()) or DEFAULT


def localized_name(obj: Any, field: str = "name", language: str | None = None) -> str:
    """``obj.name_fi`` / ``name_sv`` / ``name_en`` by the active language. A missing
    translation falls back to Finnish (the catalogues' own language), then English."""
    language = supported(language) or current_language()
    for code in (language, "fi", "en", "sv"):
        value = getattr(obj, f"{field}_{code}", None)
        if value:
            return str(value)
    return ""
