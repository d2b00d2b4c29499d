"""The navigation every page's header shows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from web.places import places_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    current = request.path

    def items() -> list[dict[str, Any]]:
        # Called only by a template that shows the navigation (not by the admin's).
        return [
            {"place": place, "is_current": current.startswith(place.url)}
            for place in places_for(user)
        ]

    return {"navigation": items}
