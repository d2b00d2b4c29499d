"""What every page form shares: the one-time token, the record's version, service errors shown
beside their fields, and one way to run a form's write (``handle``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy

from core.errors import Conflict, ConflictWithErrors, PreconditionFailed, ValidationFailed
from web import once

STALE = gettext_lazy(
    "Someone changed this record after you opened the form. Nothing was saved: the page now "
    "shows the current state; check it and send the form again."
)


class PageForm(forms.Form):
    """A form with its one-time token (a fresh one each time the form is drawn)."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form_token"].initial = once.new_token()
        if self.is_bound:
            # Redrawn after an error: keep the token the post brought (it was freed).
            self.fields["form_token"].initial = self.data.get(once.FIELD) or once.new_token()


class VersionedForm(PageForm):
    """An edit form: the version of the record it was drawn from travels with it."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def show_service_errors(form: forms.Form, error: ValidationFailed | ConflictWithErrors) -> None:
    """The service's messages beside the fields they name; the rest above the form."""
    for field, messages_ in error.errors.items():
        name = field.split(".")[0]
        for message in messages_:
            if name in form.fields and not form.fields[name].widget.is_hidden:
                form.add_error(name, str(message))
            else:
                form.add_error(
                    None, f"{field}: {message}" if field != "non_field_errors" else str(message)
                )
    if not error.errors:
        form.add_error(None, error.detail)


def run(
    request: HttpRequest,
    form: forms.Form,
    perform: Callable[[dict[str, Any]], str],
    success: str,
) -> HttpResponse | int:
    """Run ``perform`` (which calls one service and answers where to go next) once for this
    form's token. Answers the redirect after success (or after a resent form), else the status
    to redraw the form with: 400 invalid, 409 refused by a rule, 412 stale."""
    if not form.is_valid():
        return 400
    claimed = once.claim(request)
    if isinstance(claimed, HttpResponse):
        return claimed
    try:
        location = perform(form.cleaned_data)
    except ValidationFailed as error:
        show_service_errors(form, error)
        status = 400
    except PreconditionFailed:
        form.add_error(None, str(STALE))
        status = 412
    except ConflictWithErrors as error:
        show_service_errors(form, error)
        status = 409
    except Conflict as error:
        form.add_error(None, error.detail)
        status = 409
    else:
        once.done(claimed, location)
        messages.success(request, success)
        return redirect(location)
    once.release(claimed)
    return status


def form_page(
    request: HttpRequest,
    form: forms.Form,
    perform: Callable[[dict[str, Any]], str],
    *,
    success: str,
    template: str = "web/form.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A page whose form, when posted, runs ``perform`` once; drawn again with the errors."""
    status = 200
    if request.method == "POST":
        outcome = run(request, form, perform, success)
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    return TemplateResponse(request, template, {**(context or {}), "form": form}, status=status)


def action(
    request: HttpRequest,
    form: forms.Form,
    perform: Callable[[dict[str, Any]], str],
    *,
    success: str,
    back: str,
) -> HttpResponse:
    """A button (a small form on a page, e.g. share a match): run once, then back to the page
    with the outcome as a message — a refusal or a stale version says so and changes nothing."""
    outcome = run(request, form, perform, success)
    if isinstance(outcome, HttpResponse):
        return outcome
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(request, str(error) if field == "__all__" else f"{field}: {error}")
    return redirect(back)
