"""The dashboard page in headless Chromium (Debian's, at /usr/bin/chromium), driven by
Playwright against pytest-django's live server: what a manager sees, on a laptop and on a phone.

Set ``POLKU_SCREENSHOTS=/some/dir`` to keep the screenshots for a look."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest
from django.db import connections
from rest_framework.test import APIClient

from web.dashboard import figures as dashboard_tables

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 812}

pytestmark = [
    pytest.mark.browser,
    # The live server reads the data from another thread, so it must be committed; the
    # reference data (municipalities, licence types) comes back after each test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason=f"Chromium is not installed at {CHROMIUM}"
    ),
]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture
def requests_seen():
    return []


@pytest.fixture
def page(live_server, populated, requests_seen, monkeypatch):
    """A Chromium page, started after the test data is in and stopped before the database is
    flushed. While Playwright's sync API runs, this thread has a running event loop: Django then
    refuses ORM calls as "async unsafe" unless told otherwise, and hands out other connection
    objects (closed here), so Playwright lives only as long as one test."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = sync_api.sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    context = browser.new_context(viewport=LAPTOP, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("request", lambda request: requests_seen.append(request.url))
    yield page
    connections.close_all()
    context.close()
    browser.close()
    playwright.stop()


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    return Path(os.environ.get("POLKU_SCREENSHOTS") or tmp_path)


def log_in(
    page,
    live_server,
    username: str,
    password: str,
    next_path: str = "/dashboard/",
    lands_on: str | None = None,
):
    """Through the login form, as a person would."""
    page.goto(f"{live_server.url}{next_path}")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}{lands_on or next_path}")


def api_dashboard(user, code: str) -> dict:
    """What ``GET /api/v1/municipalities/{code}/dashboard/`` answers the same user."""
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/municipalities/{code}/dashboard/")
    assert response.status_code == 200, response.content
    return response.json()


def bar_labels(page, slug: str) -> list[str]:
    return page.eval_on_selector_all(
        f'svg[data-chart="{slug}"] g[role=listitem]',
        "groups => groups.map(group => group.getAttribute('aria-label'))",
    )


def expected_label(label: str, value) -> str:
    return f"{label}: {'suppressed' if value is None else f'{value:,}'}"


def download_csv(page, href: str) -> tuple[str, list[list[str]]]:
    with page.expect_download() as download_info:
        page.click(f'a[href="{href}"]')
    download = download_info.value
    text = Path(download.path()).read_bytes().decode("utf-8")
    return download.suggested_filename, list(csv.reader(io.StringIO(text)))


def csv_value(value) -> str:
    return "" if value is None else str(value)


def test_manager_sees_the_api_figures_as_charts_and_csv_on_a_laptop_and_a_phone(
    page, live_server, populated, password, requests_seen, screenshot_dir
):
    # A manager of one municipality lands on its dashboard straight away.
    log_in(page, live_server, "manager.jamsa", password, lands_on="/dashboard/182/")

    answer = api_dashboard(populated["manager"], "182")
    assert page.locator("h1").inner_text() == "Jämsä (182)"
    assert "Figures computed at" in page.content()
    assert page.locator("#suppression-note").is_visible()
    assert page.locator("svg.chart").count() >= 9
    assert bar_labels(page, "funnel") == [
        expected_label(label, answer["funnel"][step])
        for step, label in dashboard_tables.FUNNEL_STEPS
    ]
    assert bar_labels(page, "participants-by-status") == [
        expected_label(status.replace("_", " ").capitalize(), value)
        for status, value in answer["participants_by_status"].items()
    ]
    funnel_texts = page.locator('svg[data-chart="funnel"] text.value').all_text_contents()
    assert funnel_texts == [
        "–" if answer["funnel"][step] is None else str(answer["funnel"][step])
        for step, _label in dashboard_tables.FUNNEL_STEPS
    ]
    assert page.locator('table[data-table="funnel"] tbody td').all_inner_texts() == funnel_texts
    page.screenshot(path=str(screenshot_dir / "dashboard-laptop.png"))

    filename, rows = download_csv(page, "/dashboard/182/funnel.csv")
    assert filename == "polku-182-funnel.csv"
    assert rows == [
        ["step", "count"],
        *(
            [step, csv_value(answer["funnel"][step])]
            for step, _label in dashboard_tables.FUNNEL_STEPS
        ),
    ]
    _filename, rows = download_csv(page, "/dashboard/182/language-levels.csv")
    levels = answer["language_levels"]
    assert rows == [
        ["level", *levels],
        *(
            [level, *(csv_value(levels[skill][level]) for skill in levels)]
            for level in levels["reading"]
        ),
    ]

    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(screenshot_dir / "dashboard-phone.png"))

    assert requests_seen
    leaving = [url for url in requests_seen if not url.startswith(live_server.url + "/")]
    assert leaving == []


def test_manager_cannot_open_another_municipality_and_logs_out(
    page, live_server, populated, password
):
    log_in(page, live_server, "manager.jamsa", password, lands_on="/dashboard/182/")

    response = page.goto(f"{live_server.url}/dashboard/992/")

    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert "Äänekoski" not in page.content()

    page.click("text=Log out")

    page.wait_for_url(re.compile(r".*/accounts/login/$"))
    page.goto(f"{live_server.url}/dashboard/182/")
    assert "/accounts/login/" in page.url


def test_coordinator_reaches_the_whole_pilot_from_the_index(page, live_server, populated, password):
    log_in(page, live_server, "coordinator", password)

    page.click('a[href="/dashboard/pilot/"]')

    page.wait_for_url(f"{live_server.url}/dashboard/pilot/")
    assert page.locator("h1").inner_text() == "Whole pilot"
    client = APIClient()
    client.force_authenticate(populated["coordinator"])
    answer = client.get("/api/v1/dashboard/").json()
    assert bar_labels(page, "funnel") == [
        expected_label(label, answer["funnel"][step])
        for step, label in dashboard_tables.FUNNEL_STEPS
    ]
