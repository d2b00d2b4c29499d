"""The dashboard pages without a browser: who may open what, and what the CSV downloads hold."""

from __future__ import annotations

import csv
import io

import pytest

from core.actors import system_actor
from municipalities import services as municipality_services
from municipalities.models import Municipality
from reporting.dashboards import municipality_dashboard
from tests import factories
from web.dashboard import figures as dashboard_tables
from web.dashboard import tables, views

MUNICIPALITY_PAGES = ["/dashboard/182/", "/dashboard/182/funnel.csv"]
OTHER_MUNICIPALITY_PAGES = [
    "/dashboard/992/",
    "/dashboard/992/funnel.csv",
    "/dashboard/000/",
    "/dashboard/nowhere/",
]
PILOT_PAGES = ["/dashboard/pilot/", "/dashboard/pilot/funnel.csv"]
EVERY_PAGE = ["/dashboard/", *MUNICIPALITY_PAGES, *OTHER_MUNICIPALITY_PAGES, *PILOT_PAGES]


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("url", EVERY_PAGE)
def test_anonymous_is_sent_to_the_login_page(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("role", ["manager", "counsellor"])
@pytest.mark.parametrize(
    ("url", "status"),
    [
        *((url, 200) for url in MUNICIPALITY_PAGES),
        *((url, 404) for url in OTHER_MUNICIPALITY_PAGES),
        *((url, 403) for url in PILOT_PAGES),
        ("/dashboard/182/no-such-table.csv", 404),
    ],
)
def test_municipal_staff_open_only_their_own_municipality(client, users, role, url, status):
    client.force_login(users[role])

    response = client.get(url)

    assert response.status_code == status
    if status != 200:
        assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("role", ["employer", "admin"])
@pytest.mark.parametrize("url", EVERY_PAGE)
def test_roles_without_dashboards_are_refused_before_any_look_up(client, users, role, url):
    client.force_login(users[role])

    response = client.get(url)

    assert response.status_code == 403
    assert b"No dashboards for your role" in response.content
    assert b"none of these roles" not in response.content


def test_the_403_page_tells_an_admin_where_to_go_instead(client, users):
    client.force_login(users["admin"])

    body = client.get("/dashboard/").content.decode()

    assert "What you can open" in body
    choices = body.split("What you can open")[1]
    assert 'href="/admin/"' in choices
    assert 'href="/dashboard/"' not in choices


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/",
        "/dashboard/182/",
        "/dashboard/992/",
        *PILOT_PAGES,
        "/dashboard/992/funnel.csv",
    ],
)
def test_coordinator_opens_every_municipality_and_the_pilot(client, users, url):
    client.force_login(users["coordinator"])

    response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/dashboard/", 302),
        ("/dashboard/182/", 200),
        ("/dashboard/992/", 404),
        ("/dashboard/pilot/", 403),
        ("/dashboard/pilot/funnel.csv", 403),
    ],
)
def test_a_coordinator_of_one_municipality_sees_that_one_and_not_the_pilot(client, url, status):
    user = factories.UserFactory(username="coordinator.jamsa")
    municipality_services.role_grant(
        actor=system_actor(), user=user, role="coordinator", municipality=factories.municipality()
    )
    client.force_login(user)

    response = client.get(url)

    assert response.status_code == status
    assert 'href="/dashboard/pilot/"' not in response.content.decode()


def test_a_missing_municipality_answers_the_404_page_like_a_foreign_one(client, users):
    client.force_login(users["coordinator"])

    response = client.get("/dashboard/000/")

    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.parametrize("role", ["manager", "counsellor"])
def test_staff_of_one_municipality_go_straight_to_its_dashboard(client, users, role):
    client.force_login(users[role])

    response = client.get("/dashboard/?from=2026-01")

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/182/?from=2026-01"


def test_index_lists_the_callers_municipalities(client, users):
    manager = users["manager"]
    municipality_services.role_grant(
        actor=system_actor(),
        user=manager,
        role="manager",
        municipality=factories.municipality("249"),
    )
    client.force_login(manager)

    body = client.get("/dashboard/").content.decode()

    assert 'href="/dashboard/182/"' in body
    assert 'href="/dashboard/992/"' not in body
    assert 'href="/dashboard/pilot/"' not in body


