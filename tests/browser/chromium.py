"""Headless Chromium (Debian's, at /usr/bin/chromium) through Playwright, for the page tests:
a browser per test, started after the test data is committed and stopped before the database is
flushed, plus the helpers every journey uses (log in, collect policy violations, axe-core,
screenshots)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

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
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "secret-pass-123"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
#: Screenshots of the main pages land here (gitignored); POLKU_SCREENSHOTS overrides.
SCREENSHOTS = Path(os.environ.get("POLKU_SCREENSHOTS") or Path(__file__).parent / "artefacts")

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason=f"Chromium is not installed at {CHROMIUM}"
    ),
]

#: Recorded in the page before any of its own scripts run (Playwright's init scripts are not
#: subject to the page's policy): every Content-Security-Policy violation the browser reports.
VIOLATION_RECORDER = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', event => {
  window.__violations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline'));
});
"""


@contextmanager
def chromium_page(monkeypatch: Any, viewport: dict[str, int] | None = None) -> Iterator[Any]:
    """A Chromium page. While Playwright's sync API runs this thread has an event loop, so
    Django's async-safety check is told to stand down, and the connections Django handed out
    meanwhile are closed before the database is flushed."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = sync_api.sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    context = browser.new_context(viewport=viewport or DESKTOP)
    context.add_init_script(VIOLATION_RECORDER)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        connections.close_all()
        context.close()
        browser.close()
        playwright.stop()


def log_in(page: Any, base_url: str, username: str, next_path: str = "/") -> None:
    """Through the login form, as a person would."""
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def violations(page: Any) -> list[str]:
    return page.evaluate("window.__violations || []")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core (vendored, tests only) run in the page: its serious and critical violations.
    The library is evaluated through the DevTools protocol, which the page's policy does not
    govern, so the page under test keeps its real policy."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => JSON.stringify((await axe.run(document, {resultTypes: ['violations']}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"
    )
    found = json.loads(result)
    return [item for item in found if item["impact"] in ("serious", "critical")]


def screenshot(page: Any, name: str) -> Path:
    """The page at desktop width and at 390 px (a phone), kept as test artefacts."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    viewport = page.viewport_size
    page.screenshot(path=str(SCREENSHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(viewport)
    assert width <= PHONE["width"], f"{name} is {width} px wide at 390 px"
    return SCREENSHOTS / f"{name}-desktop.png"
