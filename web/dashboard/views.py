"""Dashboard pages for people: ``/dashboard/`` lists the caller's municipalities (and the whole
pilot for the coordinator; one municipality opens at once), ``/dashboard/<code>/`` and ``/dashboard/pilot/`` show one dashboard as
charts drawn server-side in inline SVG with the numbers in tables beside them, and
``…/<table>.csv`` downloads one table. Everything sits behind Django's session login; no asset
comes from anywhere but Polku (no JavaScript, no web fonts).

The figures come from ``reporting.dashboards`` already suppressed (docs/domain.md#dashboards-and-the-esf-report): a ``None`` is a
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

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assessments.selectors import licence_type_list
from casework.access import dashboard_municipality_ids, reads_whole_pilot
from core.access import Capability
from core.errors import NotFound, ValidationFailed
from core.read_log import NO_PERSONAL_DATA, declare
from municipalities.models import Municipality
from municipalities.selectors import municipality_get, municipality_list
from reporting.periods import Period, parse_period
from reporting.rollups import municipality_dashboard_precomputed, pilot_dashboard_precomputed
from web.dashboard.figures import dashboard_tables
from web.dashboard.tables import SUPPRESSED, Table, _count, _month_label, _statistic, table_csv
from web.pages import error_page, page, validation_message


def _no_dashboards() -> tuple[str, str]:
    return (
        _("No dashboards for your role"),
        _("Dashboards are for counsellors, municipal managers and the pilot coordinator."),
    )


def _pilot_only(request: HttpRequest) -> HttpResponse:
    return error_page(
        request,
        403,
        message=_("The whole-pilot dashboard is for the pilot-wide coordinator."),
    )


def _dashboard_page(capability: Capability) -> Callable[[Callable[..., HttpResponse]], Any]:
    """``web.pages.page`` (login, 403, 404) for GET and HEAD only, whose ``ValidationFailed``
    (a period that is not whole months) answers the 400 page."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except ValidationFailed as error:
                return error_page(
                    request, 400, title=_("Check the period"), message=validation_message(error)
                )

        # Aggregates only: the dashboards name no participant (core.read_log).
        return declare(NO_PERSONAL_DATA)(
            require_safe(page(capability, forbidden=_no_dashboards)(wrapper))
        )

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
    licence_names = {item.code: item.name for item in licence_type_list()}
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
    municipalities = list(municipality_list(ids=dashboard_municipality_ids(request.user)))
    may_read_pilot = reads_whole_pilot(request.user)
    if len(municipalities) == 1 and not may_read_pilot:
        # One dashboard to open: open it (issue 9 item 8), keeping a chosen period.
        query = request.META.get("QUERY_STRING", "")
        target = f"/dashboard/{municipalities[0].code}/"
        return redirect(f"{target}?{query}" if query else target)
    return TemplateResponse(
        request,
        "web/dashboard/index.html",
        {"municipalities": municipalities, "may_read_pilot": may_read_pilot},
    )


@_dashboard_page(Capability.DASHBOARD_READ)
def municipality_dashboard_page(request: HttpRequest, code: str) -> HttpResponse:
    municipality = municipality_get(code=code, ids=dashboard_municipality_ids(request.user))
    period = _period(request)
    dashboard = _present(_municipality_figures(municipality, period))
    return TemplateResponse(
        request,
        "web/dashboard/dashboard.html",
        _page_context(
            dashboard,
            period,
            heading=f"{municipality.name} ({municipality.code})",
            scope_name=municipality.name,
            csv_prefix=f"/dashboard/{municipality.code}/",
        ),
    )


@_dashboard_page(Capability.DASHBOARD_READ)
def municipality_dashboard_csv(request: HttpRequest, code: str, table: str) -> HttpResponse:
    municipality = municipality_get(code=code, ids=dashboard_municipality_ids(request.user))
    if table not in TABLE_SLUGS:
        raise NotFound()
    dashboard = _present(_municipality_figures(municipality, _period(request)))
    return _csv_response(dashboard.table(table), f"polku-{municipality.code}-{table}.csv")


@_dashboard_page(Capability.PILOT_DASHBOARD_READ)
def pilot_dashboard_page(request: HttpRequest) -> HttpResponse:
    if not reads_whole_pilot(request.user):
        return _pilot_only(request)
    period = _period(request)
    dashboard = _present(_pilot_figures(period))
    return TemplateResponse(
        request,
        "web/dashboard/dashboard.html",
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
    if not reads_whole_pilot(request.user):
        return _pilot_only(request)
    if table not in TABLE_SLUGS:
        raise NotFound()
    dashboard = _present(_pilot_figures(_period(request)))
    return _csv_response(dashboard.table(table), f"polku-pilot-{table}.csv")
