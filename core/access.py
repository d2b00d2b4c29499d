"""The access policy: which role may use which capability, and the only calls to guardian.

Roles are held per municipality (RoleGrant rows, mirrored into one guardian group per
municipality and role). A view declares the capability each HTTP method needs; a user whose roles
carry none of them is refused with 403 before any object is looked up, and selectors then scope
every query to the user's municipalities (404 outside them). See docs/adr/0002-access-model.md.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from guardian.shortcuts import assign_perm, remove_perm


class Role(StrEnum):
    COUNSELLOR = "counsellor"
    MANAGER = "manager"
    COORDINATOR = "coordinator"
    EMPLOYER = "employer"
    ADMIN = "admin"


#: Roles held through RoleGrant rows, per municipality (the coordinator also pilot-wide).
GRANTED_ROLES = (Role.COUNSELLOR, Role.MANAGER, Role.COORDINATOR)


class Capability(StrEnum):
    MUNICIPALITY_READ = "municipality.read"
    LICENCE_TYPE_READ = "licence_type.read"
    PARTICIPANT_READ = "participant.read"
    PARTICIPANT_WRITE = "participant.write"
    ACCESS_LOG_READ = "access_log.read"
    EMPLOYER_READ = "employer.read"
    EMPLOYER_WRITE = "employer.write"
    VACANCY_READ = "vacancy.read"
    VACANCY_WRITE = "vacancy.write"
    CANDIDATES_READ = "candidates.read"
    MATCH_READ = "match.read"
    MATCH_PROPOSE = "match.propose"
    MATCH_TRANSITION = "match.transition"
    TRAINING_READ = "training.read"
    TRAINING_WRITE = "training.write"
    DASHBOARD_READ = "dashboard.read"
    PILOT_DASHBOARD_READ = "pilot_dashboard.read"
    REPORT_READ = "report.read"


_EVERYONE = frozenset({Capability.MUNICIPALITY_READ, Capability.LICENCE_TYPE_READ})

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.COUNSELLOR: _EVERYONE
    | {
        Capability.PARTICIPANT_READ,
        Capability.PARTICIPANT_WRITE,
        Capability.ACCESS_LOG_READ,
        Capability.EMPLOYER_READ,
        Capability.EMPLOYER_WRITE,
        Capability.VACANCY_READ,
        Capability.VACANCY_WRITE,
        Capability.CANDIDATES_READ,
        Capability.MATCH_READ,
        Capability.MATCH_PROPOSE,
        Capability.MATCH_TRANSITION,
        Capability.TRAINING_READ,
        Capability.TRAINING_WRITE,
        Capability.DASHBOARD_READ,
    },
    Role.MANAGER: _EVERYONE | {Capability.DASHBOARD_READ, Capability.REPORT_READ},
    Role.COORDINATOR: _EVERYONE
    | {
        Capability.DASHBOARD_READ,
        Capability.PILOT_DASHBOARD_READ,
        Capability.REPORT_READ,
        Capability.EMPLOYER_READ,
        Capability.VACANCY_READ,
    },
    Role.EMPLOYER: _EVERYONE
    | {
        Capability.EMPLOYER_READ,
        Capability.VACANCY_READ,
        Capability.VACANCY_WRITE,
        Capability.MATCH_READ,
        Capability.MATCH_TRANSITION,
    },
    Role.ADMIN: _EVERYONE | {Capability.ACCESS_LOG_READ},
}


def capabilities_of(roles: frozenset[Role] | set[Role]) -> frozenset[Capability]:
    result: set[Capability] = set()
    for role in roles:
        result |= ROLE_CAPABILITIES[role]
    return frozenset(result)


def roles_with(capability: Capability) -> list[Role]:
    return [role for role, capabilities in ROLE_CAPABILITIES.items() if capability in capabilities]


#: The role an access-log event names when the reader holds several: the first one held. Every
#: role has its place (tests/core/test_access.py), so a new role is never logged as "other".
ROLE_LABEL_PRIORITY: tuple[Role, ...] = (
    Role.COUNSELLOR,
    Role.EMPLOYER,
    Role.ADMIN,
    Role.COORDINATOR,
    Role.MANAGER,
)

#: The label of a reader who holds no role at all (only possible for a public read).
NO_ROLE = "other"


def role_label(roles: frozenset[Role] | set[Role]) -> str:
    """The role an access-log event names for a reader holding ``roles``."""
    for role in ROLE_LABEL_PRIORITY:
        if role in roles:
            return role.value
    return NO_ROLE


def municipality_permission(role: Role | str) -> str:
    """The guardian permission a (municipality, role) group holds on its Municipality."""
    return f"municipalities.act_as_{role}"


def grant_object_permission(permission: str, holder: Any, obj: Any = None) -> None:
    """The only call to guardian's ``assign_perm`` (an architecture test checks it)."""
    assign_perm(permission, holder, obj)


def revoke_object_permission(permission: str, holder: Any, obj: Any = None) -> None:
    """The only call to guardian's ``remove_perm``."""
    remove_perm(permission, holder, obj)
