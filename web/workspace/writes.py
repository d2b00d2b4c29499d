"""The counsellors' daily writes as pages: each form calls one service with the counsellor as
the actor (so history names them), once per one-time token, with the record's version where it
edits one. Objects come from the API's selectors: outside the caller's scope is 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from api.fields import named_object
from assessments import selectors as assessment_selectors
from assessments import services as assessment_services
from casework import access, caseload, selectors, services
from casework.models import Consent
from core import audit
from core.access import Capability
from core.errors import PermissionDenied
from core.read_log import WRITE_ANSWER, ReadLog, declare
from municipalities.selectors import municipality_ids_in_areas_of, municipality_list
from web import forms as page_forms
from web.pages import log_read, page
from web.workspace import forms

W = Capability.PARTICIPANT_WRITE
#: A form page names its participant (breadcrumbs, heading): that is a read.
FORM = ReadLog("web:participants:form", role="counsellor")


def participant_url(participant: Any) -> str:
    return f"/workspace/participants/{participant.uuid}/"


def _participant(request: HttpRequest, participant_id: Any) -> Any:
    """The participant a form page is about; drawing the page is a logged read."""
    participant = selectors.participant_get(user=request.user, participant_id=participant_id)
    if request.method != "POST":
        log_read(request, FORM, [(participant.pk, participant.municipality_id)])
    return participant


@declare(WRITE_ANSWER)  # a new participant's form shows nobody; its post redirects
@declare(FORM)
@require_http_methods(["GET", "HEAD", "POST"])
@page(W)
def participant_create(request: HttpRequest) -> HttpResponse:
    municipalities = list(municipality_list(ids=access.counsellor_municipality_ids(request.user)))
    form = forms.ParticipantCreateForm(
        request.POST if request.method == "POST" else None, municipalities=municipalities
    )
    by_code = {m.code: m for m in municipalities}

    def perform(data: dict[str, Any]) -> str:
        values = {k: v for k, v in data.items() if k not in ("form_token", "municipality")}
        values["personal_identity_code"] = values["personal_identity_code"] or None
        participant = services.participant_create(
            actor=request.user, municipality=by_code[data["municipality"]], **values
        )
        return participant_url(participant)

    return page_forms.form_page(
        request,
        form,
        perform,
        success=_("The participant was created."),
        context={"title": _("New participant"), "back": "/workspace/participants/"},
    )


@declare(FORM)
@require_http_methods(["GET", "HEAD", "POST"])
@page(W)
def language_assessment_create(request: HttpRequest, participant_id: Any) -> HttpResponse:
    participant = _participant(request, participant_id)
    form = forms.LanguageAssessmentForm(request.POST if request.method == "POST" else None)

    def perform(data: dict[str, Any]) -> str:
        assessment_services.language_assessment_create(
            actor=request.user,
            participant=participant,
            language=data["language"],
            assessed_on=data["assessed_on"],
            instrument=data["instrument"],
            **{
                skill: data[skill] or None
                for skill in ("reading", "listening", "speaking", "writing")
            },
        )
        return participant_url(participant)

    return page_forms.form_page(
        request,
        form,
        perform,
        success=_("The language assessment was recorded."),
        context={
            "title": _("Record a language assessment"),
            "participant": participant,
            "back": participant_url(participant),
        },
    )


@declare(FORM)
@require_http_methods(["GET", "HEAD", "POST"])
@page(W)
def skill_assessment_create(request: HttpRequest, participant_id: Any) -> HttpResponse:
    participant = _participant(request, participant_id)
    form = forms.SkillAssessmentForm(request.POST if request.method == "POST" else None)

    def perform(data: dict[str, Any]) -> str:
        assessment_services.skill_assessment_create(
            actor=request.user,
            participant=participant,
            occupation_code=data["occupation_code"],
            level=data["level"],
            years_experience=data["years_experience"],
            evidence=data["evidence"],
            assessed_on=data["assessed_on"],
        )
        return participant_url(participant)

    return page_forms.form_page(
        request,
        form,
        perform,
        success=_("The skill assessment was recorded."),
        context={
            "title": _("Record a skill assessment"),
            "participant": participant,
            "back": participant_url(participant),
        },
    )


def _trainings(request: HttpRequest) -> Any:
    own = access.counsellor_municipality_ids(request.user)
    return assessment_selectors.training_list(municipality_ids=municipality_ids_in_areas_of(own))


@declare(FORM)
@require_http_methods(["GET", "HEAD", "POST"])
@page(W)
def enrol(request: HttpRequest, participant_id: Any) -> HttpResponse:
    participant = _participant(request, participant_id)
    trainings = list(
        _trainings(request).select_related("licence_type").order_by("starts_on", "id")[:200]
    )
    form = forms.EnrolForm(request.POST if request.method == "POST" else None, trainings=trainings)

    def perform(data: dict[str, Any]) -> str:
        training = selectors.get_scoped(_trainings(request), data["training"])
        assessment_services.enrolment_create(
            actor=request.user, training=training, participant=participant
        )
        return participant_url(participant)

    return page_forms.form_page(
        request,
        form,
        perform,
        success=_("The participant was enrolled."),
        context={
            "title": _("Enrol on a training"),
            "participant": participant,
            "back": participant_url(participant),
        },
    )


@declare(WRITE_ANSWER)
@require_POST
@page(W)
def enrolment_transition(request: HttpRequest, enrolment_id: Any) -> HttpResponse:
    enrolment = selectors.get_scoped(
        assessment_selectors.enrolment_list(
            scope=access.participant_scope(request.user, "participant_id")
        ),
        enrolment_id,
    )
    back = participant_url(enrolment.participant)
    form = forms.EnrolmentTransitionForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        assessment_services.enrolment_transition(
            actor=request.user,
            enrolment=enrolment,
            to=data["to"],
            issued_on=data["issued_on"],
            card_number=data["card_number"],
            expected_version=data["version"],
        )
        return back

    return page_forms.action(
        request, form, perform, success=_("The enrolment was updated."), back=back
    )


@declare(WRITE_ANSWER)
@require_POST
@page(W)
def consent_grant(request: HttpRequest, participant_id: Any) -> HttpResponse:
    participant = _participant(request, participant_id)
    form = forms.ConsentGrantForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        services.consent_create(
            actor=request.user,
            participant=participant,
            purpose=Consent.Purpose.SHARE_WITH_EMPLOYERS,
            granted_on=data["granted_on"],
            expires_on=data["expires_on"],
        )
        return participant_url(participant)

    return page_forms.action(
        request,
        form,
        perform,
        success=_("The consent was recorded."),
        back=participant_url(participant),
    )


@declare(WRITE_ANSWER)
@require_POST
@page(W)
def consent_withdraw(request: HttpRequest, consent_id: Any) -> HttpResponse:
    consent = selectors.consent_get(user=request.user, consent_id=consent_id)
    back = participant_url(consent.participant)
    form = forms.ConsentWithdrawForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        services.consent_withdraw(
            actor=request.user, consent=consent, expected_version=data["version"]
        )
        return back

    return page_forms.action(
        request,
        form,
        perform,
        success=_("The consent was withdrawn: nothing more is disclosed to employers."),
        back=back,
    )


#: The moves a counsellor makes on a match (docs/domain.md); the service checks each one.
COUNSELLOR_MATCH_MOVES = ("shared", "declined", "withdrawn")


@declare(WRITE_ANSWER)
@require_POST
@page(Capability.MATCH_TRANSITION)
def match_transition(request: HttpRequest, match_id: Any) -> HttpResponse:
    if access.employer_of(request.user) is not None:
        raise PermissionDenied()
    if request.POST.get("to") not in COUNSELLOR_MATCH_MOVES:
        raise PermissionDenied()
    match = selectors.get_scoped(selectors.match_list(user=request.user), match_id)
    back = request.POST.get("back") or participant_url(match.participant)
    if not back.startswith("/workspace/"):
        back = participant_url(match.participant)
    form = forms.MatchTransitionForm(request.POST)

    def perform(data: dict[str, Any]) -> str:
        services.match_transition(
            actor=request.user,
            match=match,
            to=data["to"],
            as_employer=False,
            reason=data["reason"],
            reason_code=data["reason_code"],
            expected_version=data["version"],
        )
        return back

    messages_by_move = {
        "shared": _("The match was shared with the employer."),
        "declined": _("The match was recorded as declined."),
        "withdrawn": _("The match was withdrawn."),
    }
    return page_forms.action(
        request,
        form,
        perform,
        success=messages_by_move.get(request.POST.get("to", ""), _("The match was updated.")),
        back=back,
    )


@declare(FORM)
@require_http_methods(["GET", "HEAD", "POST"])
@page(W)
def reassign(request: HttpRequest, participant_id: Any) -> HttpResponse:
    participant = _participant(request, participant_id)
    form = forms.ReassignForm(
        request.POST if request.method == "POST" else None,
        initial={
            "version": participant.version,
            "to": participant.counsellor.get_username() if participant.counsellor else "",
        },
    )

    def perform(data: dict[str, Any]) -> str:
        audit.check_version(participant, data["version"])
        target = None
        if data["to"]:
            target = named_object(
                get_user_model().objects.filter(is_active=True), "to", username=data["to"]
            )
        caseload.participant_reassign(
            actor=request.user, participants=[participant], to=target, reason=data["reason"]
        )
        return participant_url(participant)

    return page_forms.form_page(
        request,
        form,
        perform,
        success=_("The participant was reassigned."),
        context={
            "title": _("Reassign"),
            "participant": participant,
            "back": participant_url(participant),
        },
    )