def test_index_lists_every_municipality_and_the_pilot_for_the_coordinator(client, users):
    client.force_login(users["coordinator"])

    body = client.get("/dashboard/").content.decode()

    for code in ("182", "992", "179"):
        assert f'href="/dashboard/{code}/"' in body
    assert 'href="/dashboard/pilot/"' in body


def test_page_shows_charts_tables_suppression_note_and_computed_at(client, populated):
    client.force_login(populated["manager"])

    response = client.get("/dashboard/182/")

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<svg") >= 9
    assert "Figures computed at" in body
    assert "Small numbers are hidden" in body
    assert '<meta name="viewport"' in body
    for slug in views.TABLE_SLUGS:
        assert f'href="/dashboard/182/{slug}.csv"' in body
        assert f'data-table="{slug}"' in body
    assert 'action="/accounts/logout/"' in body


def test_page_loads_nothing_from_elsewhere(client, users):
    client.force_login(users["coordinator"])

    for url in ("/dashboard/", "/dashboard/182/", "/dashboard/pilot/", "/accounts/login/"):
        body = client.get(url).content.decode()
        assert "http://" not in body
        assert "https://" not in body
        assert "<script" not in body


@pytest.mark.parametrize("slug", views.TABLE_SLUGS)
def test_every_table_downloads_as_csv(client, populated, slug):
    client.force_login(populated["manager"])

    response = client.get(f"/dashboard/182/{slug}.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="polku-182-{slug}.csv"'
    rows = _csv_rows(response)
    assert rows[0][0] in {
        "step",
        "status",
        "level",
        "licence_type",
        "kind",
        "contract_type",
        "month",
    }


def test_funnel_csv_holds_the_dashboards_numbers_and_empty_suppressed_cells(client, populated):
    client.force_login(populated["manager"])

    rows = _csv_rows(client.get("/dashboard/182/funnel.csv"))

    funnel = municipality_dashboard(Municipality.objects.get(code="182"))["funnel"]
    assert rows[0] == ["step", "count"]
    assert rows[1:] == [
        [step, "" if funnel[step] is None else str(funnel[step])]
        for step in ("enrolled", "assessed", "trained", "matched", "employed")
    ]


def test_pilot_csv_for_the_coordinator(client, users):
    client.force_login(users["coordinator"])

    response = client.get("/dashboard/pilot/participants-by-status.csv")

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="polku-pilot-participants-by-status.csv"'
    )
    assert _csv_rows(response)[0] == ["status", "count"]


def test_a_period_filters_the_page_and_its_csv_links(client, populated):
    client.force_login(populated["manager"])

    response = client.get("/dashboard/182/?from=2026-01&to=2026-06")

    body = response.content.decode()
    assert response.status_code == 200
    assert "from Jan 2026 to Jun 2026" in body
    assert 'href="/dashboard/182/funnel.csv?from=2026-01&amp;to=2026-06"' in body
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_month_filter_that_is_not_a_month_answers_400(client, users):
    client.force_login(users["manager"])

    response = client.get("/dashboard/182/?from=March")

    assert response.status_code == 400
    assert "YYYY-MM" in response.content.decode()


