"""The counsellors' workspace through Django's test client: who may open what (scope 404, role
403, anonymous to the login page), the history names the counsellor, every page with
participant data writes the access log, a stale form changes nothing and a double post creates
one record."""

from __future__ import annotations

import datetime
import re

import pytest

from assessments.models import LanguageAssessment
from casework.models import Consent, Match, Participant
from core.models import AccessEvent, AccessEventSubject
from tests import factories


@pytest.fixture
def counsellor():
    return factories.counsellor("182", username="counsellor.jamsa")


@pytest.fixture
def participant():
    return factories.ParticipantFactory(
        municipality=factories.municipality("182"), status="active", first_name="Amina"
    )


@pytest.fixture
def foreign_participant():
    return factories.ParticipantFactory(municipality=factories.municipality("992"))


def token(response) -> str:
    return re.search(r'name="form_token" value="([0-9a-f]{32})"', response.content.decode())[1]


PAGES = [
    "/workspace/",
    "/workspace/participants/",
    "/workspace/participants/new/",
    "/workspace/vacancies/",
]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_the_login_page(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", ["manager", "coordinator", "employer", "admin"])
@pytest.mark.parametrize("path", PAGES)
def test_roles_without_participants_get_the_403_page(client, role, path):
    user = {
        "manager": lambda: factories.manager("182"),
        "coordinator": lambda: factories.coordinator(),
        "employer": lambda: factories.employer_user(),
        "admin": lambda: factories.admin_user(),
    }[role]()
    client.force_login(user)

    response = client.get(path)

    assert response.status_code == 403
    assert "What you can open" in response.content.decode() or role == "employer"


@pytest.mark.parametrize("path", PAGES)
def test_a_counsellor_opens_every_workspace_page(client, counsellor, participant, path):
    client.force_login(counsellor)

    response = client.get(path)

    assert response.status_code == 200


def test_a_participant_of_another_municipality_is_404_like_a_missing_one(
    client, counsellor, foreign_participant
):
    client.force_login(counsellor)

    foreign = client.get(f"/workspace/participants/{foreign_participant.uuid}/")
    missing = client.get("/workspace/participants/00000000-0000-0000-0000-000000000000/")

    assert foreign.status_code == missing.status_code == 404
    assert foreign_participant.last_name not in foreign.content.decode()
    assert AccessEventSubject.objects.filter(participant_id=foreign_participant.pk).count() == 0


def test_writes_to_another_municipality_are_404_and_change_nothing(
    client, counsellor, foreign_participant
):
    client.force_login(counsellor)
    page = client.get("/workspace/participants/new/")

    response = client.post(
        f"/workspace/participants/{foreign_participant.uuid}/language-assessments/new/",
        {
            "form_token": token(page),
            "language": "fi",
            "assessed_on": "2026-11-01",
            "instrument": "yki",
            "reading": "B1.1",
        },
    )

    assert response.status_code == 404
    assert LanguageAssessment.objects.count() == 0


def test_the_participant_page_shows_the_record_and_logs_the_read(client, counsellor, participant):
    factories.LanguageAssessmentFactory(participant=participant, reading="B1.1")
    factories.LicenceCardFactory(participant=participant)
    client.force_login(counsellor)

    response = client.get(f"/workspace/participants/{participant.uuid}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Amina" in body
    assert "B1.1" in body and "CEFR B1" in body and "YKI 3" in body
    event = AccessEvent.objects.get(action="web:participants:detail")
    assert event.user == counsellor
    assert event.role == "counsellor"
    assert list(event.subjects.values_list("participant_id", flat=True)) == [participant.pk]


def test_the_caseload_logs_one_row_per_participant_shown(client, counsellor):
    shown = [factories.ParticipantFactory() for _ in range(3)]
    factories.ParticipantFactory(municipality=factories.municipality("992"))
    client.force_login(counsellor)

    response = client.get("/workspace/participants/")

    assert response.status_code == 200
    event = AccessEvent.objects.get(action="web:participants:list")
    assert sorted(event.subjects.values_list("participant_id", flat=True)) == sorted(
        p.pk for p in shown
    )


def test_the_caseload_uses_the_api_filters_and_refuses_bad_ones(client, counsellor):
    factories.ParticipantFactory(last_name="Virtanen", status="active")
    factories.ParticipantFactory(last_name="Korhonen", status="referred")
    client.force_login(counsellor)

    found = client.get("/workspace/participants/?search=virt&status=active").content.decode()
    refused = client.get("/workspace/participants/?status=flying")

    assert "Virtanen" in found and "Korhonen" not in found
    assert refused.status_code == 400


def test_recording_an_assessment_names_the_counsellor_in_history(client, counsellor, participant):
    client.force_login(counsellor)
    form = client.get(f"/workspace/participants/{participant.uuid}/language-assessments/new/")

    response = client.post(
        f"/workspace/participants/{participant.uuid}/language-assessments/new/",
        {
            "form_token": token(form),
            "language": "fi",
            "assessed_on": "2026-11-01",
            "instrument": "yki",
            "reading": "B1.1",
            "speaking": "A2.2",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/workspace/participants/{participant.uuid}/"
    assessment = LanguageAssessment.objects.get(participant=participant)
    assert assessment.history.get().history_user == counsellor


def test_a_double_post_creates_one_record(client, counsellor, participant):
    client.force_login(counsellor)
    form = client.get(f"/workspace/participants/{participant.uuid}/language-assessments/new/")
    data = {
        "form_token": token(form),
        "language": "fi",
        "assessed_on": "2026-11-01",
        "instrument": "yki",
        "reading": "B1.1",
    }
    path = f"/workspace/participants/{participant.uuid}/language-assessments/new/"

    first = client.post(path, data)
    second = client.post(path, data)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert LanguageAssessment.objects.filter(participant=participant).count() == 1


def test_service_errors_show_beside_their_fields_and_free_the_token(
    client, counsellor, participant
):
    client.force_login(counsellor)
    form = client.get("/workspace/participants/new/")
    data = {
        "form_token": token(form),
        "municipality": "182",
        "first_name": "Sara",
        "last_name": "Haile",
        "date_of_birth": "1990-01-01",
        "personal_identity_code": "010190-123X",  # a wrong check character
        "gender": "female",
        "labour_market_status": "unemployed",
    }
    count = Participant.objects.count()

    refused = client.post("/workspace/participants/new/", data)
    data["personal_identity_code"] = ""
    accepted = client.post("/workspace/participants/new/", data)

    assert refused.status_code == 400
    assert 'id="id_personal_identity_code_error"' in refused.content.decode() or (
        "errorlist" in refused.content.decode()
    )
    assert accepted.status_code == 302
    assert Participant.objects.count() == count + 1


def test_a_stale_form_says_so_and_changes_nothing(client, counsellor, participant):
    consent = factories.ConsentFactory(participant=participant)
    client.force_login(counsellor)
    page = client.get(f"/workspace/participants/{participant.uuid}/")
    history_rows = consent.history.count()

    response = client.post(
        f"/workspace/consents/{consent.uuid}/withdraw/",
        {"form_token": token(page), "version": consent.version - 1 if consent.version else 99},
        follow=True,
    )

    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    assert consent.history.count() == history_rows
    assert "Someone changed this record" in response.content.decode()


def test_withdrawing_consent_with_the_current_version(client, counsellor, participant):
    consent = factories.ConsentFactory(participant=participant)
    client.force_login(counsellor)
    page = client.get(f"/workspace/participants/{participant.uuid}/")

    response = client.post(
        f"/workspace/consents/{consent.uuid}/withdraw/",
        {"form_token": token(page), "version": consent.version},
    )

    consent.refresh_from_db()
    assert response.status_code == 302
    assert consent.withdrawn_on is not None
    assert consent.history.latest("history_id").history_user == counsellor


def test_proposing_and_sharing_a_match(client, counsellor, participant):
    factories.ConsentFactory(participant=participant)
    factories.LanguageAssessmentFactory(participant=participant, speaking="B1.1")
    factories.SkillAssessmentFactory(participant=participant)
    vacancy = factories.VacancyFactory()
    client.force_login(counsellor)
    candidates = client.get(f"/workspace/vacancies/{vacancy.uuid}/candidates/")
    assert candidates.status_code == 200
    assert "Amina" in candidates.content.decode()
    assert AccessEvent.objects.filter(action="web:vacancies:candidates").exists()

    proposed = client.post(
        f"/workspace/vacancies/{vacancy.uuid}/propose/",
        {"form_token": token(candidates), "participant": str(participant.uuid)},
    )
    match = Match.objects.get(participant=participant, vacancy=vacancy)
    page = client.get(f"/workspace/participants/{participant.uuid}/")
    shared = client.post(
        f"/workspace/matches/{match.uuid}/transition/",
        {"form_token": token(page), "version": match.version, "to": "shared"},
    )

    match.refresh_from_db()
    assert proposed.status_code == shared.status_code == 302
    assert match.status == "shared"
    assert match.history.latest("history_id").history_user == counsellor


def test_a_post_without_a_token_saves_nothing(client, counsellor, participant):
    client.force_login(counsellor)

    response = client.post(
        f"/workspace/participants/{participant.uuid}/consents/new/", {"expires_on": ""}
    )

    assert response.status_code == 302
    assert Consent.objects.filter(participant=participant).count() == 0


def test_posts_need_the_csrf_token(counsellor, participant):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(counsellor)

    response = client.post(f"/workspace/participants/{participant.uuid}/consents/new/", {})

    assert response.status_code == 403


def test_the_caseload_links_the_api_export_with_its_filters(client, counsellor, participant):
    client.force_login(counsellor)

    body = client.get("/workspace/participants/?search=Amina&page=1").content.decode()
    export = client.get("/api/v1/participants/?format=csv&search=Amina")

    assert 'href="/api/v1/participants/?format=csv&amp;search=Amina"' in body
    assert export.status_code == 200
    assert "Amina" in b"".join(export.streaming_content).decode()


def test_the_worklist_shows_the_deadlines_by_rule_and_logs_them(client, counsellor, participant):
    participant.counsellor = counsellor
    from core import audit

    audit.save_changes(participant, actor=counsellor, reason="assigned")
    factories.ConsentFactory(
        participant=participant, expires_on=factories.TODAY + datetime.timedelta(days=5)
    )
    client.force_login(counsellor)

    response = client.get("/workspace/")
    refused = client.get("/workspace/?state=sometime")

    body = response.content.decode()
    section = body.split('id="rule-consent_expiring"')[1].split("</section>")[0]
    assert response.status_code == 200
    assert "Amina" in section and "due soon" in section
    event = AccessEvent.objects.filter(action="web:worklist").latest("id")
    assert participant.pk in event.subjects.values_list("participant_id", flat=True)
    assert refused.status_code == 400


def test_reassign_names_the_reason_and_refuses_a_stale_version(client, counsellor, participant):
    colleague = factories.counsellor("182", username="colleague.jamsa")
    outsider = factories.counsellor("992", username="counsellor.aanekoski")
    client.force_login(counsellor)
    path = f"/workspace/participants/{participant.uuid}/reassign/"
    version = participant.version

    outside = client.post(
        path,
        {"form_token": token(client.get(path)), "to": "counsellor.aanekoski", "reason": "Moved",
         "version": version},
    )  # fmt: skip
    stale = client.post(
        path,
        {"form_token": token(client.get(path)), "to": "colleague.jamsa", "reason": "Leave",
         "version": version + 3},
    )  # fmt: skip
    participant.refresh_from_db()
    assert outside.status_code == 400 and "errorlist" in outside.content.decode()
    assert stale.status_code == 412
    assert participant.counsellor is None
    moved = client.post(
        path,
        {"form_token": token(client.get(path)), "to": "colleague.jamsa", "reason": "Leave",
         "version": version},
    )  # fmt: skip

    participant.refresh_from_db()
    assert moved.status_code == 302
    assert participant.counsellor == colleague
    latest = participant.history.latest("history_id")
    assert latest.history_user == counsellor and latest.history_change_reason == "Leave"
    assert outsider.pk != colleague.pk


def test_unassigned_is_the_api_filter_counsellor_none(client, counsellor):
    factories.ParticipantFactory(last_name="Virtanen", counsellor=None)
    factories.ParticipantFactory(last_name="Korhonen", counsellor=counsellor)
    client.force_login(counsellor)

    body = client.get("/workspace/participants/?unassigned=1").content.decode()

    assert "Virtanen" in body and "Korhonen" not in body
    assert "format=csv&amp;unassigned" not in body
    assert "counsellor=none" in body
