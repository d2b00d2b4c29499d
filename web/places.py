"""Where a signed-in person may go: the places of Polku their roles open, in the order the
navigation shows them. The same capability table as the API decides (``core.access``), so the
navigation, the home redirect and the 403 page's "you can open instead" never disagree with the
pages' own checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from casework.access import roles_of
from core.access import Capability, Role, capabilities_of


@dataclass(frozen=True)
class Place:
    key: str
    url: str
    label: Any  # a lazy translation
    description: Any


WORKSPACE = Place(
    "workspace",
    "/workspace/",
    _("Workspace"),
    _("Your worklist, caseload and participants."),
)
EMPLOYER = Place(
    "employer",
    "/employer/",
    _("Vacancies"),
    _("Your organisation's vacancies and the candidates shared with it."),
)
DASHBOARDS = Place(
    "dashboards",
    "/dashboard/",
    _("Dashboards"),
    _("Figures of the municipalities you work for."),
)
ADMIN = Place(
    "admin",
    "/admin/",
    _("Administration"),
    _("Users, roles and catalogues."),
)
API_DOCS = Place(
    "api-docs",
    "/api/v1/docs/",
    _("API documentation"),
    _("The REST API that outside systems use."),
)


#: The places whose pages exist (the workspace and the employer pages arrive in steps).
BUILT: frozenset[Place] = frozenset({WORKSPACE, EMPLOYER, DASHBOARDS, ADMIN})


def user_capabilities(user: Any) -> frozenset[Capability]:
    """The caller's capabilities, from the same role resolution as the API."""
    return capabilities_of(roles_of(user))


def places_for(user: Any) -> list[Place]:
    """The places ``user`` may open, most daily first."""
    if not getattr(user, "is_authenticated", False):
        return []
    roles = roles_of(user)
    capabilities = capabilities_of(roles)
    places = []
    if Role.COUNSELLOR in roles and WORKSPACE in BUILT:
        places.append(WORKSPACE)
    if Role.EMPLOYER in roles and EMPLOYER in BUILT:
        places.append(EMPLOYER)
    if Capability.DASHBOARD_READ in capabilities:
        places.append(DASHBOARDS)
    if getattr(user, "is_staff", False):
        places.append(ADMIN)
    return places


def home_for(user: Any) -> str:
    """The first page after logging in: the most daily place the roles open."""
    places = places_for(user)
    return places[0].url if places else DASHBOARDS.url
