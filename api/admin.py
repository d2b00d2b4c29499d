"""Admin of the REST layer's records. Nothing secret is shown: a token appears by its owner and
dates (never its hash), an idempotency record by its key and status (never the stored answer,
which may carry a participant's data)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.authentication import token_revoke
from api.models import ApiToken, IdempotencyRecord
from core.admin import ReadOnlyModelAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyModelAdmin):
    fields = ("user", "created_at", "expires_at", "revoked_at")
    list_display = ("user", "created_at", "expires_at", "revoked_at", "is_usable")
    list_filter = ("revoked_at", "expires_at")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    ordering = ("-created_at",)
    actions = ("revoke_tokens",)

    @admin.display(boolean=True, description=_("usable"))
    def is_usable(self, obj: ApiToken) -> bool:
        return obj.revoked_at is None and obj.expires_at > timezone.now()

    def has_revoke_permission(self, request: Any) -> bool:
        return request.user.has_perm("api.change_apitoken")

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
    def revoke_tokens(self, request: Any, queryset: Any) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(token=token)
            count += 1
        self.message_user(
            request,
            ngettext("Revoked %(count)d token.", "Revoked %(count)d tokens.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyModelAdmin):
    fields = ("user", "key", "path", "state", "response_status", "created_at")
    list_display = ("created_at", "user", "path", "key", "state", "response_status")
    list_filter = ("state", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "key")
    ordering = ("-created_at",)
