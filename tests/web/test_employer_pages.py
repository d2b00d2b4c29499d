"""The employer users' pages through Django's test client: only employer users, only their own
vacancies, candidates shown exactly as the API's allow-list gives them, and the answers."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from casework.models import Match, Vacancy
from core.models import AccessEvent
from tests import factories


@pytest.fixture
def employer():
    return factories.EmployerFactory(name="Siivous Oy")


@pytest.fixture
def employer_user(employer):
    return factories.employer_user(employer=employer, username="siivous")


@pytest.fixture
def vacancy(employer):
    return factories.VacancyFactory(employer=employer, title="Cleaner")


@pytest.fixture
def shared_match(vacancy):
    participant = factories.ParticipantFactory(
        status="job_seeking", first_name="Amina", last_name="Hassan", phone="+358401112223"
    )
    factories.ConsentFactory(participant=participant)
    factories.LanguageAssessmentFactory(participant=participant)
    factories.LicenceCardFactory(participant=participant)
    return factories.MatchFactory(
        vacancy=vacancy, participant=participant, status="shared", reached_shared_on=factories.TODAY
    )


def token(response) -> str:
    return re.search(r'name="form_token" value="([0-9a-f]{32})"', response.content.decode())[1]


def page_fields(body: str, match: Match) -> dict[str, str]:
    section = body.split(f'data-match="{match.uuid}"')[1].split("</section>")[0]
    return dict(re.findall(r'<dd data-field="([a-z_]+)">([^<]*)</dd>', section))


def api_candidate(user, match: Match) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/matches/{match.uuid}/")
    assert response.status_code == 200
    return response.json()["candidate"]


@pytest.mark.parametrize("role", ["counsellor", "manager", "admin"])
def test_only_employer_users_open_the_employer_pages(client, role):
    user = {
        "counsellor": lambda: factories.counsellor("182"),
        "manager": lambda: factories.manager("182"),
        "admin": lambda: factories.admin_user(),
    }[role]()
    client.force_login(user)

    response = client.get("/employer/")

    assert response.status_code == 403


def test_another_employers_vacancy_is_404(client, employer_user):
    other = factories.VacancyFactory()
    client.force_login(employer_user)

    assert client.get(f"/employer/vacancies/{other.uuid}/").status_code == 404
    assert client.get(f"/employer/vacancies/{other.uuid}/edit/").status_code == 404


def test_the_page_shows_exactly_the_api_allow_list(client, employer_user, shared_match):
    client.force_login(employer_user)

    body = client.get(f"/employer/vacancies/{shared_match.vacancy.uuid}/").content.decode()

    candidate = api_candidate(employer_user, shared_match)
    fields = page_fields(body, shared_match)
    assert set(fields) == set(candidate)
    assert fields["reference"] == candidate["reference"]
    assert fields["age_band"] == candidate["age_band"]
    assert fields["municipality"] == candidate["municipality"]
    assert fields["licence_cards"] == ", ".join(candidate["licence_cards"])
    for hidden in ("Hassan", "Amina", "+358401112223", "1990", "SY"):
        assert hidden not in body
    event = AccessEvent.objects.get(action="web:employer:candidates")
    assert event.role == "employer"


def test_withdrawn_consent_hides_the_candidate_at_once(client, employer_user, shared_match):
    consent = shared_match.participant.consents.get()
    from casework import services

    services.consent_withdraw(actor=factories.admin_user(), consent=consent)
    client.force_login(employer_user)

    body = client.get(f"/employer/vacancies/{shared_match.vacancy.uuid}/").content.decode()

    assert api_candidate(employer_user, shared_match) is None
    assert page_fields(body, shared_match) == {}
    assert "consent to share ended" in body


def test_invite_then_hire(client, employer_user, shared_match):
    client.force_login(employer_user)
    path = f"/employer/vacancies/{shared_match.vacancy.uuid}/"
    page = client.get(path)

    invited = client.post(
        f"/employer/matches/{shared_match.uuid}/answer/",
        {"form_token": token(page), "to": "interview", "version": shared_match.version},
    )
    shared_match.refresh_from_db()
    page = client.get(path)
    fields = page_fields(page.content.decode(), shared_match)
    hired = client.post(
        f"/employer/matches/{shared_match.uuid}/answer/",
        {"form_token": token(page), "to": "hired", "version": shared_match.version},
    )

    shared_match.refresh_from_db()
    assert invited.status_code == hired.status_code == 302
    assert fields["first_name"] == "Amina"
    assert set(fields) == set(api_candidate(employer_user, shared_match))
    assert shared_match.status == "hired"
    assert shared_match.history.latest("history_id").history_user == employer_user


def test_an_employer_cannot_share_or_withdraw(client, employer_user, shared_match):
    client.force_login(employer_user)
    page = client.get(f"/employer/vacancies/{shared_match.vacancy.uuid}/")

    response = client.post(
        f"/employer/matches/{shared_match.uuid}/answer/",
        {"form_token": token(page), "to": "withdrawn", "version": shared_match.version},
    )

    shared_match.refresh_from_db()
    assert response.status_code == 403
    assert shared_match.status == "shared"


def test_create_edit_and_close_a_vacancy(client, employer_user, employer):
    client.force_login(employer_user)
    form = client.get("/employer/vacancies/new/")

    created = client.post(
        "/employer/vacancies/new/",
        {
            "form_token": token(form),
            "title": "Kitchen assistant",
            "occupation_code": "9412",
            "municipality": "182",
            "starts_on": "2027-02-01",
            "positions": 2,
            "required_licences": ["hygiene_passport"],
        },
    )
    vacancy = Vacancy.objects.get(title="Kitchen assistant")
    edit = client.get(f"/employer/vacancies/{vacancy.uuid}/edit/")
    edited = client.post(
        f"/employer/vacancies/{vacancy.uuid}/edit/",
        {
            "form_token": token(edit),
            "title": "Kitchen helper",
            "starts_on": "2027-02-01",
            "positions": 3,
            "version": vacancy.version,
        },
    )
    vacancy.refresh_from_db()
    page = client.get(f"/employer/vacancies/{vacancy.uuid}/")
    closed = client.post(
        f"/employer/vacancies/{vacancy.uuid}/close/",
        {"form_token": token(page), "version": vacancy.version},
    )

    vacancy.refresh_from_db()
    assert created.status_code == edited.status_code == closed.status_code == 302
    assert vacancy.employer == employer
    assert vacancy.title == "Kitchen helper" and vacancy.positions == 3
    assert vacancy.status == "closed"
    assert vacancy.history.latest("history_id").history_user == employer_user


def test_a_stale_edit_says_so_and_changes_nothing(client, employer_user, vacancy):
    client.force_login(employer_user)
    edit = client.get(f"/employer/vacancies/{vacancy.uuid}/edit/")
    rows = vacancy.history.count()

    response = client.post(
        f"/employer/vacancies/{vacancy.uuid}/edit/",
        {
            "form_token": token(edit),
            "title": "Changed",
            "starts_on": "2027-02-01",
            "positions": 3,
            "version": vacancy.version + 5,
        },
    )

    vacancy.refresh_from_db()
    assert response.status_code == 412
    assert "Someone changed this record" in response.content.decode()
    assert vacancy.title == "Cleaner"
    assert vacancy.history.count() == rows
