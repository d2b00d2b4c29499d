"""Deny by default: every view declares the capability each HTTP method needs.

``required_capabilities = {"GET": Capability.X, "POST": Capability.Y}`` on the view (or on the
viewset action, through ``capabilities`` in ``@action``). A method without a declared capability
is refused for everyone; tests/architecture checks that every route declares one."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from casework.access import roles_of
from core.access import Capability, capabilities_of

PUBLIC = "public"
AUTHENTICATED = "authenticated"


def required_capability(view: Any, method: str) -> Capability | str | None:
    action = getattr(view, "action", None)
    per_action = getattr(view, "action_capabilities", None) or {}
    if action and action in per_action:
        declared = per_action[action]
        if isinstance(declared, dict):
            return declared.get(method)
        return declared
    return (getattr(view, "required_capabilities", None) or {}).get(method)


def allows(capability: Capability | str | None, user: Any) -> bool:
    """Whether ``user`` holds ``capability``: anyone for PUBLIC, any signed-in user for
    AUTHENTICATED, nobody for an undeclared (``None``) one."""
    if capability == PUBLIC:
        return True
    if not user or not user.is_authenticated or capability is None:
        return False
    return capability == AUTHENTICATED or capability in capabilities_of(roles_of(user))


class DeclaredCapability(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
        capability = required_capability(view, method)
        if capability == PUBLIC:
            return True
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if capability is None:
            if method not in view.allowed_methods:
                return True  # let the view answer 405
            raise exceptions.PermissionDenied(_("This action is not available to anyone."))
        if not allows(capability, request.user):
            raise exceptions.PermissionDenied()
        return True
