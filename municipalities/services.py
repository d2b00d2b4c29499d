"""Writes for municipalities, employment areas and role grants."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from core import audit
from core.access import (
    Role,
    grant_object_permission,
    municipality_permission,
    revoke_object_permission,
)
from core.access_cache import invalidate_access
from core.errors import Conflict, ValidationFailed
from municipalities.models import Municipality, RoleGrant

PILOT = "pilot"


def role_group_name(role: str, municipality: Municipality | None) -> str:
    return f"{role}@{municipality.code if municipality else PILOT}"


def _group_for(role: str, municipality: Municipality | None) -> Group:
    group, _ = Group.objects.get_or_create(name=role_group_name(role, municipality))
    return group


def role_grant(
    *,
    actor: Any,
    user: Any,
    role: str,
    municipality: Municipality | None,
    reason: str = "role granted",
) -> RoleGrant:
    """Give ``user`` a role in one municipality (or, for a coordinator, the whole pilot).

    The RoleGrant row is the audited truth; the user joins the guardian group of that
    (municipality, role), which holds the object permission on the Municipality. A pilot-wide
    coordinator group holds the model-wide permission instead, so municipalities added later are
    covered. Granting what the user already holds is refused with a conflict.
    """
    if role not in RoleGrant.GrantRole.values:
        raise ValidationFailed.single(
            "role", gettext("Unknown role %(role)s.") % {"role": repr(role)}
        )
    if municipality is None and role != Role.COORDINATOR:
        raise ValidationFailed.single(
            "municipality", gettext("Only a coordinator may be pilot-wide.")
        )
    if hasattr(user, "employer_membership"):
        raise ValidationFailed.single("user", gettext("An employer user holds no other role."))
    with transaction.atomic():
        if RoleGrant.objects.filter(
            user=user, role=role, municipality=municipality, is_active=True
        ).exists():
            raise Conflict(
                gettext("The user already holds this role there."), code="already_granted"
            )
        try:
            with transaction.atomic():
                grant = audit.create(
                    RoleGrant(user=user, role=role, municipality=municipality),
                    actor=actor,
                    reason=reason,
                )
        except IntegrityError:  # a concurrent identical grant won the race
            raise Conflict(
                gettext("The user already holds this role there."), code="already_granted"
            ) from None
        group = _group_for(role, municipality)
        if municipality is not None:
            grant_object_permission(municipality_permission(role), group, municipality)
        else:
            grant_object_permission(municipality_permission(role), group)
        user.groups.add(group)
        invalidate_access(user)
    return grant


def role_revoke(*, actor: Any, grant: RoleGrant, reason: str = "role revoked") -> RoleGrant:
    """End a grant: the row stays (history), the user leaves the guardian group."""
    with transaction.atomic():
        grant = RoleGrant.objects.select_related("municipality").get(pk=grant.pk)
        if not grant.is_active:
            raise Conflict(gettext("The grant was already revoked."), code="already_revoked")
        grant.is_active = False
        grant.revoked_at = timezone.now()
        audit.save_changes(grant, actor=actor, reason=reason)
        group = _group_for(grant.role, grant.municipality)
        grant.user.groups.remove(group)
        invalidate_access(grant.user)
    return grant


def role_group_sync(*, municipality: Municipality | None, role: str) -> Group:
    """Make sure the group of (municipality, role) holds its permission; idempotent."""
    group = _group_for(role, municipality)
    grant_object_permission(municipality_permission(role), group, municipality)
    invalidate_access(None)
    return group


def role_permission_remove(*, municipality: Municipality, role: str) -> None:
    """Drop a (municipality, role) group's permission, e.g. when a municipality leaves."""
    revoke_object_permission(
        municipality_permission(role), _group_for(role, municipality), municipality
    )
    invalidate_access(None)
