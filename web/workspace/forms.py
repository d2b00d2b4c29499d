"""The counsellors' forms. They only parse what a person typed; every rule is the service's,
and its refusals come back beside the fields (``web.forms.show_service_errors``)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.language_levels import LEVEL_CHOICES
from assessments.models import LanguageAssessment, SkillAssessment
from casework.models import Match, Participant
from plans.models import Appointment, Plan
from plans.rules import GOAL_KINDS, SERVICE_KINDS
from web.forms import PageForm, VersionedForm

_DATE = forms.DateInput(attrs={"type": "date"})
_LEVELS = [("", "—"), *LEVEL_CHOICES]


class ParticipantCreateForm(PageForm):
    municipality = forms.ChoiceField(label=_("Municipality"))
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=_DATE)
    personal_identity_code = forms.CharField(
        label=_("Personal identity code"),
        required=False,
        max_length=11,
        help_text=_("Optional: a new arrival may have none."),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Participant.Gender.choices)
    labour_market_status = forms.ChoiceField(
        label=_("Labour-market status at entry"), choices=Participant.LabourMarketStatus.choices
    )
    native_language = forms.CharField(
        label=_("Native language"),
        required=False,
        max_length=3,
        help_text=_("ISO 639 code, e.g. ar"),
    )
    citizenship = forms.CharField(
        label=_("Citizenship"), required=False, max_length=2, help_text=_("ISO 3166 code, e.g. SY")
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    email = forms.EmailField(label=_("Email"), required=False)
    available_from = forms.DateField(label=_("Available from"), required=False, widget=_DATE)

    def __init__(self, *args: Any, municipalities: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["municipality"]).choices = [
            (m.code, m.name) for m in municipalities
        ]


class LanguageAssessmentForm(PageForm):
    language = forms.ChoiceField(label=_("Language"), choices=LanguageAssessment.Language.choices)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=_DATE)
    instrument = forms.ChoiceField(
        label=_("Instrument"), choices=LanguageAssessment.Instrument.choices
    )
    reading = forms.ChoiceField(label=_("Reading"), choices=_LEVELS, required=False)
    listening = forms.ChoiceField(label=_("Listening"), choices=_LEVELS, required=False)
    speaking = forms.ChoiceField(label=_("Speaking"), choices=_LEVELS, required=False)
    writing = forms.ChoiceField(label=_("Writing"), choices=_LEVELS, required=False)


class SkillAssessmentForm(PageForm):
    occupation_code = forms.CharField(
        label=_("Occupation (ISCO-08)"), max_length=4, help_text=_("Four digits, e.g. 9112")
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        coerce=int,
        choices=[
            (1, _("1 basic")),
            (2, _("2 independent")),
            (3, _("3 skilled")),
            (4, _("4 expert")),
        ],
    )
    years_experience = forms.DecimalField(
        label=_("Years of experience"), min_value=0, max_digits=4, decimal_places=1, initial=0
    )
    evidence = forms.ChoiceField(label=_("Evidence"), choices=SkillAssessment.Evidence.choices)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=_DATE)


class EnrolForm(PageForm):
    training = forms.ChoiceField(label=_("Training"))

    def __init__(self, *args: Any, trainings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["training"]).choices = [
            (
                str(t.uuid),
                f"{t.licence_type.name} · {t.provider} · {t.starts_on:%d.%m.%Y}–{t.ends_on:%d.%m.%Y}",
            )
            for t in trainings
        ]


class EnrolmentTransitionForm(VersionedForm):
    to = forms.ChoiceField(
        label=_("New status"),
        choices=[
            ("attended", _("attended")),
            ("no_show", _("no show")),
            ("cancelled", _("cancelled")),
            ("passed", _("passed")),
            ("failed", _("failed")),
        ],
    )
    issued_on = forms.DateField(label=_("Card issued on"), required=False, widget=_DATE)
    card_number = forms.CharField(label=_("Card number"), required=False, max_length=50)


class ConsentGrantForm(PageForm):
    granted_on = forms.DateField(label=_("Granted on"), widget=_DATE, required=False)
    expires_on = forms.DateField(label=_("Expires on"), widget=_DATE, required=False)


class ConsentWithdrawForm(VersionedForm):
    pass


class MatchProposeForm(PageForm):
    participant = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why this person"), required=False, max_length=2000)


class MatchTransitionForm(VersionedForm):
    to = forms.ChoiceField(choices=Match.Status.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
    reason_code = forms.ChoiceField(
        label=_("Reason code"), choices=[("", "—"), *Match.ReasonCode.choices], required=False
    )


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(value, value.replace("_", " ")) for value in values]


class PlanDraftForm(PageForm):
    """A draft plan with its first goal and service; the plan page adds more through the API."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Plan.Kind.choices)
    starts_on = forms.DateField(label=_("Starts on"), widget=_DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=_DATE)
    goal_kind = forms.ChoiceField(label=_("Long-term goal"), choices=_choices(GOAL_KINDS))
    goal_text = forms.CharField(label=_("The long-term goal in words"), max_length=2000)
    period_goal_kind = forms.ChoiceField(
        label=_("Goal for the plan period"), choices=_choices(GOAL_KINDS)
    )
    period_goal_text = forms.CharField(
        label=_("The period's goal in words"), max_length=2000, required=False
    )
    service_kind = forms.ChoiceField(label=_("Service"), choices=_choices(SERVICE_KINDS))
    service_description = forms.CharField(label=_("The service in words"), max_length=2000)
    service_provider = forms.CharField(label=_("Provider"), required=False, max_length=200)
    service_justification = forms.CharField(
        label=_("Why this service"), required=False, max_length=2000
    )
    follow_up = forms.CharField(label=_("Follow-up"), required=False, max_length=2000)
    rights_explained = forms.BooleanField(
        label=_("Rights and obligations explained to the client"), required=False
    )
    county_participates = forms.BooleanField(
        label=_("The wellbeing services county takes part"), required=False
    )


class PlanTransitionForm(VersionedForm):
    to = forms.ChoiceField(choices=[("agreed", "agreed"), ("ended", "ended")])


class AppointmentForm(PageForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Appointment.Kind.choices)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Appointment.Channel.choices)
    interpreter_language = forms.CharField(
        label=_("Interpreter language"),
        required=False,
        max_length=3,
        help_text=_("ISO 639 code; empty for none"),
    )


class AppointmentRecordForm(VersionedForm):
    to = forms.ChoiceField(
        choices=[("held", "held"), ("missed", "missed"), ("cancelled", "cancelled")]
    )
    summary = forms.CharField(label=_("Summary"), required=False, max_length=5000)


class ReassignForm(VersionedForm):
    to = forms.CharField(
        label=_("New counsellor (username)"),
        required=False,
        max_length=150,
        help_text=_("Leave empty to leave the participant without a counsellor."),
    )
    reason = forms.CharField(label=_("Why"), max_length=2000)
