"""Dashboard pages for people: ``/dashboard/`` lists the caller's municipalities (and the whole
pilot for the coordinator), ``/dashboard/<code>/`` and ``/dashboard/pilot/`` show one dashboard as
charts drawn server-side in inline SVG with the numbers in tables beside them, and
``…/<table>.csv`` downloads one table. Everything sits behind Django's session login; no asset
comes from anywhere but Polku (no JavaScript, no web fonts).

The figures come from ``reporting.dashboards`` already suppressed (DESIGN.md §7): a ``None`` is a
hidden small cell, and these pages only present it. Access follows the API's rules (ADR 0002 and
0005): a role without dashboards gets 403 before anything is looked up, a municipality outside
the caller's scope 404, exactly like a missing one.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from assessments.selectors import licence_type_list
from casework.selectors import user_roles
from core.access import Capability, capabilities_of, roles_with
from core.errors import NotFound, ValidationFailed
from municipalities.models import Municipality
from municipalities.selectors import municipal_scope, municipality_get, municipality_list
from reporting.dashboard_tables import dashboard_tables
from reporting.periods import Period, parse_period
from reporting.rollups import municipality_dashboard_precomputed, pilot_dashboard_precomputed
from reporting.tables import SUPPRESSED, Table, _count, _month_label, _statistic, table_csv

#: Municipal roles whose municipalities have a dashboard the caller may read.
DASHBOARD_ROLES = tuple(role.value for role in roles_with(Capability.DASHBOARD_READ))


# --- access -------------------------------------------------------------------------------------


def _capabilities(user: Any) -> frozenset[Capability]:
    """The caller's capabilities, from the same role resolution as the API."""
    return capabilities_of(user_roles(user))


def _dashboard_municipality_ids(user: Any) -> frozenset[int]:
    return municipal_scope(user).municipality_ids(*DASHBOARD_ROLES)


def _may_read_pilot(user: Any) -> bool:
    """The whole pilot is for the pilot-wide coordinator, as in the API: a coordinator granted
    some municipalities only sees those."""
    return (
        Capability.PILOT_DASHBOARD_READ in _capabilities(user)
        and municipal_scope(user).is_pilot_coordinator
    )


_ERRORS = {
    400: ("Bad request", "The page could not understand the request."),
    403: (
        "No dashboards for your role",
        "Dashboards are for counsellors, municipal managers and the pilot coordinator. "
        "Your account holds none of these roles.",
    ),
    404: (
        "Page not found",
        "There is no dashboard at this address that you may open.",
    ),
}
_PILOT_ONLY = {
    "title": "Not for your role",
    "detail": "The whole-pilot dashboard is for the pilot-wide coordinator.",
}


def _error_page(
    request: HttpRequest, status: int, detail: str | None = None, title: str | None = None
) -> HttpResponse:
    default_title, message = _ERRORS[status]
    return TemplateResponse(
        request,
        "reporting/error.html",
        {"status": status, "title": title or default_title, "message": detail or message},
        status=status,
    )


