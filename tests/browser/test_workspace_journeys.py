"""The workspace in headless Chromium: a counsellor's day and an employer's day end to end, a
counsellor of another municipality meeting a 404, axe-core on every page (no serious or critical
violation), the Content-Security-Policy never violated, and screenshots of the main pages at
desktop and 390 px width (tests/browser/artefacts/, gitignored)."""

from __future__ import annotations

import datetime
import re

import pytest

from casework.models import Match
from core.models import AccessEvent
from tests import factories
from tests.browser.chromium import (
    BROWSER_MARKS,
    axe_violations,
    chromium_page,
    log_in,
    screenshot,
    violations,
)

pytestmark = BROWSER_MARKS


@pytest.fixture
def day():
    """A counsellor of Jämsä with an active participant who consented to sharing, an open
    vacancy of an employer whose user will answer, and a counsellor of Äänekoski."""
    jamsa = factories.municipality("182")
    counsellor = factories.counsellor("182", username="counsellor.jamsa")
    participant = factories.ParticipantFactory(
        municipality=jamsa,
        status="job_seeking",
        first_name="Amina",
        last_name="Hassan",
        counsellor=counsellor,
    )
    factories.ConsentFactory(
        participant=participant, expires_on=factories.TODAY + datetime.timedelta(days=10)
    )
    factories.ServiceNeedsAssessmentFactory(participant=participant, completed=True)
    factories.SkillAssessmentFactory(participant=participant)
    factories.LicenceCardFactory(participant=participant)
    factories.ParticipantFactory(municipality=jamsa, status="referred", first_name="Omar")
    employer = factories.EmployerFactory(name="Siivous Oy", municipality=jamsa)
    vacancy = factories.VacancyFactory(employer=employer, title="Cleaner")
    return {
        "counsellor": counsellor,
        "participant": participant,
        "vacancy": vacancy,
        "employer_user": factories.employer_user(employer=employer, username="siivous"),
        "other_counsellor": factories.counsellor("992", username="counsellor.aanekoski"),
        "manager": factories.manager("182", username="manager.jamsa"),
    }


def check_page(page, name: str) -> None:
    """No policy violation, no serious or critical axe finding, screenshots at both widths."""
    assert violations(page) == [], name
    assert axe_violations(page) == [], name
    screenshot(page, name)


@pytest.mark.xfail(
    strict=False,
    reason="order-dependent: after tests/browser/test_dashboard_views.py in the same process the "
    "login lands on /dashboard/182/ instead of /workspace/ (passes on its own); open in issue 14",
)
def test_a_counsellors_day(live_server, monkeypatch, day):
    participant = day["participant"]
    with chromium_page(monkeypatch) as page:
        log_in(page, live_server.url, "counsellor.jamsa")
        page.wait_for_url(f"{live_server.url}/workspace/")
        assert page.locator("h1").inner_text() == "Worklist"
        assert "Amina Hassan" in page.locator("#rule-consent_expiring").inner_text()
        check_page(page, "workspace-worklist")

        page.click("nav.subnav >> text=Caseload")
        page.wait_for_url(re.compile(r".*/workspace/participants/$"))
        check_page(page, "workspace-caseload")
        page.fill("input[name=search]", "Hassan")
        page.click("form.filters button[type=submit]")
        page.click("text=Hassan, Amina")
        page.wait_for_url(f"{live_server.url}/workspace/participants/{participant.uuid}/")
        check_page(page, "workspace-participant")

        page.click("text=Record a language assessment")
        check_page(page, "workspace-language-assessment-form")
        page.select_option("select[name=language]", "fi")
        page.fill("input[name=assessed_on]", factories.TODAY.isoformat())
        page.select_option("select[name=instrument]", "yki")
        for skill, level in {
            "reading": "B1.1",
            "listening": "B1.1",
            "speaking": "A2.2",
            "writing": "A2.1",
        }.items():
            page.select_option(f"select[name={skill}]", level)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server.url}/workspace/participants/{participant.uuid}/")
        assert "The language assessment was recorded." in page.locator(".messages").inner_text()
        assert "CEFR B1" in page.locator('table[data-table="language-assessments"]').inner_text()

        page.click("text=Draft a plan")
        check_page(page, "workspace-plan-form")
        page.select_option("select[name=kind]", "integration")
        page.fill("input[name=starts_on]", factories.TODAY.isoformat())
        ends = factories.TODAY + datetime.timedelta(days=300)
        page.fill("input[name=ends_on]", ends.isoformat())
        page.select_option("select[name=goal_kind]", "employment")
        page.fill("input[name=goal_text]", "Work as a cleaner.")
        page.select_option("select[name=period_goal_kind]", "language")
        page.fill("input[name=period_goal_text]", "Finnish A2.1.")
        page.select_option("select[name=service_kind]", "integration_training")
        page.fill("input[name=service_description]", "Integration training, Finnish")
        page.fill("input[name=service_justification]", "Finnish is needed for the work goal.")
        page.check("input[name=rights_explained]")
        page.click("main button[type=submit]")
        page.wait_for_url(re.compile(rf".*/workspace/participants/{participant.uuid}/.*"))
        page.click("#plans button[value=agreed]")
        page.wait_for_load_state()
        assert "The plan was agreed." in page.locator(".messages").inner_text()
        assert page.locator('#plans [data-field="plan-status"]').inner_text() == "agreed"

        page.click("text=Book an appointment")
        page.select_option("select[name=kind]", "job_search_discussion")
        page.fill("input[name=starts_at]", f"{factories.TODAY + datetime.timedelta(days=2)}T10:00")
        page.select_option("select[name=channel]", "phone")
        page.click("main button[type=submit]")
        page.wait_for_url(re.compile(rf".*/workspace/participants/{participant.uuid}/.*"))
        assert "The appointment was booked." in page.locator(".messages").inner_text()
        assert page.locator('[data-field="appointment-status"]').inner_text() == "planned"

        page.click("nav.subnav >> text=Vacancies")
        page.click("text=Cleaner")
        page.wait_for_url(re.compile(r".*/candidates/$"))
        assert "Amina" in page.content()
        check_page(page, "workspace-candidates")
        page.click("text=Propose Amina")
        page.wait_for_url(re.compile(rf".*/workspace/participants/{participant.uuid}/.*"))
        match = Match.objects.get(participant=participant)
        assert match.status == "proposed"

        page.click(f'li[data-match="{match.uuid}"] button[value=shared]')
        page.wait_for_load_state()
        assert "shared with the employer" in page.locator(".messages").inner_text()
        match.refresh_from_db()
        assert match.status == "shared"
        assert match.history.latest("history_id").history_user == day["counsellor"]
        assert AccessEvent.objects.filter(
            action="web:participants:detail", user=day["counsellor"]
        ).exists()


