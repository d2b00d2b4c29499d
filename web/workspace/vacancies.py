"""Vacancies for counsellors and a vacancy's candidates: the API's ranking (``casework.matching``)
with each candidate's criteria and gaps, and a one-click proposal (``match_create``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casework import access, matching, selectors, services
from core.access import Capability, Role
from core.read_log import NO_PERSONAL_DATA, WRITE_ANSWER, ReadLog, declare
from core.validation import today
from web import forms as page_forms
from web.pages import log_read, page, paginate
from web.workspace import forms

PER_PAGE = 20
CANDIDATES = ReadLog("web:vacancies:candidates", role=Role.COUNSELLOR.value)


@declare(NO_PERSONAL_DATA)
@require_safe
@page(Capability.CANDIDATES_READ)
def vacancy_list(request: HttpRequest) -> HttpResponse:
    vacancies = paginate(
        request,
        selectors.vacancy_list(user=request.user).filter(status="open").order_by("starts_on", "id"),
    )
    return TemplateResponse(request, "web/workspace/vacancies.html", {"vacancies": vacancies})


@declare(CANDIDATES)
@require_safe
@page(Capability.CANDIDATES_READ)
def vacancy_candidates(request: HttpRequest, vacancy_id: Any) -> HttpResponse:
    vacancy = selectors.get_scoped(selectors.vacancy_list(user=request.user), vacancy_id)
    ranking = matching.rank_candidates(
        vacancy, scope=access.participant_scope(request.user), today=today()
    )
    number = request.GET.get("page", "1")
    if number.isascii() and number.isdecimal() and 0 < int(number) <= 100_000:
        ranking.expect((int(number) - 1) * PER_PAGE, PER_PAGE)
    candidates = paginate(request, ranking, per_page=PER_PAGE)
    log_read(request, CANDIDATES, [(s.participant_id, s.municipality_id) for s in candidates])
    open_matches = set(
        selectors.match_list(user=request.user)
        .filter(vacancy=vacancy, status__in=("proposed", "shared", "interview"))
        .values_list("participant__uuid", flat=True)
    )
    return TemplateResponse(
        request,
        "web/workspace/candidates.html",
        {
            "vacancy": vacancy,
            "candidates": candidates,
            "open_matches": open_matches,
            "propose_form": forms.MatchProposeForm(),
        },
    )


@declare(WRITE_ANSWER)
@require_POST
@page(Capability.MATCH_PROPOSE)
def propose(request: HttpRequest, vacancy_id: Any) -> HttpResponse:
    vacancy = selectors.get_scoped(selectors.vacancy_list(user=request.user), vacancy_id)
    back = f"/workspace/vacancies/{vacancy.uuid}/candidates/"
    form = forms.MatchProposeForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        participant = selectors.participant_for_write(
            user=request.user, participant_id=data["participant"]
        )
        services.match_create(
            actor=request.user, vacancy=vacancy, participant=participant, reason=data["reason"]
        )
        return f"/workspace/participants/{participant.uuid}/#matches"

    return page_forms.action(
        request, form, perform, success=_("The participant was proposed."), back=back
    )