def test_root_sends_the_anonymous_to_the_login_page(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


@pytest.mark.parametrize(("role", "home"), [("manager", "/dashboard/"), ("admin", "/admin/")])
def test_root_sends_a_signed_in_person_to_their_home(client, users, role, home):
    client.force_login(users[role])

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == home


def test_login_form_signs_in_and_logout_signs_out(client, users, password):
    page = client.get("/accounts/login/?next=/dashboard/182/")
    assert page.status_code == 200
    assert 'name="username"' in page.content.decode()
    assert 'name="password"' in page.content.decode()

    response = client.post(
        "/accounts/login/",
        {"username": "manager.jamsa", "password": password, "next": "/dashboard/182/"},
        REMOTE_ADDR="127.0.0.1",
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/182/"
    assert client.get("/dashboard/182/").status_code == 200

    response = client.post("/accounts/logout/", {"next": "/accounts/login/"})
    assert response.status_code == 302
    assert client.get("/dashboard/182/").status_code == 302


def test_wrong_password_shows_the_form_again(client, users):
    response = client.post(
        "/accounts/login/",
        {"username": "manager.jamsa", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
    )

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


# --- presentation, from a hand-made answer -------------------------------------------------------

FIGURES = {
    "scope": {"kind": "municipality", "code": "182", "name": "Jämsä"},
    "period": {"from": None, "to": None},
    "computed_at": "2026-11-20T10:15:00+00:00",
    "funnel": {"enrolled": 40, "assessed": 31, "trained": 12, "matched": None, "employed": None},
    "participants_by_status": {"active": 20, "employed": 0, "exited": None},
    "language_levels": {
        "reading": {"A1": 10, "A2": None, "B1": 8, "not_assessed": 0},
        "speaking": {"A1": 12, "A2": 6, "B1": None, "not_assessed": 0},
    },
    "licence_cards_by_type": {"hygiene_passport": 9},
    "training_pass_rates": {
        "hygiene_passport": {"finished": 10, "passed": 8, "rate": 0.8},
        "forklift": {"finished": 0, "passed": 0, "rate": None},
        "hot_work": {"finished": None, "passed": None, "rate": None},
    },
    "matches_by_status": {},
    "outcomes_by_kind": {},
    "outcomes_by_contract_type": {},
    "median_days_to_employment": None,
    "monthly_trend": [
        {"month": "2026-09", "enrolled": 10, "employed": 0, "exited": 0},
        {"month": "2026-10", "enrolled": None, "employed": 5, "exited": None},
        {"month": "2026-11", "enrolled": 7, "employed": 6, "exited": 0},
    ],
    "unmet_licence_demand": {},
    "suppressed_cells": [
        "funnel.matched",
        "funnel.employed",
        "training_pass_rates.hot_work.finished",
        "training_pass_rates.hot_work.passed",
        "training_pass_rates.hot_work.rate",
    ],
}


def _table(slug: str) -> tables.Table:
    tables = dashboard_tables.dashboard_tables(FIGURES, {"hygiene_passport": "Hygiene passport"})
    return next(table for table in tables if table.slug == slug)


def test_suppressed_cells_are_marked_on_the_page_and_empty_in_csv():
    funnel = _table("funnel")

    assert [cell.text for row in funnel.rows for cell in row.cells] == ["40", "31", "12", "–", "–"]
    assert tables.table_csv(funnel).splitlines() == [
        "step,count",
        "enrolled,40",
        "assessed,31",
        "trained,12",
        "matched,",
        "employed,",
    ]
    assert [bar.aria_label for bar in funnel.chart.bars] == [
        "Enrolled: 40",
        "Assessed: 31",
        "Trained: 12",
        "Matched: suppressed",
        "Employed: suppressed",
    ]


def test_language_levels_are_one_column_per_skill():
    table = _table("language-levels")

    assert tables.table_csv(table).splitlines() == [
        "level,reading,speaking",
        "A1,10,12",
        "A2,,6",
        "B1,8,",
        "not_assessed,0,0",
    ]
    assert table.chart.stacks[0].aria_label == (
        "Reading: A1 10, A2 suppressed, B1 8, Not assessed 0"
    )


def test_pass_rates_keep_the_raw_rate_in_csv_and_show_a_percentage():
    table = _table("training-pass-rates")

    assert tables.table_csv(table).splitlines() == [
        "licence_type,finished,passed,rate",
        "hygiene_passport,10,8,0.8",
        "forklift,0,0,",
        "hot_work,,,",
    ]
    assert table.rows[0].label == "Hygiene passport"
    assert [cell.text for cell in table.rows[1].cells] == ["0", "0", "n/a"]
    assert [cell.text for cell in table.rows[2].cells] == ["–", "–", "–"]
    # A training nobody finished has no rate to draw; a suppressed one is marked.
    assert [bar.aria_label for bar in table.chart.bars] == [
        "Hygiene passport: 80 %",
        "Hot work: suppressed",
    ]


def test_monthly_trend_breaks_its_line_at_a_suppressed_month():
    table = _table("monthly-trend")
    enrolled = next(series for series in table.chart.series if series.key == "enrolled")

    assert len(enrolled.points) == 2
    assert enrolled.lines == []  # two points with a gap between them: no line joins them
    assert [point.aria_label for point in table.chart.suppressed] == [
        "Oct 2026, Enrolled: suppressed",
        "Oct 2026, Exited: suppressed",
    ]
    assert tables.table_csv(table).splitlines()[2] == "2026-10,,5,"
