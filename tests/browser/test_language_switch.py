"""The language switch in headless Chromium (docs/domain.md#languages): a manager turns the dashboard to
Swedish and back to English; the choice is saved, follows them to the next page, and
``<html lang>``, the headings and the numbers follow it."""

from __future__ import annotations

from core.models import UserPreference
from tests import factories
from tests.browser.chromium import BROWSER_MARKS, chromium_page, log_in

pytestmark = BROWSER_MARKS


def _switch(page, language: str) -> None:
    page.click(f'form.language-switch button[value="{language}"]')
    page.wait_for_load_state()


def test_a_manager_switches_the_dashboard_to_swedish_and_back(live_server, monkeypatch):
    # given: a manager of Jämsä, in an English browser, on the dashboard
    municipality = factories.municipality("182")
    factories.ParticipantFactory(municipality=municipality)
    manager = factories.manager("182", username="manager.jamsa")
    with chromium_page(monkeypatch) as page:
        log_in(page, live_server.url, "manager.jamsa", next_path="/dashboard/182/")
        page.goto(f"{live_server.url}/dashboard/182/")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator('table[data-table="participants-by-status"] caption').count() >= 0
        english_heading = page.locator("h2").first.inner_text()

        # when: Swedish
        _switch(page, "sv")

        # then: the same page in Swedish, and the choice saved for the user
        assert page.url.endswith("/dashboard/182/")
        assert page.locator("html").get_attribute("lang") == "sv"
        assert page.locator("h2").first.inner_text() != english_heading
        assert "Logga ut" in page.locator("header.site").inner_text()
        assert "Deltagare enligt status" in page.content()
        button = page.locator('form.language-switch button[value="sv"]')
        assert button.get_attribute("aria-current") == "true"
        assert UserPreference.objects.get(user=manager).language == "sv"

        # and the next page is Swedish too
        page.goto(f"{live_server.url}/dashboard/")
        assert page.locator("html").get_attribute("lang") == "sv"

        # when: back to English
        page.goto(f"{live_server.url}/dashboard/182/")
        _switch(page, "en")

        # then
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h2").first.inner_text() == english_heading
        assert "Log out" in page.locator("header.site").inner_text()
        assert UserPreference.objects.get(user=manager).language == "en"
