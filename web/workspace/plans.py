"""Plans and appointments as pages (docs/domain.md#plans-appointments-and-the-worklist, §13): draft and agree a plan, book and record
an appointment — each one service call of the plans app with the counsellor as the actor."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casework import selectors
from core.access import Capability
from core.read_log import WRITE_ANSWER, declare
from plans import selectors as plan_selectors
from plans.services import appointments as appointment_services
from plans.services import plans as plan_services
from web import forms as page_forms
from web.pages import page
from web.workspace import forms
from web.workspace.writes import FORM, _participant, participant_url

W = Capability.PARTICIPANT_WRITE


@declare(FORM)
@require_http_methods(["GET", "HEAD", "POST"])
@page(W)
def plan_create(request: HttpRequest, participant_id: Any) -> HttpResponse:
    participant = _participant(request, participant_id)
    form = forms.PlanDraftForm(request.POST if request.method == "POST" else None)

    def perform(data: dict[str, Any]) -> str:
        plan_services.plan_create(
            actor=request.user,
            participant=participant,
            data={
                "kind": data["kind"],
                "starts_on": data["starts_on"],
                "ends_on": data["ends_on"],
                "goals": [
                    {"horizon": "long_term", "kind": data["goal_kind"], "text": data["goal_text"]},
                    *(
                        [
                            {
                                "horizon": "period",
                                "kind": data["period_goal_kind"],
                                "text": data["period_goal_text"],
                            }
                        ]
                        if data["period_goal_text"]
                        else []
                    ),
                ],
                "services": [
                    {
                        "kind": data["service_kind"],
                        "description": data["service_description"],
                        "provider": data["service_provider"],
                        "justification": data["service_justification"],
                    }
                ],
                "follow_up": data["follow_up"],
                "rights_explained": data["rights_explained"],
                "county_participates": data["county_participates"],
            },
        )
        return participant_url(participant) + "#plans"

    return page_forms.form_page(
        request,
        form,
        perform,
        success=_("The plan was drafted."),
        context={
            "title": _("Draft a plan"),
            "participant": participant,
            "back": participant_url(participant),
        },
    )


@declare(WRITE_ANSWER)
@require_POST
@page(W)
def plan_transition(request: HttpRequest, plan_id: Any) -> HttpResponse:
    plan = selectors.get_scoped(plan_selectors.plan_list(user=request.user), plan_id)
    back = participant_url(plan.participant) + "#plans"
    form = forms.PlanTransitionForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        plan_services.plan_transition(
            actor=request.user, plan=plan, to=data["to"], expected_version=data["version"]
        )
        return back

    success = (
        _("The plan was agreed.")
        if request.POST.get("to") == "agreed"
        else _("The plan was ended.")
    )
    return page_forms.action(request, form, perform, success=success, back=back)


@declare(FORM)
@require_http_methods(["GET", "HEAD", "POST"])
@page(W)
def appointment_create(request: HttpRequest, participant_id: Any) -> HttpResponse:
    participant = _participant(request, participant_id)
    form = forms.AppointmentForm(request.POST if request.method == "POST" else None)

    def perform(data: dict[str, Any]) -> str:
        values = {k: v for k, v in data.items() if k != "form_token"}
        if not values["interpreter_language"]:
            values.pop("interpreter_language")
        appointment_services.appointment_create(
            actor=request.user, participant=participant, data=values
        )
        return participant_url(participant) + "#plans"

    return page_forms.form_page(
        request,
        form,
        perform,
        success=_("The appointment was booked."),
        context={
            "title": _("Book an appointment"),
            "participant": participant,
            "back": participant_url(participant),
        },
    )


@declare(WRITE_ANSWER)
@require_POST
@page(W)
def appointment_record(request: HttpRequest, appointment_id: Any) -> HttpResponse:
    appointment = selectors.get_scoped(
        plan_selectors.appointment_list(user=request.user), appointment_id
    )
    back = participant_url(appointment.participant) + "#plans"
    form = forms.AppointmentRecordForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        with transaction.atomic():  # the summary and the outcome together, or neither
            version = data["version"]
            if data["summary"]:
                updated = appointment_services.appointment_update(
                    actor=request.user,
                    appointment=appointment,
                    data={"summary": data["summary"]},
                    expected_version=version,
                )
                version = updated.version
            appointment_services.appointment_transition(
                actor=request.user, appointment=appointment, to=data["to"], expected_version=version
            )
        return back

    return page_forms.action(
        request, form, perform, success=_("The appointment was recorded."), back=back
    )
