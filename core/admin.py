"""The Django admin's shared base classes, and the admin's view of the read-access log.

Every admin of an audited model (``core.models.AuditedModel``) derives from
``AuditedModelAdmin``, which closes every path that could write without history and an actor:

- add and change save through ``core.audit`` (or the entity's service) with ``request.user`` as
  the actor and a reason, inside one transaction; a change claims the next ``version`` and is
  refused when the form was read at an older one (no lost update between two admins);
- a domain error (``core.errors.PolkuError``: validation, conflict, stale version) is shown on
  the form, not as a server error;
- nothing is ever deleted (no delete permission, no "delete selected" action);
- history is shown (django-simple-history) but is read-only: no revert, no edit of a
  historical row, and the diff leaves out fields that must never be shown;
- inlines are read-only, so no formset can save a row behind the audit's back.

Admins of participants' personal data add ``ParticipantDataAdminMixin``: every page that shows
such data appends one access event with one subject per participant shown (docs/access.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from core import audit
from core.access import Role
from core.access_log import record_access
from core.errors import PolkuError, PreconditionFailed, ValidationFailed
from core.models import (
    AccessEvent,
    AccessEventSubject,
    AccessStamp,
    CalendarDay,
    HistoryErasure,
    UserPreference,
)

#: Fields every audited model has and nobody types in.
AUDIT_FIELDS = ("uuid", "version", "created_at", "updated_at")
#: The hidden form field carrying the version the change form was read at.
VERSION_FIELD = "loaded_version"
CREATED_REASON = "created in admin"
CHANGED_REASON = "changed in admin"

_REFUSAL_ATTRIBUTE = "_polku_admin_refusal"


class AuditedModelForm(forms.ModelForm):
    """Base form of every audited admin.

    ``loaded_version`` travels hidden with the change form; saving compares it with the row's
    version, so an admin never overwrites a change made after they opened the page.
    ``refusal`` is set (on a throw-away subclass) when the save was refused by a domain rule; the
    form then shows that refusal as its errors.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    refusal: PolkuError | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and VERSION_FIELD in self.fields:
            self.fields[VERSION_FIELD].initial = getattr(self.instance, "version", None)

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        if self.refusal is not None:
            self._add_refusal(self.refusal)
        return cleaned_data

    def _add_refusal(self, error: PolkuError) -> None:
        if isinstance(error, ValidationFailed) and error.errors:
            for field, messages in error.errors.items():
                for message in messages:
                    if field in self.fields and field != VERSION_FIELD:
                        self.add_error(field, message)
                    elif field == "non_field_errors":
                        self.add_error(None, message)
                    else:
                        self.add_error(None, f"{field}: {message}")
        elif isinstance(error, PreconditionFailed):
            self.add_error(
                None,
                f"{error.detail} Someone changed this record after you opened it: reload the "
                "page and make your change again.",
            )
        else:
            self.add_error(None, error.detail)


def form_changes(form: forms.ModelForm) -> dict[str, Any]:
    """The cleaned values of the fields the admin changed (a service's ``data``)."""
    return {
        field: form.cleaned_data[field]
        for field in form.changed_data
        if field != VERSION_FIELD and field in form.cleaned_data
    }


def _adopt(target: models.Model, saved: models.Model) -> None:
    """Make the admin's in-memory object the row a service saved (the admin goes on to log and
    redirect with ``target``)."""
    if target is saved:
        return
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


