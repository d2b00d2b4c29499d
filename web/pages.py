"""What every page shares: session login, the capability check before anything is looked up
(403), the selectors' ``NotFound`` as the 404 page (outside the caller's scope exactly like
missing, ADR 0005), and error pages that say where the caller may go instead."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from casework.access import roles_of
from core.access import Capability
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.read_log import ReadLog, write
from web.places import places_for, user_capabilities


def error_page(
    request: HttpRequest,
    status: int,
    *,
    title: str | None = None,
    message: str | None = None,
) -> HttpResponse:
    """An HTML error page that lists the places the caller may open instead."""
    defaults = {
        400: (_("Bad request"), _("The page could not understand the request.")),
        403: (
            _("Not for your role"),
            _("This page is not for the roles your account holds."),
        ),
        404: (
            _("Page not found"),
            _("There is nothing at this address that you may open."),
        ),
    }
    default_title, default_message = defaults[status]
    return TemplateResponse(
        request,
        "web/error.html",
        {
            "status": status,
            "title": title or default_title,
            "message": message or default_message,
            "places": places_for(request.user),
        },
        status=status,
    )


def validation_message(error: ValidationFailed) -> str:
    messages = [str(message) for field in error.errors.values() for message in field]
    return " ".join(messages) or str(error)


def page(
    capability: Capability,
    *,
    forbidden: Callable[[], tuple[str, str]] | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Session login (anonymous → login page), then 403 without ``capability``, then the view,
    whose ``NotFound`` answers the 404 page. ``forbidden`` gives the 403 page's title and message. Nothing is cached: the pages show live personal or
    per-caller data."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if capability not in user_capabilities(request.user):
                title, message = forbidden() if forbidden else (None, None)
                return error_page(request, 403, title=title, message=message)
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                return error_page(request, 404)
            except PermissionDenied:
                return error_page(request, 403)

        return never_cache(login_required(wrapper))

    return decorator


def log_read(request: HttpRequest, declaration: ReadLog, subjects: list[tuple[int, int]]) -> None:
    """The page's read of these participants' personal data, as its ``@declare(ReadLog(…))``
    says, in the same read-access log as the API (``core.read_log.write``)."""
    if subjects:
        write(
            user=request.user,
            roles=roles_of(request.user),
            declaration=declaration,
            subjects=subjects,
        )


def paginate(request: HttpRequest, items: Any, *, per_page: int = 25, name: str = "page") -> Any:
    """One page of ``items`` (a queryset or a sequence with ``len``) from ``?<name>=N``; a page
    number out of range shows the last page, a malformed one the first."""
    return Paginator(items, per_page).get_page(request.GET.get(name))
