"""The Content-Security-Policy in Chromium: the dashboards, the login, the API docs (Swagger UI)
and the admin run with no violation reported, and an inline script is refused (issue 9 item 7,
ADR 25)."""

from __future__ import annotations

import pytest

from tests.browser.chromium import BROWSER_MARKS, chromium_page, log_in, violations
from tests.browser.conftest import dashboard_users

pytestmark = BROWSER_MARKS


def test_the_api_docs_render_swagger_ui_under_the_policy(live_server, monkeypatch):
    with chromium_page(monkeypatch) as page:
        page.goto(f"{live_server.url}/api/v1/docs/")

        page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)

        assert violations(page) == []


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("manager.jamsa", "/dashboard/182/"),
        ("coordinator", "/dashboard/"),
        ("admin", "/admin/"),
        ("admin", "/admin/casework/participant/"),
    ],
)
def test_pages_run_with_no_violation(live_server, monkeypatch, who, path):
    dashboard_users()
    with chromium_page(monkeypatch) as page:
        log_in(page, live_server.url, who, next_path=path)
        page.goto(f"{live_server.url}{path}")

        assert page.locator("h1").count() >= 1
        assert violations(page) == []


def test_an_inline_script_is_refused(live_server, monkeypatch):
    with chromium_page(monkeypatch) as page:
        page.goto(f"{live_server.url}/accounts/login/")

        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
        )

        assert page.evaluate("window.__ran === true") is False
        assert any(item.startswith("script-src") for item in violations(page))
