"""The access layer: who the caller is allowed to be, and where (docs/adr/0002-access-model.md,
docs/adr/0019-access-cache.md).

Everything that asks "which roles does this user hold, in which municipalities, which
participants does it cover, which employer is it" asks here: the API's capability check, the
selectors' scope, the dashboard pages. One statement resolves it all (``_resolve``); the answer is
kept in Django's cache under the user's access stamp, the stamp for everyone and today's date
(``core.access_cache``), and memoised on the user object for the rest of the request. A grant, a
revocation, a cover or an employer link replaces the stamp, so the next request resolves again.

Roles that live on the user row (superuser → admin, ``is_active``) are read live every request.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import caches
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from core.access import Capability, Role, capabilities_of, roles_with
from core.access_cache import ACCESS_ATTRIBUTE, STAMPS_ATTRIBUTE, stamps_of

#: Roles whose municipalities have a dashboard the caller may read, and an ESF+ report.
DASHBOARD_ROLES = tuple(role.value for role in roles_with(Capability.DASHBOARD_READ))
REPORT_ROLES = tuple(role.value for role in roles_with(Capability.REPORT_READ))

#: Which cache of ``settings.CACHES`` holds the resolved access, and for how long at most.
CACHE_ALIAS = "default"
CACHE_SECONDS = 3600
_EMPLOYER_ATTRIBUTE = "_polku_employer"


@dataclass(frozen=True)
class Access:
    """What one user may reach through grants: municipality ids per municipal role, the
    pilot-wide coordinator permission, the employer link, and the participants covered."""

    by_role: dict[str, frozenset[int]] = field(default_factory=dict)
    is_pilot_coordinator: bool = False
    employer_id: int | None = None
    employer_municipality_id: int | None = None
    covered: frozenset[int] = frozenset()

    def municipality_ids(self, *roles: str) -> frozenset[int]:
        """The municipalities of these roles (of every municipal role when none is named)."""
        result: set[int] = set()
        for role in roles or tuple(self.by_role):
            result |= self.by_role.get(role, frozenset())
        return frozenset(result)

    @property
    def municipal_roles(self) -> frozenset[str]:
        roles = {role for role, ids in self.by_role.items() if ids}
        if self.is_pilot_coordinator:
            roles.add(Role.COORDINATOR.value)
        return frozenset(roles)


NO_ACCESS = Access()


# Resolution ---------------------------------------------------------------------------------------


def _resolve_sql() -> str:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from casework.models import (
        Employer,
        EmployerMembership,
        ParticipantCover,
        ParticipantUserObjectPermission,
    )
    from municipalities.models import Municipality, MunicipalityGroupObjectPermission

    def table(model: Any) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    user_groups = connection.ops.quote_name(get_user_model().groups.through._meta.db_table)
    group_permissions = connection.ops.quote_name(Group.permissions.through._meta.db_table)
    pilot = (
        f"EXISTS (SELECT 1 FROM {group_permissions} gp"
        f" JOIN {table(Permission)} p ON p.id = gp.permission_id"
        f" JOIN {table(ContentType)} ct ON ct.id = p.content_type_id"
        f" JOIN {user_groups} ug ON ug.group_id = gp.group_id"
        f" WHERE ug.user_id = %s AND ct.app_label = 'municipalities'"
        f" AND p.codename = 'act_as_coordinator')"
    )
    return (
        f"SELECT 'grant', p.codename, g.content_object_id, CAST(NULL AS BIGINT)"
        f" FROM {table(MunicipalityGroupObjectPermission)} g"
        f" JOIN {table(Permission)} p ON p.id = g.permission_id"
        f" JOIN {user_groups} ug ON ug.group_id = g.group_id WHERE ug.user_id = %s"
        f" UNION ALL SELECT 'pilot', NULL, NULL, NULL WHERE {pilot}"
        f" UNION ALL SELECT 'pilot_municipality', NULL, m.id, NULL"
        f" FROM {table(Municipality)} m WHERE {pilot}"
        f" UNION ALL SELECT 'employer', NULL, em.employer_id, e.municipality_id"
        f" FROM {table(EmployerMembership)} em"
        f" JOIN {table(Employer)} e ON e.id = em.employer_id WHERE em.user_id = %s"
        f" UNION ALL SELECT 'cover', NULL, c.content_object_id, NULL"
        f" FROM {table(ParticipantUserObjectPermission)} c"
        f" JOIN {table(Permission)} p ON p.id = c.permission_id"
        f" WHERE c.user_id = %s AND p.codename = 'cover_participant'"
        # A cover lasts while an active ParticipantCover row says so: it ends on its ends_on
        # without anyone acting (the cache key carries today's date).
        f" AND EXISTS (SELECT 1 FROM {table(ParticipantCover)} pc"
        f" WHERE pc.participant_id = c.content_object_id AND pc.user_id = c.user_id"
        f" AND pc.is_active = %s AND (pc.ends_on IS NULL OR pc.ends_on >= %s))"
    )


_SQL: dict[str, str] = {}


def _resolve(user_id: int) -> Access:
    """Grants (guardian's direct-FK group permissions), the pilot-wide coordinator permission
    with every municipality, the employer link and the covers: one statement."""
    sql = _SQL.get(connection.vendor)
    if sql is None:
        sql = _SQL[connection.vendor] = _resolve_sql()
    by_role: dict[str, set[int]] = {}
    pilot = False
    pilot_ids: set[int] = set()
    employer_id = employer_municipality_id = None
    covered: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id] * 5 + [True, timezone.localdate()])
        for kind, codename, object_id, extra in cursor.fetchall():
            if kind == "grant":
                by_role.setdefault(codename.removeprefix("act_as_"), set()).add(int(object_id))
            elif kind == "pilot":
                pilot = True
            elif kind == "pilot_municipality":
                pilot_ids.add(int(object_id))
            elif kind == "employer":
                employer_id, employer_municipality_id = int(object_id), int(extra)
            else:
                covered.add(int(object_id))
    if pilot:
        by_role[Role.COORDINATOR.value] = pilot_ids
    return Access(
        by_role={role: frozenset(ids) for role, ids in by_role.items()},
        is_pilot_coordinator=pilot,
        employer_id=employer_id,
        employer_municipality_id=employer_municipality_id,
        covered=frozenset(covered),
    )


def _cache_key(user_id: int, stamps: tuple[int | None, int | None], on: datetime.date) -> str:
    own, everyone = stamps
    return f"polku:access:{user_id}:{own or 0}:{everyone or 0}:{on.isoformat()}"


def access_of(user: Any) -> Access:
    """The caller's access: memoised on the user object for the request, cached across requests
    under its stamps and today's date (covers end by date), resolved on a miss."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    access = getattr(user, ACCESS_ATTRIBUTE, None)
    if access is not None:
        return access
    stamps = getattr(user, STAMPS_ATTRIBUTE, None)
    if stamps is None:  # not through the token authentication: read them (one query)
        stamps = stamps_of(user.pk)
    cache = caches[CACHE_ALIAS]
    key = _cache_key(user.pk, stamps, timezone.localdate())
    access = cache.get(key)
    if access is None:
        access = _resolve(user.pk)
        cache.set(key, access, CACHE_SECONDS)
    setattr(user, ACCESS_ATTRIBUTE, access)
    return access


# Roles --------------------------------------------------------------------------------------------


def roles_of(user: Any) -> frozenset[Role]:
    """The roles the caller holds right now (so, through core.access, its capabilities): the
    municipal roles of its grants, employer for an employer user (who holds no other role),
    admin for a superuser."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    access = access_of(user)
    if access.employer_id is not None:
        roles = {Role.EMPLOYER}
    else:
        roles = {Role(role) for role in access.municipal_roles}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    return frozenset(roles)


def capabilities_of_user(user: Any) -> frozenset[Capability]:
    return capabilities_of(roles_of(user))


def municipality_ids_for(user: Any, *roles: str) -> frozenset[int]:
    """The municipalities where ``user`` holds one of ``roles`` (any municipal role if none)."""
    return access_of(user).municipality_ids(*roles)


def counsellor_municipality_ids(user: Any) -> frozenset[int]:
    return municipality_ids_for(user, Role.COUNSELLOR)


def covered_participant_ids(user: Any) -> frozenset[int]:
    """Participants outside the user's municipalities that the user covers."""
    return access_of(user).covered


# Employers ----------------------------------------------------------------------------------------


def employer_id_of(user: Any) -> int | None:
    """The id of the Employer an employer user belongs to; None for every other user."""
    return access_of(user).employer_id


def employer_of(user: Any) -> Any:
    """The Employer an employer user belongs to (read when an employer path needs the row),
    or None for every other user."""
    employer_id = employer_id_of(user)
    if employer_id is None:
        return None
    employer = getattr(user, _EMPLOYER_ATTRIBUTE, None)
    if employer is None or employer.pk != employer_id:
        from casework.models import Employer

        employer = Employer.objects.get(pk=employer_id)
        setattr(user, _EMPLOYER_ATTRIBUTE, employer)
    return employer


# Scope --------------------------------------------------------------------------------------------


def participant_scope(user: Any, participant_field: str = "id") -> Q:
    """The one scope of participant data: rows of the counsellor's municipalities (the row's own
    ``municipality_id``, an indexed tenant column) plus rows of covered participants.
    ``participant_field`` names the participant's id on the row: ``id`` on a participant,
    ``participant_id`` on a record attached to one (consents, notes, assessments, matches …)."""
    scope = Q(municipality_id__in=counsellor_municipality_ids(user))
    covered = covered_participant_ids(user)
    if covered:
        scope |= Q(**{f"{participant_field}__in": covered})
    return scope


# Dashboards and municipalities --------------------------------------------------------------------


def dashboard_municipality_ids(user: Any) -> frozenset[int]:
    """Municipalities whose dashboard the caller may read (counsellors, managers, coordinators)."""
    return municipality_ids_for(user, *DASHBOARD_ROLES)


def report_municipality_ids(user: Any) -> frozenset[int]:
    """Municipalities whose ESF+ report the caller may read (managers, coordinators)."""
    return municipality_ids_for(user, *REPORT_ROLES)


def reads_whole_pilot(user: Any) -> bool:
    """The whole pilot (dashboard, unfiltered report) is for the pilot-wide coordinator only: a
    coordinator granted some municipalities sees those."""
    return (
        Capability.PILOT_DASHBOARD_READ in capabilities_of_user(user)
        and access_of(user).is_pilot_coordinator
    )


def visible_municipality_ids(user: Any) -> frozenset[int] | None:
    """The municipalities the caller works with: staff those they hold a role in (the pilot-wide
    coordinator all), an employer user its employer's, an admin all (None: no filter)."""
    if Role.ADMIN in roles_of(user):
        return None
    access = access_of(user)
    ids = set(access.municipality_ids())
    if access.employer_municipality_id is not None:
        ids.add(access.employer_municipality_id)
    return frozenset(ids)