class ReadOnlyInline(admin.TabularInline):
    """An inline that shows rows and never saves any."""

    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Sequence[str]:
        return (*(self.fields or ()), *super().get_readonly_fields(request, obj))

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class AuditedModelAdmin(SimpleHistoryAdmin):
    """Admin of an audited model: writes with actor and reason, never deletes, shows history
    read-only. Subclasses that have a service override ``audited_save``."""

    form = AuditedModelForm
    created_reason = CREATED_REASON
    changed_reason = CHANGED_REASON
    #: Fields left out of the history page's list of changes (e.g. encrypted values).
    history_excluded_fields: Sequence[str] = ()
    show_full_result_count = False
    save_as = False

    # Fields --------------------------------------------------------------------------------------

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Sequence[str]:
        own = tuple(super().get_readonly_fields(request, obj))
        return (*own, *(field for field in AUDIT_FIELDS if field not in own))

    def get_fields(self, request: Any, obj: Any = None) -> Sequence[str]:
        hidden = (*AUDIT_FIELDS, VERSION_FIELD)
        fields = [field for field in super().get_fields(request, obj) if field not in hidden]
        if obj is not None:
            fields.extend(AUDIT_FIELDS)
            if self.has_change_permission(request, obj):
                fields.append(VERSION_FIELD)
        return fields

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any):
        form_class = super().get_form(request, obj, change, **kwargs)
        if not issubclass(form_class, AuditedModelForm):
            raise TypeError(f"{type(self).__name__}.form must derive from AuditedModelForm.")
        refusal = getattr(request, _REFUSAL_ATTRIBUTE, None)
        if refusal is None:
            return form_class
        return type(form_class.__name__, (form_class,), {"refusal": refusal})

    # Writes --------------------------------------------------------------------------------------

    def changeform_view(
        self, request: Any, object_id: Any = None, form_url: str = "", extra_context: Any = None
    ):
        """Run the add/change view; when a domain rule refuses the save (the transaction is
        rolled back), run it once more so that the same form comes back with the refusal as
        its errors and the admin's input intact."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PolkuError as error:
            if request.method != "POST" or hasattr(request, _REFUSAL_ATTRIBUTE):
                raise
            setattr(request, _REFUSAL_ATTRIBUTE, error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if change and not form.has_changed():
            return
        expected_version = form.cleaned_data.get(VERSION_FIELD) if change else None
        with transaction.atomic():
            saved = self.audited_save(
                request, obj, form, change=change, expected_version=expected_version
            )
        _adopt(obj, saved)

    def audited_save(
        self, request: Any, obj: Any, form: Any, *, change: bool, expected_version: int | None
    ) -> Any:
        """Write ``obj`` with history naming ``request.user`` and a reason. The default uses the
        generic audit helpers; an admin whose entity has a service calls the service instead."""
        if change:
            return audit.save_changes(
                obj,
                actor=request.user,
                reason=self.changed_reason,
                expected_version=expected_version,
            )
        return audit.create(obj, actor=request.user, reason=self.created_reason)

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        """Inlines are read-only: a formset save would write without the audit."""
        if any(inline_form.has_changed() for inline_form in formset.forms):
            raise PermissionDenied(_("Inline rows are read-only in the admin."))
        # Writes nothing (no form changed); fills in what the admin's change message reads.
        formset.save(commit=False)

    # Deletion: never ------------------------------------------------------------------------------

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: Any) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request: Any, obj: Any) -> None:
        raise PermissionDenied(_("Records are never deleted."))

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        raise PermissionDenied(_("Records are never deleted."))

    # History: shown, never changed ---------------------------------------------------------------

    def has_change_history_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def revert_disabled(self, request: Any, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self, request: Any, object_id: Any, version_id: Any, extra_context: Any = None
    ):
        """One historical version, to look at. A POST here would revert (write) the row."""
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied(_("History is append-only."))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(
        self, request: Any, historical_records: Any, foreign_keys_are_objs: bool = True
    ) -> None:
        """As simple-history does, leaving ``history_excluded_fields`` out of every diff."""
        previous = None
        for current in historical_records:
            if previous is None:
                previous = current
                continue
            delta = previous.diff_against(
                current,
                excluded_fields=list(self.history_excluded_fields),
                foreign_keys_are_objs=foreign_keys_are_objs,
            )
            helper = self.get_historical_record_context_helper(request, previous)
            previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


class ReadOnlyAuditedModelAdmin(AuditedModelAdmin):
    """An audited model the admin only looks at (its lifecycle lives in the services and the
    API); its history is still shown."""

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """A model without history that the admin only looks at (reference data, logs)."""

    show_full_result_count = False

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: Any) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ParticipantDataAdminMixin:
    """For admins that show participants' personal data (put it before the admin base class).

    The change page, the history pages and the list each append one access event (role
    ``admin``, action ``admin:<model>_<page>``) naming every participant shown. Each row must
    carry ``municipality_id`` and the participant's id in ``participant_id_attribute``.
    """

    participant_id_attribute = "participant_id"

    def access_subject(self, obj: Any) -> tuple[int, int]:
        return getattr(obj, self.participant_id_attribute), obj.municipality_id

    def record_admin_access(self, request: Any, page: str, objects: Iterable[Any]) -> None:
        subjects = [self.access_subject(obj) for obj in objects]
        if not subjects:
            return
        record_access(
            user=request.user,
            role=Role.ADMIN.value,
            action=f"admin:{self.opts.model_name}_{page}",  # type: ignore[attr-defined]
            subjects=subjects,
        )

    def render_change_form(
        self,
        request: Any,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ):
        if obj is not None:
            self.record_admin_access(request, "change", [obj])
        return super().render_change_form(  # type: ignore[misc]
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def render_history_view(self, request: Any, template: str, context: dict[str, Any], **kwargs):
        obj = context.get("object") or context.get("original")
        if obj is not None:
            self.record_admin_access(request, "history", [obj])
        return super().render_history_view(request, template, context, **kwargs)  # type: ignore[misc]

    def changelist_view(self, request: Any, extra_context: Any = None):
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            # Evaluates the page's queryset once; the template then reuses its cache.
            self.record_admin_access(request, "changelist", list(changelist.result_list))
        return response


class ReadOnlyParticipantDataAdmin(ParticipantDataAdminMixin, ReadOnlyAuditedModelAdmin):
    """A participant's record the admin only looks at, every page logged."""

    list_select_related: Sequence[str] = ("participant", "municipality")