def _dashboard_page(capability: Capability) -> Callable[[Callable[..., HttpResponse]], Any]:
    """Session login (anonymous → login page), then 403 without ``capability``, then the view,
    whose ``NotFound`` (a municipality or table out of reach) answers the 404 page and whose
    ``ValidationFailed`` (a period that is not whole months) the 400 page. Nothing is cached:
    the figures are the caller's, and live."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if capability not in _capabilities(request.user):
                return _error_page(request, 403)
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                return _error_page(request, 404)
            except ValidationFailed as error:
                messages = [message for field in error.errors.values() for message in field]
                detail = " ".join(messages) or str(error)
                return _error_page(request, 400, detail, title="Check the period")

        return never_cache(require_safe(login_required(wrapper)))

    return decorator


# --- the figures --------------------------------------------------------------------------------


def _period(request: HttpRequest) -> Period:
    """``?from=YYYY-MM&to=YYYY-MM`` as the API reads it (whole months; 400 otherwise)."""
    return parse_period(request.GET.get("from"), request.GET.get("to"))


def _municipality_figures(municipality: Municipality, period: Period) -> dict[str, Any]:
    return municipality_dashboard_precomputed(
        municipality, period_from=period.start, period_to=period.end
    )


def _pilot_figures(period: Period) -> dict[str, Any]:
    """From the rollup (at most five minutes old) when unfiltered, live for a period."""
    return pilot_dashboard_precomputed(period_from=period.start, period_to=period.end)


# --- pages --------------------------------------------------------------------------------------


@dataclass
class Dashboard:
    figures: dict[str, Any]
    tables: list[Table]
    computed_at: datetime.datetime | None
    key_figures: list[tuple[str, str]] = field(default_factory=list)

    def table(self, slug: str) -> Table:
        for table in self.tables:
            if table.slug == slug:
                return table
        raise NotFound()


TABLE_SLUGS = (
    "funnel",
    "participants-by-status",
    "language-levels",
    "licence-cards",
    "training-pass-rates",
    "matches-by-status",
    "outcomes-by-kind",
    "outcomes-by-contract-type",
    "monthly-trend",
    "unmet-licence-demand",
)


def _present(figures: dict[str, Any]) -> Dashboard:
    licence_names = dict(licence_type_list().values_list("code", "name_en"))
    computed_at = None
    if figures.get("computed_at"):
        try:
            computed_at = timezone.localtime(
                datetime.datetime.fromisoformat(str(figures["computed_at"]))
            )
        except ValueError:
            computed_at = None
    funnel = figures.get("funnel") or {}
    median = _statistic(
        figures.get("median_days_to_employment"),
        "median_days_to_employment",
        frozenset(figures.get("suppressed_cells") or ()),
        percent=False,
    )
    key_figures = [
        ("Enrolled", _count(funnel.get("enrolled")).text),
        ("Employed", _count(funnel.get("employed")).text),
        ("Median days to first job", median.text),
    ]
    return Dashboard(
        figures=figures,
        tables=dashboard_tables(figures, licence_names),
        computed_at=computed_at,
        key_figures=key_figures,
    )


def _page_context(dashboard: Dashboard, period: Period, **extra: Any) -> dict[str, Any]:
    months = {
        "from": period.start.strftime("%Y-%m") if period.start else "",
        "to": period.end.strftime("%Y-%m") if period.end else "",
    }
    return {
        "dashboard": dashboard,
        "figures": dashboard.figures,
        "period_from": months["from"],
        "period_to": months["to"],
        "period_from_label": _month_label(months["from"]) if period.start else "",
        "period_to_label": _month_label(months["to"]) if period.end else "",
        "query": urlencode({key: value for key, value in months.items() if value}),
        "suppressed_mark": SUPPRESSED,
        **extra,
    }


def _csv_response(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@_dashboard_page(Capability.DASHBOARD_READ)
def dashboard_index(request: HttpRequest) -> HttpResponse:
    municipalities = municipality_list(ids=_dashboard_municipality_ids(request.user))
    return TemplateResponse(
        request,
        "reporting/index.html",
        {
            "municipalities": municipalities,
            "may_read_pilot": _may_read_pilot(request.user),
        },
    )


@_dashboard_page(Capability.DASHBOARD_READ)
def municipality_dashboard_page(request: HttpRequest, code: str) -> HttpResponse:
    municipality = municipality_get(code=code, ids=_dashboard_municipality_ids(request.user))
    period = _period(request)
    dashboard = _present(_municipality_figures(municipality, period))
    return TemplateResponse(
        request,
        "reporting/dashboard.html",
        _page_context(
            dashboard,
            period,
            heading=f"{municipality.name_fi} ({municipality.code})",
            scope_name=municipality.name_fi,
            csv_prefix=f"/dashboard/{municipality.code}/",
        ),
    )


@_dashboard_page(Capability.DASHBOARD_READ)
def municipality_dashboard_csv(request: HttpRequest, code: str, table: str) -> HttpResponse:
    municipality = municipality_get(code=code, ids=_dashboard_municipality_ids(request.user))
    if table not in TABLE_SLUGS:
        raise NotFound()
    dashboard = _present(_municipality_figures(municipality, _period(request)))
    return _csv_response(dashboard.table(table), f"polku-{municipality.code}-{table}.csv")


@_dashboard_page(Capability.PILOT_DASHBOARD_READ)
def pilot_dashboard_page(request: HttpRequest) -> HttpResponse:
    if not _may_read_pilot(request.user):
        return _error_page(request, 403, **_PILOT_ONLY)
    period = _period(request)
    dashboard = _present(_pilot_figures(period))
    return TemplateResponse(
        request,
        "reporting/dashboard.html",
        _page_context(
            dashboard,
            period,
            heading="Whole pilot",
            scope_name="Whole pilot",
            csv_prefix="/dashboard/pilot/",
        ),
    )


@_dashboard_page(Capability.PILOT_DASHBOARD_READ)
def pilot_dashboard_csv(request: HttpRequest, table: str) -> HttpResponse:
    if not _may_read_pilot(request.user):
        return _error_page(request, 403, **_PILOT_ONLY)
    if table not in TABLE_SLUGS:
        raise NotFound()
    dashboard = _present(_pilot_figures(_period(request)))
    return _csv_response(dashboard.table(table), f"polku-pilot-{table}.csv")
