"""The employer users' pages (docs/pages.md) at ``/employer/``: their organisation's vacancies
(create, edit, close) and the candidates counsellors shared with them — pseudonymised exactly
as the API shapes them (``casework.selectors.employer_candidate_profiles`` and the API's
``employer_match_data``), with the interview, hire and reject answers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from api.casework.matches import employer_match_data
from assessments.selectors import licence_type_list
from casework import access, selectors, services
from casework.models import Match
from core.access import Capability, Role
from core.errors import PermissionDenied
from core.read_log import NO_PERSONAL_DATA, WRITE_ANSWER, ReadLog, declare
from core.validation import today
from municipalities.selectors import municipality_ids_in_areas_of, municipality_list
from web import forms as page_forms
from web.employer import forms
from web.pages import error_page, log_read, page, paginate

CANDIDATES = ReadLog("web:employer:candidates", role=Role.EMPLOYER.value)


def employer_page(capability: Capability) -> Callable[..., Any]:
    """``web.pages.page`` for employer users only: anyone else gets the 403 page."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            employer = access.employer_of(request.user)
            if employer is None:
                return error_page(request, 403, message=_("These pages are for employers' users."))
            return view(request, employer, *args, **kwargs)

        return page(capability)(wrapper)

    return decorator


def _own_vacancies(request: HttpRequest, employer: Any) -> Any:
    return selectors.vacancy_list(user=request.user).filter(employer=employer)


def vacancy_url(vacancy: Any) -> str:
    return f"/employer/vacancies/{vacancy.uuid}/"


@declare(NO_PERSONAL_DATA)
@require_safe
@employer_page(Capability.VACANCY_READ)
def vacancy_list(request: HttpRequest, employer: Any) -> HttpResponse:
    vacancies = paginate(request, _own_vacancies(request, employer).order_by("-starts_on", "-id"))
    return TemplateResponse(
        request, "web/employer/vacancies.html", {"employer": employer, "vacancies": vacancies}
    )


def shared_candidates(request: HttpRequest, matches: list[Any]) -> list[dict[str, Any]]:
    """Each match as the API answers it to its employer (the same shaping functions)."""
    profiles = selectors.employer_candidate_profiles(matches, today())
    return [employer_match_data(match, profiles.get(match.pk)) for match in matches]


CANDIDATE_LABELS = {
    "reference": _lazy("Reference"),
    "age_band": _lazy("Age"),
    "municipality": _lazy("Municipality"),
    "language_levels": _lazy("Language levels"),
    "licence_cards": _lazy("Valid licence cards"),
    "skills": _lazy("Skills"),
    "available_from": _lazy("Available from"),
    "first_name": _lazy("First name"),
    "phone": _lazy("Phone"),
    "email": _lazy("Email"),
}


def _text(key: str, value: Any) -> str:
    if value in (None, "", [], {}):
        return "—"
    if key == "language_levels":
        return "; ".join(
            f"{language}: " + ", ".join(f"{skill} {level}" for skill, level in levels.items())
            for language, levels in value.items()
        )
    if key == "licence_cards":
        return ", ".join(value)
    if key == "skills":
        return "; ".join(
            f"{skill['occupation_code']} level {skill['level']}, {skill['years_experience']} y"
            for skill in value
        )
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return str(value)


