"""The home page: anonymous callers log in, everyone else goes to the most daily place their
roles open (the workspace, the employer pages or the dashboards)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.read_log import NO_PERSONAL_DATA, declare
from web.places import home_for


@declare(NO_PERSONAL_DATA)  # a redirect
@never_cache
@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(home_for(request.user))
