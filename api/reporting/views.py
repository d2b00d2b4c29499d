"""Dashboards and the ESF+ participant report (docs/api.md and docs/domain.md#dashboards-and-the-esf-report). Aggregates only: no answer
holds participant-level data, so none is written to the read-access log.

- ``municipalities/{code}/dashboard/``: counsellors, managers and coordinators of that
  municipality, live; 404 outside the caller's municipalities.
- ``dashboard/``: the whole pilot, for the pilot-wide coordinator, from the rollup.
- ``reports/esf/``: managers and coordinators, for one municipality of their scope
  (``municipality=``) or all of it; JSON, or CSV/XLSX with ``format=csv|xlsx``.

Checks run in the order of docs/access.md: 401, 403 (capability), 404 (scope), then 400 (period,
format)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from api.base import PolkuViewMixin
from api.renderers import FastJSONRenderer
from api.reporting import serializers as s
from api.reporting.renderers import ESFReportCSVRenderer, ESFReportXLSXRenderer
from api.schema import ErrorSerializer, PolkuAutoSchema
from casework.access import dashboard_municipality_ids, reads_whole_pilot, report_municipality_ids
from core.access import Capability
from core.errors import PermissionDenied, ValidationFailed
from core.i18n import localized_name
from core.read_log import NO_PERSONAL_DATA
from municipalities.selectors import municipality_get, municipality_list
from reporting.esf import esf_participant_report
from reporting.periods import Period, parse_period
from reporting.rollups import municipality_dashboard_precomputed, pilot_dashboard_precomputed

FORMATS = ("json", "csv", "xlsx")
XLSX_MEDIA_TYPE = ESFReportXLSXRenderer.media_type

PERIOD_PARAMETERS = [
    OpenApiParameter(
        "from",
        str,
        OpenApiParameter.QUERY,
        pattern=r"^\d{4}-\d{2}(-\d{2})?$",
        description="First month (YYYY-MM; a date YYYY-MM-DD counts from the first day of its "
        "month). Filters by enrolment month.",
    ),
    OpenApiParameter(
        "to",
        str,
        OpenApiParameter.QUERY,
        pattern=r"^\d{4}-\d{2}(-\d{2})?$",
        description="Last month (YYYY-MM; a date counts to the last day of its month).",
    ),
]


def _period(request: Any) -> Period:
    return parse_period(request.query_params.get("from"), request.query_params.get("to"))


class MunicipalityDashboardView(PolkuViewMixin, GenericAPIView):
    """One municipality's dashboard, suppressed (docs/domain.md#dashboards-and-the-esf-report): live, except the unfiltered view
    of a municipality with at least ``POLKU_DASHBOARD_LIVE_LIMIT`` participants, which comes from
    a rollup at most five minutes old (``computed_at`` says when; ADR 12)."""

    required_capabilities = {"GET": Capability.DASHBOARD_READ}
    read_log = {"GET": NO_PERSONAL_DATA}
    http_method_names = ["get", "head", "options"]
    serializer_class = s.DashboardSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("code", str, OpenApiParameter.PATH, pattern=r"^[0-9]{3}$"),
            *PERIOD_PARAMETERS,
        ],
        responses=s.DashboardSerializer,
    )
    def get(self, request: Any, code: str) -> Response:
        municipality = municipality_get(code=code, ids=dashboard_municipality_ids(request.user))
        period = _period(request)
        return Response(
            municipality_dashboard_precomputed(
                municipality, period_from=period.start, period_to=period.end
            )
        )


class PilotDashboardView(PolkuViewMixin, GenericAPIView):
    """The whole pilot, for the pilot-wide coordinator. Unfiltered, it comes from a rollup at
    most five minutes old (``computed_at`` says when); filtered by a period, it is live."""

    required_capabilities = {"GET": Capability.PILOT_DASHBOARD_READ}
    read_log = {"GET": NO_PERSONAL_DATA}
    http_method_names = ["get", "head", "options"]
    serializer_class = s.DashboardSerializer

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=s.DashboardSerializer)
    def get(self, request: Any) -> Response:
        if not reads_whole_pilot(request.user):
            raise PermissionDenied(
                _("The whole-pilot dashboard is for the pilot-wide coordinator.")
            )
        period = _period(request)
        return Response(pilot_dashboard_precomputed(period_from=period.start, period_to=period.end))


class QueryFormatNegotiation(DefaultContentNegotiation):
    """``?format=`` picks the renderer, whatever ``Accept`` says. An unknown format falls back to
    JSON here, so that authentication and permissions answer first; the view then refuses it
    with 400."""

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        requested = request.query_params.get("format")
        if requested:
            for renderer in renderers:
                if renderer.format == requested:
                    return renderer, renderer.media_type
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)


class ReportSchema(PolkuAutoSchema):
    """Errors answer JSON whatever ``format`` asked for, so only the 200 lists CSV and XLSX
    (declared explicitly on the view)."""

    def map_renderers(self, attribute: str) -> list[Any]:
        return ["application/json"] if attribute == "media_type" else ["json"]


class ESFReportView(PolkuViewMixin, GenericAPIView):
    """The ESF+ participant report of one municipality (``municipality=``) or the caller's
    whole scope: JSON, CSV or XLSX (docs/domain.md#dashboards-and-the-esf-report)."""

    required_capabilities = {"GET": Capability.REPORT_READ}
    read_log = {"GET": NO_PERSONAL_DATA}
    http_method_names = ["get", "head", "options"]
    serializer_class = s.ESFReportSerializer
    renderer_classes = [FastJSONRenderer, ESFReportCSVRenderer, ESFReportXLSXRenderer]
    content_negotiation_class = QueryFormatNegotiation
    schema = ReportSchema()

    @extend_schema(
        parameters=[
            *PERIOD_PARAMETERS,
            OpenApiParameter(
                "municipality",
                str,
                OpenApiParameter.QUERY,
                description="A municipality code of your scope (404 otherwise); without it, "
                "every municipality you manage or coordinate.",
            ),
            OpenApiParameter(
                "format",
                str,
                OpenApiParameter.QUERY,
                enum=list(FORMATS),
                description="json (default), csv or xlsx. Suppressed cells are null in JSON and "
                "empty in CSV and XLSX, with a footnote naming the rule.",
            ),
        ],
        responses={
            (200, "application/json"): s.ESFReportSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, XLSX_MEDIA_TYPE): OpenApiTypes.BINARY,
            404: OpenApiResponse(
                ErrorSerializer,
                description="The municipality is not in your scope (not_found)",
            ),
        },
    )
    def get(self, request: Any) -> Response:
        ids = report_municipality_ids(request.user)
        code = request.query_params.get("municipality")
        if code:
            municipality = municipality_get(code=code, ids=ids)
            ids = frozenset({municipality.pk})
            scope = {
                "kind": "municipality",
                "code": municipality.code,
                "name": localized_name(municipality),
                "municipalities": [municipality.code],
            }
        else:
            municipalities = list(municipality_list(ids=ids))
            is_pilot = reads_whole_pilot(request.user)
            scope = {
                "kind": "pilot" if is_pilot else "municipalities",
                "code": None,
                "name": _("Whole pilot")
                if is_pilot
                else ", ".join(localized_name(m) for m in municipalities),
                "municipalities": [m.code for m in municipalities],
            }
        period = _period(request)
        requested = request.query_params.get("format") or "json"
        if requested not in FORMATS:
            raise ValidationFailed.single("format", _("Choose json, csv or xlsx."))
        report = esf_participant_report(
            municipality_ids=ids, scope=scope, period_from=period.start, period_to=period.end
        )
        response = Response(report)
        if requested != "json":
            name = "-".join(
                part
                for part in ("esf-report", scope["code"] or scope["kind"], *_period_parts(period))
                if part
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.{requested}"'
        return response

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        """Errors always answer the JSON envelope, whatever ``format`` asked for."""
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and renderer is not None and renderer.format != "json":
            request.accepted_renderer = FastJSONRenderer()
            request.accepted_media_type = FastJSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


def _period_parts(period: Period) -> tuple[str, str]:
    return (
        period.start.strftime("%Y-%m") if period.start else "",
        period.end.strftime("%Y-%m") if period.end else "",
    )
