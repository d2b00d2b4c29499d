"""Which roles the caller holds right now, and so which capabilities (core.access)."""

from __future__ import annotations

from typing import Any

from casework.selectors import employer_of
from core.access import Role
from municipalities.selectors import municipal_scope

_CACHE = "_polku_roles"


def roles_of(user: Any) -> frozenset[Role]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    if employer_of(user) is not None:
        # An employer user holds no other role (the services refuse to mix a membership with
        # role grants), so its municipal scope need not be looked up on every request.
        roles = {Role.EMPLOYER}
    else:
        roles = {Role(role) for role in municipal_scope(user).roles}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    result = frozenset(roles)
    setattr(user, _CACHE, result)
    return result
