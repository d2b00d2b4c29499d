"""The counsellors' pages (docs/pages.md): the worklist, the caseload and the participant page.
Every read goes through the same selectors as the API (scoped by municipality first, 404
outside it) and every page that shows participant data writes the read-access log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from api.filters import ParticipantFilter
from assessments import language_levels
from assessments.selectors import (
    enrolment_list,
    language_assessment_list,
    licence_card_list,
    skill_assessment_list,
)
from casework import access, selectors
from casework import history as history_selectors
from casework.models import Match, Participant
from core.access import Capability, Role
from core.errors import ValidationFailed
from core.read_log import ReadLog, declare
from core.validation import today
from plans import selectors as plan_selectors
from plans.worklist import selectors as deadlines
from plans.worklist.rules import RULES, State
from web.pages import log_read, page, paginate, validation_message
from web.workspace import worklist as worklist_selectors

COUNSELLOR = Role.COUNSELLOR.value
STATE_LABELS = {
    State.OVERDUE: _("overdue"),
    State.DUE_SOON: _("due soon"),
    State.UPCOMING: _("upcoming"),
}
WORKLIST = ReadLog("web:worklist", role=COUNSELLOR)
CASELOAD = ReadLog("web:participants:list", role=COUNSELLOR)
PARTICIPANT = ReadLog("web:participants:detail", role=COUNSELLOR)


#: Deadlines per worklist page.
WORKLIST_PAGE = 50


@declare(WORKLIST)
@require_safe
@page(Capability.PARTICIPANT_READ)
def worklist(request: HttpRequest) -> HttpResponse:
    """The statutory deadlines first (the API's worklist selector, ``plans.worklist``), grouped
    by rule a page at a time; then the other things waiting for the counsellor."""
    try:
        filters = deadlines.parse_filters(request.GET)
        status = 200
    except ValidationFailed as error:
        filters = deadlines.parse_filters({})
        status = 400
        messages.error(request, validation_message(error))
    items = deadlines.worklist(user=request.user, filters=filters)
    number = request.GET.get("page", "1")
    if number.isascii() and number.isdecimal() and 0 < int(number) <= 100_000:
        items.expect((int(number) - 1) * WORKLIST_PAGE, WORKLIST_PAGE)
    page_items = paginate(request, items, per_page=WORKLIST_PAGE)
    by_rule: dict[str, dict[str, Any]] = {}
    for item in page_items:
        group = by_rule.setdefault(
            item.rule.value, {"rule": item.rule, "label": RULES[item.rule].label, "items": []}
        )
        group["items"].append(item)
    groups = worklist_selectors.worklist_groups(request.user, on=today())
    shown = [(item.participant_id, item.municipality_id) for item in page_items] + [
        (item.participant_id, item.municipality_id) for group in groups for item in group.items
    ]
    log_read(request, WORKLIST, shown)
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "web/workspace/worklist.html",
        {
            "deadline_groups": list(by_rule.values()),
            "deadlines": page_items,
            "groups": groups,
            "filters": filters,
            "states": [(state.value, STATE_LABELS[state]) for state in State],
            "query": query.urlencode(),
        },
        status=status,
    )


@declare(CASELOAD)
@require_safe
@page(Capability.PARTICIPANT_READ)
def caseload(request: HttpRequest) -> HttpResponse:
    """The API's own filters (``api.filters.ParticipantFilter``) over the API's selector."""
    data = request.GET.copy()
    if data.get("unassigned"):
        data["counsellor"] = "none"  # the API's own filter for the unassigned
    filters = ParticipantFilter(data, queryset=selectors.participant_list(user=request.user))
    queryset = filters.qs if filters.is_valid() else selectors.participant_list(user=request.user)
    if not request.GET.get("ordering"):
        queryset = queryset.order_by("last_name", "first_name", "id")
    participants = paginate(request, queryset)
    log_read(request, CASELOAD, [(p.pk, p.municipality_id) for p in participants])
    query = request.GET.copy()
    query.pop("page", None)
    # The export is the API's (participants/?format=csv|xlsx): the same filters, every row,
    # logged there as one export event.
    export = data.copy()
    for name in ("page", "unassigned", "format"):
        export.pop(name, None)
    return TemplateResponse(
        request,
        "web/workspace/caseload.html",
        {
            "participants": participants,
            "filters": filters,
            "statuses": Participant.Status.choices,
            "chosen_statuses": request.GET.getlist("status"),
            "query": query.urlencode(),
            "export_query": export.urlencode(),
        },
        status=200 if filters.is_valid() else 400,
    )


def _levels(assessment: Any) -> list[dict[str, Any]]:
    return [
        {
            "skill": skill,
            "level": getattr(assessment, skill),
            "cefr": language_levels.cefr(getattr(assessment, skill)),
            "yki": language_levels.yki(getattr(assessment, skill)),
        }
        for skill in language_levels.SKILLS
    ]


def participant_sections(user: Any, participant: Participant) -> dict[str, Any]:
    """Everything attached to one participant, each through its API selector."""
    scope = access.participant_scope(user, "participant_id")
    on = today()
    language_assessments = list(
        language_assessment_list(scope=scope)
        .filter(participant=participant)
        .order_by("-assessed_on", "-id")
    )
    cards = list(
        licence_card_list(scope=scope).filter(participant=participant).order_by("-issued_on")
    )
    return {
        "language_assessments": [
            {"assessment": a, "levels": _levels(a)} for a in language_assessments
        ],
        "skill_assessments": skill_assessment_list(scope=scope)
        .filter(participant=participant)
        .order_by("-assessed_on", "-id"),
        "cards": [{"card": card, "is_valid": card.is_valid_on(on)} for card in cards],
        "enrolments": enrolment_list(scope=scope)
        .filter(participant=participant)
        .select_related("training__licence_type")
        .order_by("-id"),
        "consents": [
            {"consent": consent, "is_valid": consent.is_valid_on(on)}
            for consent in selectors.consent_list(user=user)
            .filter(participant=participant)
            .order_by("-granted_on", "-id")
        ],
        "matches": selectors.match_list(user=user)
        .filter(participant=participant)
        .select_related("vacancy__employer")
        .order_by("-id"),
        "outcomes": selectors.outcome_list(user=user)
        .filter(participant=participant)
        .order_by("-starts_on"),
        "open_match_statuses": Match.OPEN_STATUSES,
        "today": on,
    }


@declare(PARTICIPANT)
@require_safe
@page(Capability.PARTICIPANT_READ)
def participant_detail(request: HttpRequest, participant_id: Any) -> HttpResponse:
    participant = selectors.participant_get(user=request.user, participant_id=participant_id)
    history = paginate(
        request, history_selectors.participant_history(participant), per_page=20, name="history"
    )
    access_log = paginate(
        request,
        history_selectors.participant_access_log(participant),
        per_page=20,
        name="log",
    )
    context = {
        "participant": participant,
        "history": history,
        "access_log": access_log,
        **participant_sections(request.user, participant),
        **plan_sections(request.user, participant),
    }
    log_read(request, PARTICIPANT, [(participant.pk, participant.municipality_id)])
    return TemplateResponse(request, "web/workspace/participant.html", context)


def plan_sections(user: Any, participant: Participant) -> dict[str, Any]:
    """Plans and appointments (docs/domain.md#plans-appointments-and-the-worklist), through the plans app's selectors."""
    return {
        "plans": plan_selectors.plan_list(user=user)
        .filter(participant=participant)
        .order_by("-id"),
        "appointments": plan_selectors.appointment_list(user=user)
        .filter(participant=participant)
        .order_by("-starts_at"),
    }
