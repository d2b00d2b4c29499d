"""The employer users' forms: a vacancy, and the answers to a shared candidate."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Match
from web.forms import PageForm, VersionedForm

_DATE = forms.DateInput(attrs={"type": "date"})


class VacancyForm(PageForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    occupation_code = forms.CharField(
        label=_("Occupation (ISCO-08)"), max_length=4, help_text=_("Four digits, e.g. 9112")
    )
    municipality = forms.ChoiceField(label=_("Municipality"))
    starts_on = forms.DateField(label=_("Starts on"), widget=_DATE)
    positions = forms.IntegerField(label=_("Positions"), min_value=1, initial=1)
    required_licences = forms.MultipleChoiceField(
        label=_("Licence cards required"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, municipalities: list[Any], licence_types: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["municipality"]).choices = [
            (m.code, m.name) for m in municipalities
        ]
        cast(forms.ChoiceField, self.fields["required_licences"]).choices = [
            (t.code, t.name) for t in licence_types
        ]


class VacancyEditForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(label=_("Starts on"), widget=_DATE)
    positions = forms.IntegerField(label=_("Positions"), min_value=1)


class VacancyCloseForm(VersionedForm):
    pass


#: An employer's answers to a shared candidate (docs/domain.md).
EMPLOYER_MOVES = ("interview", "hired", "rejected")


class CandidateAnswerForm(VersionedForm):
    to = forms.ChoiceField(choices=[(move, move) for move in EMPLOYER_MOVES])
    reason_code = forms.ChoiceField(
        label=_("Reason"), choices=[("", "—"), *Match.ReasonCode.choices], required=False
    )
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=_DATE)