def candidate_fields(candidate: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every key the API gives the employer, and nothing else, for the page to show."""
    if not candidate:
        return []
    return [
        {"key": key, "label": CANDIDATE_LABELS.get(key, key), "text": _text(key, value)}
        for key, value in candidate.items()
    ]


@declare(CANDIDATES)
@require_safe
@employer_page(Capability.MATCH_READ)
def vacancy_detail(request: HttpRequest, employer: Any, vacancy_id: Any) -> HttpResponse:
    vacancy = selectors.get_scoped(_own_vacancies(request, employer), vacancy_id)
    matches = paginate(
        request,
        selectors.match_list(user=request.user).filter(vacancy=vacancy).order_by("-id"),
        per_page=20,
    )
    page_matches = list(matches)
    answers = shared_candidates(request, page_matches)
    log_read(
        request,
        CANDIDATES,
        [
            (match.participant_id, match.municipality_id)
            for match, answer in zip(page_matches, answers, strict=True)
            if answer["candidate"]
        ],
    )
    return TemplateResponse(
        request,
        "web/employer/vacancy.html",
        {
            "employer": employer,
            "vacancy": vacancy,
            "matches": matches,
            "answers": [
                {**answer, "fields": candidate_fields(answer["candidate"])} for answer in answers
            ],
            "reason_codes": [("", "—"), *Match.ReasonCode.choices],
        },
    )


def _vacancy_form_context(employer: Any) -> dict[str, Any]:
    return {
        "municipalities": list(
            municipality_list(
                ids=municipality_ids_in_areas_of(frozenset({employer.municipality_id}))
            )
        ),
        "licence_types": list(licence_type_list().order_by("name_en")),
    }


@declare(WRITE_ANSWER)
@require_http_methods(["GET", "HEAD", "POST"])
@employer_page(Capability.VACANCY_WRITE)
def vacancy_create(request: HttpRequest, employer: Any) -> HttpResponse:
    choices = _vacancy_form_context(employer)
    form = forms.VacancyForm(request.POST if request.method == "POST" else None, **choices)
    by_code = {m.code: m for m in choices["municipalities"]}

    def perform(data: dict[str, Any]) -> str:
        vacancy = services.vacancy_create(
            actor=request.user,
            employer=employer,
            municipality=by_code[data["municipality"]],
            title=data["title"],
            occupation_code=data["occupation_code"],
            starts_on=data["starts_on"],
            positions=data["positions"],
            required_licences=data["required_licences"],
        )
        return vacancy_url(vacancy)

    return page_forms.form_page(
        request,
        form,
        perform,
        success=_("The vacancy was published."),
        context={"title": _("New vacancy"), "back": "/employer/"},
    )


@declare(WRITE_ANSWER)
@require_http_methods(["GET", "HEAD", "POST"])
@employer_page(Capability.VACANCY_WRITE)
def vacancy_edit(request: HttpRequest, employer: Any, vacancy_id: Any) -> HttpResponse:
    vacancy = selectors.get_scoped(_own_vacancies(request, employer), vacancy_id)
    initial = {
        "title": vacancy.title,
        "starts_on": vacancy.starts_on,
        "positions": vacancy.positions,
        "version": vacancy.version,
    }
    form = forms.VacancyEditForm(
        request.POST if request.method == "POST" else None, initial=initial
    )

    def perform(data: dict[str, Any]) -> str:
        services.vacancy_update(
            actor=request.user,
            vacancy=vacancy,
            data={k: data[k] for k in ("title", "starts_on", "positions")},
            expected_version=data["version"],
        )
        return vacancy_url(vacancy)

    return page_forms.form_page(
        request,
        form,
        perform,
        success=_("The vacancy was saved."),
        context={"title": _("Edit the vacancy"), "back": vacancy_url(vacancy)},
    )


@declare(WRITE_ANSWER)
@require_POST
@employer_page(Capability.VACANCY_WRITE)
def vacancy_close(request: HttpRequest, employer: Any, vacancy_id: Any) -> HttpResponse:
    vacancy = selectors.get_scoped(_own_vacancies(request, employer), vacancy_id)
    form = forms.VacancyCloseForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        services.vacancy_transition(
            actor=request.user, vacancy=vacancy, to="closed", expected_version=data["version"]
        )
        return "/employer/"

    return page_forms.action(
        request, form, perform, success=_("The vacancy was closed."), back=vacancy_url(vacancy)
    )


@declare(WRITE_ANSWER)
@require_POST
@employer_page(Capability.MATCH_TRANSITION)
def candidate_answer(request: HttpRequest, employer: Any, match_id: Any) -> HttpResponse:
    if request.POST.get("to") not in forms.EMPLOYER_MOVES:
        raise PermissionDenied()
    match = selectors.get_scoped(selectors.match_list(user=request.user), match_id)
    back = vacancy_url(match.vacancy)
    form = forms.CandidateAnswerForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        services.match_transition(
            actor=request.user,
            match=match,
            to=data["to"],
            as_employer=True,
            reason_code=data["reason_code"],
            starts_on=data["starts_on"],
            expected_version=data["version"],
        )
        return back

    success = {
        "interview": _("The candidate was invited to an interview."),
        "hired": _("The candidate was hired."),
        "rejected": _("The candidate was rejected."),
    }[request.POST["to"]]
    return page_forms.action(request, form, perform, success=success, back=back)
