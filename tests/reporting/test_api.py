"""The dashboard and report endpoints (docs/access.md and docs/api.md): who may read what, the check order
401 → 403 → 404 → 400, errors as the JSON envelope whatever ``format`` asks for, the pilot view
from its rollup, and the schema."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.actors import system_actor
from municipalities import services as municipality_services
from reporting.models import DashboardRollup
from tests import factories
from tests.api.conftest import client_for
from tests.reporting.conftest import participant

MUNICIPALITY_DASHBOARD = "/api/v1/municipalities/{code}/dashboard/"
PILOT_DASHBOARD = "/api/v1/dashboard/"
ESF_REPORT = "/api/v1/reports/esf/"

DASHBOARD_KEYS = {
    "scope",
    "period",
    "computed_at",
    "funnel",
    "participants_by_status",
    "language_levels",
    "licence_cards_by_type",
    "training_pass_rates",
    "matches_by_status",
    "outcomes_by_kind",
    "outcomes_by_contract_type",
    "median_days_to_employment",
    "monthly_trend",
    "unmet_licence_demand",
    "deadlines",
    "suppressed_cells",
}


@pytest.fixture
def users(jamsa, aanekoski) -> dict[str, Any]:
    for _ in range(6):
        participant(jamsa, status="active")
    for _ in range(5):
        participant(aanekoski, status="job_seeking")
    municipal_coordinator = factories.UserFactory(username="coordinator.jamsa")
    municipality_services.role_grant(
        actor=system_actor(), user=municipal_coordinator, role="coordinator", municipality=jamsa
    )
    return {
        "anonymous": None,
        "counsellor": factories.counsellor("182"),
        "other_counsellor": factories.counsellor("992"),
        "manager": factories.manager("182"),
        "other_manager": factories.manager("992"),
        "coordinator": factories.coordinator(),
        "municipal_coordinator": municipal_coordinator,
        "employer": factories.employer_user(),
        "admin": factories.admin_user(),
    }


def _get(users: dict[str, Any], role: str, path: str, **params: Any) -> Any:
    return client_for(users[role]).get(path, params)


@pytest.mark.parametrize(
    ("role", "code", "status"),
    [
        ("anonymous", "182", 401),
        ("counsellor", "182", 200),
        ("counsellor", "992", 404),
        ("other_counsellor", "182", 404),
        ("manager", "182", 200),
        ("manager", "992", 404),
        ("manager", "999", 404),
        ("other_manager", "992", 200),
        ("coordinator", "182", 200),
        ("coordinator", "992", 200),
        ("municipal_coordinator", "182", 200),
        ("municipal_coordinator", "992", 404),
        ("employer", "182", 403),
        ("admin", "182", 403),
    ],
)
def test_municipality_dashboard_matrix(users, role, code, status):
    response = _get(users, role, MUNICIPALITY_DASHBOARD.format(code=code))
    assert response.status_code == status, response.content
    if status == 200:
        body = response.json()
        assert set(body) == DASHBOARD_KEYS
        assert body["scope"]["code"] == code
        assert body["funnel"]["enrolled"] == (6 if code == "182" else 5)
    else:
        code_name = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}
        assert response.json()["code"] == code_name[status]
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("counsellor", 403),
        ("manager", 403),
        ("coordinator", 200),
        ("municipal_coordinator", 403),
        ("employer", 403),
        ("admin", 403),
    ],
)
def test_pilot_dashboard_matrix(users, role, status):
    response = _get(users, role, PILOT_DASHBOARD)
    assert response.status_code == status, response.content
    if status == 200:
        body = response.json()
        assert set(body) == DASHBOARD_KEYS
        assert body["scope"] == {"kind": "pilot", "code": None, "name": "Whole pilot"}
        assert body["funnel"]["enrolled"] == 11


@pytest.mark.parametrize(
    ("role", "params", "status", "municipalities"),
    [
        ("anonymous", {}, 401, None),
        ("anonymous", {"format": "csv"}, 401, None),
        ("counsellor", {}, 403, None),
        ("counsellor", {"format": "xlsx"}, 403, None),
        ("manager", {}, 200, ["182"]),
        ("manager", {"municipality": "182"}, 200, ["182"]),
        ("manager", {"municipality": "992"}, 404, None),
        ("manager", {"municipality": "999"}, 404, None),
        ("manager", {"municipality": "992", "from": "bad"}, 404, None),
        ("manager", {"from": "bad"}, 400, None),
        ("manager", {"format": "pdf"}, 400, None),
        ("coordinator", {}, 200, None),
        ("coordinator", {"municipality": "992"}, 200, ["992"]),
        ("municipal_coordinator", {}, 200, ["182"]),
        ("municipal_coordinator", {"municipality": "992"}, 404, None),
        ("employer", {}, 403, None),
        ("admin", {}, 403, None),
    ],
)
def test_esf_report_matrix(users, role, params, status, municipalities):
    response = _get(users, role, ESF_REPORT, **params)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    if status != 200:
        assert set(body) >= {"code", "detail"}
        return
    if municipalities is None:  # the pilot-wide coordinator without a municipality
        assert body["scope"]["kind"] == "pilot"
        assert len(body["scope"]["municipalities"]) > 2
    else:
        assert body["scope"]["municipalities"] == municipalities


def test_bad_periods_answer_400_with_the_field(users):
    response = _get(
        users, "manager", MUNICIPALITY_DASHBOARD.format(code="182"), **{"from": "2024-13"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"from": ["That is not a real month or date."]}
    response = _get(users, "coordinator", PILOT_DASHBOARD, **{"from": "2024-05", "to": "2024-04"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"to"}


def test_period_is_answered_in_whole_months(users):
    response = _get(
        users,
        "manager",
        MUNICIPALITY_DASHBOARD.format(code="182"),
        **{"from": "2024-02-10", "to": "2024-02"},
    )
    assert response.status_code == 200
    assert response.json()["period"] == {"from": "2024-02-01", "to": "2024-02-29"}


def test_no_answer_holds_participant_level_data(users, jamsa):
    person = participant(jamsa, first_name="Amina", last_name="Hassan", email="amina@example.fi")
    for role, path in (
        ("manager", MUNICIPALITY_DASHBOARD.format(code="182")),
        ("coordinator", PILOT_DASHBOARD),
        ("manager", ESF_REPORT),
    ):
        text = _get(users, role, path).content.decode()
        for value in ("Amina", "Hassan", "amina@example.fi", str(person.uuid)):
            assert value not in text


# The pilot view and its rollup -------------------------------------------------------------------


def test_the_pilot_view_computes_and_stores_its_rollup_before_the_command_has_ever_run(
    users, jamsa
):
    assert not DashboardRollup.objects.exists()

    first = _get(users, "coordinator", PILOT_DASHBOARD).json()

    rollup = DashboardRollup.objects.get(key="pilot")
    assert first["computed_at"] == rollup.computed_at.isoformat()
    assert first["funnel"]["enrolled"] == 11
    # A new participant shows only once the rollup is refreshed.
    participant(jamsa)
    assert _get(users, "coordinator", PILOT_DASHBOARD).json() == first
    # … or once it is older than five minutes.
    DashboardRollup.objects.filter(key="pilot").update(
        computed_at=timezone.now() - datetime.timedelta(minutes=6)
    )
    later = _get(users, "coordinator", PILOT_DASHBOARD).json()
    assert later["funnel"]["enrolled"] == 12
    assert later["computed_at"] > first["computed_at"]


def test_a_filtered_pilot_view_is_live(users, jamsa):
    _get(users, "coordinator", PILOT_DASHBOARD)
    participant(jamsa, enrolled_on=datetime.date(2024, 3, 5))
    for _ in range(4):
        participant(jamsa, enrolled_on=datetime.date(2024, 3, 20))
    body = _get(
        users, "coordinator", PILOT_DASHBOARD, **{"from": "2024-03", "to": "2024-03"}
    ).json()
    assert body["funnel"]["enrolled"] == 5
    assert body["period"] == {"from": "2024-03-01", "to": "2024-03-31"}


# Municipality rollups (ADR 12) -------------------------------------------------------------------


def test_a_large_municipality_is_served_from_its_rollup_and_a_small_one_live(
    users, jamsa, aanekoski, settings
):
    settings.POLKU_DASHBOARD_LIVE_LIMIT = 6  # Jämsä has 6 participants, Äänekoski 5
    call_command("refresh_dashboards", stdout=io.StringIO())
    jamsa_path = MUNICIPALITY_DASHBOARD.format(code="182")
    aanekoski_path = MUNICIPALITY_DASHBOARD.format(code="992")
    first = _get(users, "manager", jamsa_path).json()
    rollup = DashboardRollup.objects.get(key="municipality:182")
    assert first["computed_at"] == rollup.computed_at.isoformat()
    assert not DashboardRollup.objects.filter(key="municipality:992").exists()

    participant(jamsa, status="active")
    participant(aanekoski, status="job_seeking")

    # Jämsä's new participant shows once the rollup is refreshed; Äänekoski's at once.
    assert _get(users, "manager", jamsa_path).json() == first
    assert _get(users, "other_manager", aanekoski_path).json()["funnel"]["enrolled"] == 6
    call_command("refresh_dashboards", stdout=io.StringIO())
    refreshed = _get(users, "manager", jamsa_path).json()
    assert refreshed["funnel"]["enrolled"] == 7
    assert refreshed["computed_at"] > first["computed_at"]


def test_a_stale_municipality_rollup_is_recomputed_by_its_reader(users, jamsa, settings):
    settings.POLKU_DASHBOARD_LIVE_LIMIT = 6
    call_command("refresh_dashboards", stdout=io.StringIO())
    participant(jamsa, status="active")
    DashboardRollup.objects.filter(key="municipality:182").update(
        computed_at=timezone.now() - datetime.timedelta(minutes=6)
    )
    body = _get(users, "manager", MUNICIPALITY_DASHBOARD.format(code="182")).json()
    assert body["funnel"]["enrolled"] == 7
    rollup = DashboardRollup.objects.get(key="municipality:182")
    assert body["computed_at"] == rollup.computed_at.isoformat()


def test_a_filtered_municipality_view_is_live_even_with_a_rollup(users, jamsa, settings):
    settings.POLKU_DASHBOARD_LIVE_LIMIT = 6
    call_command("refresh_dashboards", stdout=io.StringIO())
    for _ in range(5):
        participant(jamsa, enrolled_on=datetime.date(2024, 3, 20))
    body = _get(
        users,
        "manager",
        MUNICIPALITY_DASHBOARD.format(code="182"),
        **{"from": "2024-03", "to": "2024-03"},
    ).json()
    assert body["funnel"]["enrolled"] == 5


def test_refresh_forgets_the_rollup_of_a_municipality_below_the_limit(users, settings):
    settings.POLKU_DASHBOARD_LIVE_LIMIT = 6
    call_command("refresh_dashboards", stdout=io.StringIO())
    assert DashboardRollup.objects.filter(key="municipality:182").exists()
    settings.POLKU_DASHBOARD_LIVE_LIMIT = 7
    out = io.StringIO()
    call_command("refresh_dashboards", stdout=out)
    assert set(DashboardRollup.objects.values_list("key", flat=True)) == {"pilot"}
    assert "municipality:182" not in out.getvalue()


def test_the_rollup_of_another_municipality_is_still_not_found(users, settings):
    settings.POLKU_DASHBOARD_LIVE_LIMIT = 5
    call_command("refresh_dashboards", stdout=io.StringIO())
    assert DashboardRollup.objects.filter(key="municipality:992").exists()
    response = _get(users, "manager", MUNICIPALITY_DASHBOARD.format(code="992"))
    assert response.status_code == 404


# Schema ---------------------------------------------------------------------------------------


def test_the_schema_documents_the_three_routes():
    schema = client_for().get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    dashboard = paths["/api/v1/municipalities/{code}/dashboard/"]["get"]
    assert {"200", "400", "401", "403", "404"} <= set(dashboard["responses"])
    pilot = paths["/api/v1/dashboard/"]["get"]
    assert {"200", "401", "403"} <= set(pilot["responses"])
    report = paths["/api/v1/reports/esf/"]["get"]
    assert set(report["responses"]["200"]["content"]) == {
        "application/json",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    assert set(report["responses"]["404"]["content"]) == {"application/json"}
    parameters = {parameter["name"]: parameter for parameter in report["parameters"]}
    assert parameters["format"]["schema"]["enum"] == ["csv", "json", "xlsx"]
    assert {"from", "to", "municipality"} <= set(parameters)
