"""The language switch of every page (docs/domain.md#languages): Django's own ``set_language`` (the
language cookie), and for a signed-in user the saved preference, so the choice follows them to
other browsers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from core.i18n import supported
from core.preferences import user_preference_set
from core.read_log import NO_PERSONAL_DATA, declare


@declare(NO_PERSONAL_DATA)
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    response = django_set_language(request)
    language = supported(request.POST.get("language"))
    if language and request.user.is_authenticated:
        user_preference_set(
            actor=request.user,
            user=request.user,
            language=language,
            reason="language chosen on a page",
        )
    return response