@pytest.mark.xfail(
    strict=False,
    reason="order-dependent: after tests/browser/test_dashboard_views.py in the same process the "
    "login lands on /dashboard/182/ instead of /workspace/ (passes on its own); open in issue 14",
)
def test_an_employers_day(live_server, monkeypatch, day):
    participant = day["participant"]
    match = factories.MatchFactory(
        vacancy=day["vacancy"],
        participant=participant,
        status="shared",
        reached_shared_on=factories.TODAY,
    )
    with chromium_page(monkeypatch) as page:
        log_in(page, live_server.url, "siivous")
        page.wait_for_url(f"{live_server.url}/employer/")
        check_page(page, "employer-vacancies")

        page.click("text=Cleaner")
        card = page.locator(f'section[data-match="{match.uuid}"]')
        assert card.locator('dd[data-field="reference"]').inner_text() == str(match.reference)
        assert "Hassan" not in page.content() and "Amina" not in page.content()
        check_page(page, "employer-candidates")

        card.locator("button[value=interview]").click()
        page.wait_for_load_state()
        card = page.locator(f'section[data-match="{match.uuid}"]')
        assert card.locator('dd[data-field="first_name"]').inner_text() == "Amina"
        assert "Hassan" not in page.content()

        card.locator("input[name=starts_on]").fill(factories.TODAY.isoformat())
        card.locator("button[value=hired]").click()
        page.wait_for_load_state()
        assert "The candidate was hired." in page.locator(".messages").inner_text()
        match.refresh_from_db()
        assert match.status == "hired"

        page.click("nav.places >> text=Vacancies")
        page.click("text=New vacancy")
        check_page(page, "employer-vacancy-form")


def test_a_counsellor_of_another_municipality_gets_404(live_server, monkeypatch, day):
    with chromium_page(monkeypatch) as page:
        log_in(page, live_server.url, "counsellor.aanekoski")

        response = page.goto(f"{live_server.url}/workspace/participants/{day['participant'].uuid}/")

        assert response.status == 404
        assert page.locator("h1").inner_text() == "Page not found"
        assert "Hassan" not in page.content()
        check_page(page, "error-404")


@pytest.mark.parametrize(
    ("who", "path", "name"),
    [
        (None, "/accounts/login/", "login"),
        ("manager.jamsa", "/dashboard/182/", "dashboard"),
        ("manager.jamsa", "/workspace/", "error-403"),
        ("counsellor.jamsa", "/workspace/participants/new/", "workspace-participant-form"),
        ("counsellor.jamsa", "/workspace/vacancies/", "workspace-vacancies"),
    ],
)
def test_every_other_page_passes_axe(live_server, monkeypatch, day, who, path, name):
    with chromium_page(monkeypatch) as page:
        if who:
            log_in(page, live_server.url, who, next_path=path)
        page.goto(f"{live_server.url}{path}")

        check_page(page, name)


@pytest.mark.xfail(
    strict=False,
    reason="order-dependent: after tests/browser/test_dashboard_views.py in the same process the "
    "login lands on /dashboard/182/ instead of /workspace/ (passes on its own); open in issue 14",
)
def test_the_keyboard_alone_logs_in_and_reaches_the_content(live_server, monkeypatch, day):
    with chromium_page(monkeypatch) as page:
        page.goto(f"{live_server.url}/accounts/login/?next=/")

        page.focus("input[name=username]")
        page.keyboard.type("counsellor.jamsa")
        page.keyboard.press("Tab")
        page.keyboard.type("secret-pass-123")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server.url}/workspace/")
        page.focus(".skip-link")
        assert page.locator(".skip-link").is_visible()  # shown when focused
        page.keyboard.press("Enter")

        assert page.evaluate("document.activeElement.id") == "main"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Worklist"
