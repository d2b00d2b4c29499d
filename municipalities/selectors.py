"""Reads for municipalities and the user's scope: which municipalities a user may act in, and
in which role. Resolved from guardian's direct-FK group permission table in one query (plus one
for the pilot-wide coordinator permission) and cached on the user object for the request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import QuerySet

from core.access import Role
from core.errors import NotFound
from municipalities.models import Municipality, MunicipalityGroupObjectPermission

_CACHE_ATTRIBUTE = "_polku_municipal_scope"


@dataclass(frozen=True)
class MunicipalScope:
    """The municipality ids a user acts in, per granted role."""

    by_role: dict[str, frozenset[int]] = field(default_factory=dict)
    is_pilot_coordinator: bool = False

    def municipality_ids(self, *roles: str) -> frozenset[int]:
        result: set[int] = set()
        for role in roles or tuple(self.by_role):
            result |= self.by_role.get(role, frozenset())
        return frozenset(result)

    @property
    def roles(self) -> frozenset[str]:
        roles = {role for role, ids in self.by_role.items() if ids}
        if self.is_pilot_coordinator:
            roles.add(Role.COORDINATOR.value)
        return frozenset(roles)


def municipal_scope(user: Any) -> MunicipalScope:
    """The user's municipal roles. Two small indexed queries, once per request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return MunicipalScope()
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    by_role: dict[str, set[int]] = {}
    rows = MunicipalityGroupObjectPermission.objects.filter(group__user=user).values_list(
        "permission__codename", "content_object_id"
    )
    for codename, municipality_id in rows:
        role = codename.removeprefix("act_as_")
        by_role.setdefault(role, set()).add(municipality_id)
    is_pilot_coordinator = Permission.objects.filter(
        group__user=user,
        content_type__app_label="municipalities",
        codename="act_as_coordinator",
    ).exists()
    if is_pilot_coordinator:
        by_role[Role.COORDINATOR.value] = set(Municipality.objects.values_list("id", flat=True))
    scope = MunicipalScope(
        by_role={role: frozenset(ids) for role, ids in by_role.items()},
        is_pilot_coordinator=is_pilot_coordinator,
    )
    setattr(user, _CACHE_ATTRIBUTE, scope)
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope (and the roles derived from it) after a grant changes."""
    for attribute in (_CACHE_ATTRIBUTE, "_polku_roles"):
        if hasattr(user, attribute):
            delattr(user, attribute)


def municipality_ids_for(user: Any, *roles: str) -> frozenset[int]:
    return municipal_scope(user).municipality_ids(*roles)


def municipality_list(*, ids: frozenset[int] | None = None) -> QuerySet[Municipality]:
    queryset = Municipality.objects.select_related("employment_area").order_by("code")
    if ids is not None:
        queryset = queryset.filter(id__in=ids)
    return queryset


def municipality_get(*, code: str, ids: frozenset[int] | None = None) -> Municipality:
    try:
        return municipality_list(ids=ids).get(code=code)
    except Municipality.DoesNotExist:
        raise NotFound() from None


def municipality_ids_in_areas_of(municipality_ids: frozenset[int]) -> frozenset[int]:
    """Every municipality sharing an employment area with one of ``municipality_ids``."""
    area_ids = Municipality.objects.filter(id__in=municipality_ids).values("employment_area_id")
    in_areas = Municipality.objects.filter(employment_area_id__in=area_ids).values_list(
        "id", flat=True
    )
    return frozenset(in_areas) | municipality_ids
