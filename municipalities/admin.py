"""Admin of the municipality catalogue and of role grants.

Municipalities and employment areas are catalogues the admin edits (through ``core.audit``).
Role grants are never edited: the add form calls ``role_grant`` and an action calls
``role_revoke``, so the guardian groups always mirror the audited rows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import AuditedModelAdmin, AuditedModelForm
from core.errors import PolkuError
from municipalities.models import EmploymentArea, Municipality, RoleGrant
from municipalities.services import role_grant, role_revoke

REVOKED_REASON = "revoked in admin"


@admin.register(EmploymentArea)
class EmploymentAreaAdmin(AuditedModelAdmin):
    fields = ("code", "name_fi", "name_sv", "lead_municipality")
    list_display = ("code", "name_fi", "name_sv", "lead_municipality")
    list_select_related = ("lead_municipality",)
    search_fields = ("code", "name_fi", "name_sv")


@admin.register(Municipality)
class MunicipalityAdmin(AuditedModelAdmin):
    fields = ("code", "name_fi", "name_sv", "region_code", "employment_area")
    list_display = ("code", "name_fi", "name_sv", "region_code", "employment_area")
    list_filter = ("region_code", "employment_area")
    list_select_related = ("employment_area",)
    search_fields = ("code", "name_fi", "name_sv")

    def get_readonly_fields(self, request: Any, obj: Any = None):
        # The code names the role groups (``counsellor@182``); renaming it would strand the
        # users of the old groups, so a municipality keeps its code.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return ("code", *readonly) if obj is not None else readonly


class RoleGrantForm(AuditedModelForm):
    class Meta:
        model = RoleGrant
        fields = ("user", "role", "municipality")
        help_texts = {"municipality": _("Leave empty only for a pilot-wide coordinator.")}


@admin.register(RoleGrant)
class RoleGrantAdmin(AuditedModelAdmin):
    """Grants are created with ``role_grant`` and ended with the revoke action, never edited."""

    form = RoleGrantForm
    list_display = ("user", "role", "municipality", "is_active", "created_at", "revoked_at")
    list_filter = ("role", "is_active", "municipality")
    list_select_related = ("user", "municipality")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)
    actions = ("revoke_grants",)

    def get_readonly_fields(self, request: Any, obj: Any = None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return ("is_active", "revoked_at", *readonly) if obj is not None else readonly

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_revoke_permission(self, request: Any) -> bool:
        return request.user.has_perm("municipalities.change_rolegrant")

    def audited_save(
        self, request: Any, obj: Any, form: Any, *, change: bool, expected_version: int | None
    ) -> RoleGrant:
        return role_grant(
            actor=request.user,
            user=form.cleaned_data["user"],
            role=form.cleaned_data["role"],
            municipality=form.cleaned_data.get("municipality"),
            reason="granted in admin",
        )

    @admin.action(description=_("Revoke the selected role grants"), permissions=["revoke"])
    def revoke_grants(self, request: Any, queryset: Any) -> None:
        revoked = 0
        for grant in queryset.filter(is_active=True).order_by("pk"):
            try:
                role_revoke(actor=request.user, grant=grant, reason=REVOKED_REASON)
            except PolkuError as error:
                self.message_user(request, f"{grant}: {error.detail}", messages.WARNING)
            else:
                revoked += 1
        self.message_user(
            request,
            ngettext("Revoked %(count)d role grant.", "Revoked %(count)d role grants.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )


# Users and groups -------------------------------------------------------------------------------
# Group membership and permissions are the guardian mirror of RoleGrant rows (ADR 2). Editing them
# by hand would give a user a municipal role with no grant and no history, so the admin shows
# them read-only: roles are granted and revoked through the RoleGrant admin above.

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.admin import GroupAdmin, UserAdmin  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402

User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class PolkuUserAdmin(UserAdmin):
    readonly_fields = ("groups", "user_permissions", "last_login", "date_joined")

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # users are deactivated, never deleted: history and logs name them


@admin.register(Group)
class ReadOnlyGroupAdmin(GroupAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