# The read-access log ------------------------------------------------------------------------------


class AccessEventSubjectInline(ReadOnlyInline):
    model = AccessEventSubject
    fields = ("participant_id", "municipality_id")


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyModelAdmin):
    list_display = ("at", "user", "role", "action", "outcome", "subject_count")
    list_filter = ("role", "action", "outcome", "at")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    ordering = ("-at", "-id")
    inlines = (AccessEventSubjectInline,)


@admin.register(AccessEventSubject)
class AccessEventSubjectAdmin(ReadOnlyModelAdmin):
    """One row per participant shown. Search by the participant's internal id (exact)."""

    list_display = ("participant_id", "municipality_id", "event_at", "event_role", "event_action")
    list_filter = ("event__role", "event__at")
    list_select_related = ("event",)
    search_fields = ("participant_id",)
    search_help_text = _("The participant's internal id (exact).")
    ordering = ("-event_id",)

    def get_search_results(self, request: Any, queryset: Any, search_term: str):
        """Exact, indexed match on the participant id; anything else matches nothing."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if not term.isdigit():
            return queryset.none(), False
        return queryset.filter(participant_id=int(term)), False

    @admin.display(description=_("at"), ordering="event__at")
    def event_at(self, obj: AccessEventSubject) -> Any:
        return obj.event.at

    @admin.display(description=_("role"), ordering="event__role")
    def event_role(self, obj: AccessEventSubject) -> str:
        return obj.event.role

    @admin.display(description=_("action"), ordering="event__action")
    def event_action(self, obj: AccessEventSubject) -> str:
        return obj.event.action


@admin.register(UserPreference)
class UserPreferenceAdmin(ReadOnlyAuditedModelAdmin):
    """Each user sets their own language (the page switch, ``PATCH /api/v1/me/``)."""

    list_display = ("user", "language")
    list_filter = ("language",)
    search_fields = ("user__username",)


@admin.register(AccessStamp)
class AccessStampAdmin(ReadOnlyModelAdmin):
    """The random stamps that key each user's cached access (holder 0: everyone's). Read-only:
    the services replace them (ADR 19)."""

    list_display = ("holder", "stamp")
    search_fields = ("holder",)


@admin.register(HistoryErasure)
class HistoryErasureAdmin(ReadOnlyModelAdmin):
    """The audit records of retention's history erasures (core.anonymise): read-only."""

    list_display = ("at", "actor", "reason", "subject_pseudonym")
    list_filter = ("at",)
    search_fields = ("subject_pseudonym",)
    ordering = ("-id",)


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyModelAdmin):
    """The working-day calendar (derived from the ``holidays`` library; ``refresh_calendar``
    rewrites it): looked at, never edited by hand."""

    list_display = ("day", "is_working_day", "working_day_number")
    list_filter = ("is_working_day",)
    date_hierarchy = "day"
    ordering = ("day",)
