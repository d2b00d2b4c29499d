"""The happy paths and key rules of every resource, through the API (docs/domain.md and docs/api.md)."""

import datetime

import pytest

from assessments.models import LicenceCard
from casework.models import Outcome, Participant
from core.actors import system_actor
from municipalities import services as municipality_services
from tests import factories
from tests.api.conftest import TODAY, client_for, iso, proposable, snapshot
from tests.api.test_history_api import identity_code

DAY = datetime.timedelta(days=1)


def _ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def _participant_body(**overrides):
    return {
        "municipality": "182",
        "first_name": "Amina",
        "last_name": "Hassan",
        "date_of_birth": "1990-03-15",
        "gender": "female",
        "labour_market_status": "unemployed",
        **overrides,
    }


@pytest.fixture
def api(world):
    return client_for(world.counsellor)


# Participants -------------------------------------------------------------------------------


def test_a_participant_is_created_referred_with_the_identity_code_masked(world, api):
    # when
    body = _ok(
        api.post(
            "/api/v1/participants/",
            _participant_body(
                personal_identity_code="150390-902D",
                native_language="prs",
                citizenship="af",
                education_level=3,
                arrival_date="2019-05-01",
                counsellor="counsellor.jamsa",
            ),
            format="json",
        ),
        201,
    )

    # then
    assert body["status"] == "referred"
    assert body["enrolled_on"] == iso(TODAY)
    assert body["personal_identity_code"] == "150390-****"
    assert body["citizenship"] == "AF"
    assert body["counsellor"] == "counsellor.jamsa"
    assert body["version"] == 1
    detail = api.get(f"/api/v1/participants/{body['id']}/")
    assert detail.json()["personal_identity_code"] == "150390-****"
    assert b"902D" not in detail.content
    listed = api.get("/api/v1/participants/", {"search": "Hassan"}).json()["results"]
    assert [row["personal_identity_code"] for row in listed] == ["150390-****"]
    stored = Participant.objects.get(uuid=body["id"])
    assert "902D" not in stored.identity_code_encrypted


def test_a_participant_without_an_identity_code_reads_null(world, api):
    body = _ok(api.post("/api/v1/participants/", _participant_body(), format="json"), 201)
    assert body["personal_identity_code"] is None


def test_an_identity_code_that_disagrees_with_the_date_of_birth_answers_400(world, api):
    response = api.post(
        "/api/v1/participants/",
        _participant_body(personal_identity_code=identity_code(datetime.date(1991, 3, 15), 902)),
        format="json",
    )
    assert response.status_code == 400
    assert "personal_identity_code" in response.json()["errors"]


def test_a_duplicate_identity_code_answers_409_without_naming_where(world, api):
    # given the code is already used in Äänekoski
    code = identity_code(datetime.date(1990, 3, 15), 902)
    _ok(
        client_for(world.other_counsellor).post(
            "/api/v1/participants/",
            _participant_body(municipality="992", personal_identity_code=code),
            format="json",
        ),
        201,
    )
    before = snapshot()

    # when
    response = api.post(
        "/api/v1/participants/", _participant_body(personal_identity_code=code), format="json"
    )

    # then
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "duplicate_identity_code"
    for revealing in (b"992", "Äänekoski".encode(), b"aanekoski"):
        assert revealing not in response.content
    assert snapshot() == before


def test_a_create_in_a_municipality_not_yours_answers_400(world, api):
    response = api.post("/api/v1/participants/", _participant_body(municipality="992"))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["municipality"]


def test_a_patch_updates_details_and_the_etag(world, api):
    url = f"/api/v1/participants/{world.participant.uuid}/"
    response = api.patch(
        url, {"email": "new@example.fi", "available_from": iso(TODAY)}, HTTP_IF_MATCH='"1"'
    )
    body = _ok(response)
    assert body["email"] == "new@example.fi"
    assert body["available_from"] == iso(TODAY)
    assert response["ETag"] == '"2"'


@pytest.fixture
def roster(world):
    """Participants of a counsellor working in Jämsä and Keuruu."""
    counsellor = world.counsellor
    municipality_services.role_grant(
        actor=system_actor(),
        user=counsellor,
        role="counsellor",
        municipality=factories.municipality("249"),
    )
    colleague = factories.counsellor("182", username="counsellor.jamsa.2")
    make = factories.ParticipantFactory
    return {
        "a": make(
            first_name="Zyxa",
            last_name="Aaltonen",
            status="active",
            enrolled_on=datetime.date(2024, 1, 10),
            counsellor=counsellor,
        ),
        "b": make(
            first_name="Qwer",
            last_name="Bashir",
            status="referred",
            enrolled_on=datetime.date(2024, 3, 1),
            counsellor=colleague,
        ),
        "c": make(
            first_name="Zyxa",
            last_name="Cohen",
            status="job_seeking",
            enrolled_on=datetime.date(2024, 6, 1),
            municipality=factories.municipality("249"),
            counsellor=None,
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "active"}, {"a"}),
        ({"status": ["active", "job_seeking"]}, {"a", "c"}),
        ({"municipality": "249"}, {"c"}),
        ({"counsellor": "counsellor.jamsa.2"}, {"b"}),
        ({"search": "zyxa"}, {"a", "c"}),
        ({"search": "Zyxa Coh"}, {"c"}),
        ({"search": "bashir"}, {"b"}),
        ({"enrolled_on_after": "2024-03-01", "enrolled_on_before": "2024-06-01"}, {"b", "c"}),
        ({"enrolled_on_before": "2024-02-01"}, {"a"}),
        ({"municipality": "992"}, set()),
    ],
)
def test_participant_filters(world, api, roster, query, expected):
    results = _ok(api.get("/api/v1/participants/", query))["results"]
    assert {row["id"] for row in results} == {str(roster[key].uuid) for key in expected}


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("last_name", ["a", "b", "c"]),
        ("-last_name", ["c", "b", "a"]),
        ("enrolled_on", ["a", "b", "c"]),
        ("-enrolled_on", ["c", "b", "a"]),
    ],
)
def test_participant_ordering(world, api, roster, ordering, expected):
    results = _ok(
        api.get("/api/v1/participants/", {"ordering": ordering, "search": "a", "page_size": 200})
    )["results"]
    order = [row["id"] for row in results if row["id"] in {str(p.uuid) for p in roster.values()}]
    assert order == [str(roster[key].uuid) for key in expected]


# Transitions --------------------------------------------------------------------------------


def _transition(api, world, **body):
    return api.post(f"/api/v1/participants/{world.participant.uuid}/transition/", body)


def test_an_allowed_transition_answers_200(world, api):
    response = _transition(api, world, to="active", on=iso(TODAY - DAY), reason="first meeting")
    body = _ok(response)
    assert body["status"] == "active"
    assert body["status_changed_on"] == iso(TODAY - DAY)
    assert response["ETag"] == '"2"'


@pytest.mark.parametrize("to", ["employed", "job_seeking", "in_education", "referred"])
def test_a_forbidden_transition_answers_409(world, api, to):
    before = snapshot()
    response = _transition(api, world, to=to)
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "invalid_transition"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": "exited"}, "exit_reason"),
        ({"to": "exited", "exit_reason": "bored"}, "exit_reason"),
        ({"to": "active", "exit_reason": "other"}, "exit_reason"),
        ({"to": "active", "on": iso(TODAY + DAY)}, "on"),
        ({"to": "active", "on": "1999-01-01"}, "on"),
        ({"to": "retired"}, "to"),
        ({}, "to"),
    ],
)
def test_an_invalid_transition_request_answers_400(world, api, body, field):
    before = snapshot()
    response = _transition(api, world, **body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert snapshot() == before


def test_an_exit_with_a_reason_is_final(world, api):
    body = _ok(_transition(api, world, to="exited", exit_reason="moved_away", reason="moved"))
    assert body["status"] == "exited"
    assert body["exited_on"] == iso(TODAY)
    assert body["exit_reason"] == "moved_away"
    assert _transition(api, world, to="active").json()["code"] == "invalid_transition"


# Consents ---------------------------------------------------------------------------------


def test_consents_are_recorded_listed_and_withdrawn(world, api):
    url = f"/api/v1/participants/{world.participant.uuid}/consents/"

    # when
    created = _ok(
        api.post(
            url,
            {"purpose": "share_with_employers", "granted_on": iso(TODAY - DAY)},
        ),
        201,
    )
    listed = _ok(api.get(url))
    withdrawn = _ok(api.post(f"/api/v1/consents/{created['id']}/withdraw/", {"reason": "asked"}))
    again = api.post(f"/api/v1/consents/{created['id']}/withdraw/", {})

    # then
    assert created["is_valid_today"] is True
    assert created["participant"] == str(world.participant.uuid)
    assert listed["count"] == 2
    assert [c["granted_on"] for c in listed["results"]] == sorted(
        (c["granted_on"] for c in listed["results"]), reverse=True
    )
    assert withdrawn["withdrawn_on"] == iso(TODAY)
    assert withdrawn["is_valid_today"] is False
    assert withdrawn["version"] == 2
    assert again.status_code == 409
    assert again.json()["code"] == "already_withdrawn"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"purpose": "marketing"}, "purpose"),
        ({"purpose": "share_with_employers", "granted_on": iso(TODAY + DAY)}, "granted_on"),
        (
            {"purpose": "share_with_employers", "expires_on": iso(TODAY - 10 * DAY)},
            "expires_on",
        ),
    ],
)
def test_an_invalid_consent_answers_400(world, api, body, field):
    response = api.post(f"/api/v1/participants/{world.participant.uuid}/consents/", body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


# Case notes ---------------------------------------------------------------------------------


def test_case_notes_are_written_filtered_and_corrected(world, api):
    created = _ok(
        api.post(
            "/api/v1/case-notes/",
            {
                "participant": str(world.participant.uuid),
                "kind": "phone",
                "occurred_at": "2024-05-02T10:00:00+03:00",
                "text": "  Called about the hygiene passport.  ",
            },
        ),
        201,
    )
    assert created["author"] == "counsellor.jamsa"
    assert created["text"] == "Called about the hygiene passport."
    factories.CaseNoteFactory(participant=factories.ParticipantFactory())

    mine = _ok(api.get("/api/v1/case-notes/", {"participant": str(world.participant.uuid)}))
    phone = _ok(api.get("/api/v1/case-notes/", {"kind": "phone"}))
    corrected = _ok(
        api.patch(
            f"/api/v1/case-notes/{created['id']}/", {"text": "Corrected."}, HTTP_IF_MATCH='"1"'
        )
    )

    assert mine["count"] == 2
    assert [n["id"] for n in phone["results"]] == [created["id"]]
    assert corrected["text"] == "Corrected."
    assert corrected["version"] == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"occurred_at": "2999-01-01T10:00:00+02:00"}, "occurred_at"),
        ({"text": "   "}, "text"),
        ({"kind": "telepathy"}, "kind"),
    ],
)
def test_an_invalid_case_note_answers_400(world, api, overrides, field):
    body = {
        "participant": str(world.participant.uuid),
        "kind": "meeting",
        "occurred_at": "2024-05-02T10:00:00+03:00",
        "text": "Met.",
        **overrides,
    }
    response = api.post("/api/v1/case-notes/", body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


# Assessments --------------------------------------------------------------------------------


def test_a_language_assessment_derives_cefr_and_yki(world, api):
    body = _ok(
        api.post(
            "/api/v1/language-assessments/",
            {
                "participant": str(world.participant.uuid),
                "language": "fi",
                "assessed_on": iso(TODAY),
                "instrument": "yki",
                "reading": "B1.2",
                "listening": "A2.1",
                "speaking": "C2.2",
                "writing": None,
                "cefr": {"reading": "C2"},
                "yki": {"reading": 6},
            },
        ),
        201,
    )
    assert body["cefr"] == {"reading": "B1", "listening": "A2", "speaking": "C2", "writing": None}
    assert body["yki"] == {"reading": 3, "listening": 2, "speaking": 6, "writing": None}
    assert body["assessor"] == "counsellor.jamsa"
    patched = _ok(
        api.patch(
            f"/api/v1/language-assessments/{body['id']}/",
            {"writing": "A1.1"},
            HTTP_IF_MATCH='"1"',
        )
    )
    assert patched["cefr"]["writing"] == "A1"
    assert patched["yki"]["writing"] == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"speaking": "B3.1"}, "speaking"),
        ({"speaking": None}, "non_field_errors"),
        ({"assessed_on": iso(TODAY + DAY)}, "assessed_on"),
        ({"language": "de"}, "language"),
        ({"instrument": "guess"}, "instrument"),
    ],
)
def test_an_invalid_language_assessment_answers_400(world, api, overrides, field):
    body = {
        "participant": str(world.participant.uuid),
        "language": "fi",
        "assessed_on": iso(TODAY),
        "instrument": "course_test",
        "speaking": "A2.1",
        **overrides,
    }
    response = api.post("/api/v1/language-assessments/", body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_a_skill_assessment_is_recorded_and_corrected(world, api):
    body = _ok(
        api.post(
            "/api/v1/skill-assessments/",
            {
                "participant": str(world.participant.uuid),
                "occupation_code": "5120",
                "level": 3,
                "years_experience": "2.5",
                "evidence": "certificate",
                "assessed_on": iso(TODAY),
            },
        ),
        201,
    )
    assert (body["occupation_code"], body["level"], body["years_experience"]) == ("5120", 3, "2.5")
    patched = _ok(
        api.patch(f"/api/v1/skill-assessments/{body['id']}/", {"level": 4}, HTTP_IF_MATCH='"1"')
    )
    assert patched["level"] == 4


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"occupation_code": "51"}, "occupation_code"),
        ({"occupation_code": "0000"}, "occupation_code"),
        ({"level": 5}, "level"),
        ({"level": 0}, "level"),
        ({"years_experience": "-1"}, "years_experience"),
        ({"evidence": "rumour"}, "evidence"),
    ],
)
def test_an_invalid_skill_assessment_answers_400(world, api, overrides, field):
    body = {
        "participant": str(world.participant.uuid),
        "occupation_code": "5120",
        "level": 2,
        "evidence": "demonstration",
        "assessed_on": iso(TODAY),
        **overrides,
    }
    response = api.post("/api/v1/skill-assessments/", body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


# Trainings, enrolments and licence cards ----------------------------------------------------


def test_a_training_is_created_and_changed(world, api):
    body = _ok(
        api.post(
            "/api/v1/trainings/",
            {
                "licence_type": "hot_work",
                "municipality": "182",
                "provider": "Gradia",
                "starts_on": iso(TODAY + 5 * DAY),
                "ends_on": iso(TODAY + 6 * DAY),
                "seats": 8,
                "language": "en",
            },
        ),
        201,
    )
    assert (body["licence_type"], body["municipality"], body["seats"]) == ("hot_work", "182", 8)
    patched = _ok(api.patch(f"/api/v1/trainings/{body['id']}/", {"seats": 12}, HTTP_IF_MATCH='"1"'))
    assert patched["seats"] == 12
    bad = api.post(
        "/api/v1/trainings/",
        {
            "licence_type": "hot_work",
            "municipality": "182",
            "provider": "Gradia",
            "starts_on": iso(TODAY + 5 * DAY),
            "ends_on": iso(TODAY),
            "seats": 8,
        },
    )
    assert bad.status_code == 400
    assert "ends_on" in bad.json()["errors"]


def test_an_enrolment_that_passes_creates_the_licence_card(world, api):
    # given a training that ended yesterday
    training = factories.TrainingFactory(
        licence_type=factories.licence_type("occupational_safety"),
        starts_on=TODAY - 3 * DAY,
        ends_on=TODAY - DAY,
    )
    enrolment = _ok(
        api.post(
            "/api/v1/enrolments/",
            {"training": str(training.uuid), "participant": str(world.participant.uuid)},
        ),
        201,
    )
    assert enrolment["status"] == "enrolled"
    url = f"/api/v1/enrolments/{enrolment['id']}/transition/"

    # when
    _ok(api.post(url, {"to": "attended"}))
    passed = _ok(api.post(url, {"to": "passed", "card_number": "TT-123", "reason": "exam ok"}))

    # then
    assert passed["status"] == "passed"
    card = LicenceCard.objects.get(enrolment__uuid=enrolment["id"])
    assert card.card_number == "TT-123"
    assert card.issued_on == TODAY - DAY
    assert card.valid_until == (TODAY - DAY).replace(year=(TODAY - DAY).year + 5)
    cards = _ok(api.get("/api/v1/licence-cards/", {"licence_type": "occupational_safety"}))
    assert [c["enrolment"] for c in cards["results"]] == [enrolment["id"]]
    assert api.post(url, {"to": "failed"}).json()["code"] == "invalid_transition"


def test_an_enrolment_cannot_skip_attendance_or_exceed_the_seats(world, api):
    training = factories.TrainingFactory(seats=1)
    first = _ok(
        api.post(
            "/api/v1/enrolments/",
            {"training": str(training.uuid), "participant": str(world.participant.uuid)},
        ),
        201,
    )
    skipped = api.post(f"/api/v1/enrolments/{first['id']}/transition/", {"to": "passed"})
    assert skipped.status_code == 409
    assert skipped.json()["code"] == "invalid_transition"
    full = api.post(
        "/api/v1/enrolments/",
        {
            "training": str(training.uuid),
            "participant": str(factories.ParticipantFactory().uuid),
        },
    )
    assert full.status_code == 409
    assert full.json()["code"] == "training_full"
    twice = api.post(
        "/api/v1/enrolments/",
        {"training": str(training.uuid), "participant": str(world.participant.uuid)},
    )
    assert twice.status_code == 409


@pytest.mark.parametrize(
    ("licence_type", "issued_on", "valid_until", "expected"),
    [
        ("first_aid_1", "2024-03-01", None, "2027-03-01"),
        ("first_aid_1", "2024-02-29", None, "2027-02-28"),
        ("hygiene_passport", "2024-03-01", None, None),
        ("first_aid_1", "2024-03-01", "2030-01-31", "2030-01-31"),
    ],
)
def test_a_licence_card_computes_valid_until(
    world, api, licence_type, issued_on, valid_until, expected
):
    body = {
        "participant": str(world.participant.uuid),
        "licence_type": licence_type,
        "issued_on": issued_on,
        "card_number": "C-1",
    }
    if valid_until:
        body["valid_until"] = valid_until
    card = _ok(api.post("/api/v1/licence-cards/", body), 201)
    assert card["valid_until"] == expected
    assert card["is_valid_today"] == (expected is None or expected >= iso(TODAY))
    assert card["licence_type"] == licence_type


def test_a_licence_card_patch_of_issued_on_recomputes_valid_until(world, api):
    card = _ok(
        api.post(
            "/api/v1/licence-cards/",
            {
                "participant": str(world.participant.uuid),
                "licence_type": "first_aid_1",
                "issued_on": "2023-05-10",
            },
        ),
        201,
    )
    assert card["valid_until"] == "2026-05-10"
    patched = _ok(
        api.patch(
            f"/api/v1/licence-cards/{card['id']}/", {"issued_on": "2024-01-15"}, HTTP_IF_MATCH='"1"'
        )
    )
    assert patched["valid_until"] == "2027-01-15"
    bad = api.patch(
        f"/api/v1/licence-cards/{card['id']}/", {"valid_until": "2020-01-01"}, HTTP_IF_MATCH='"2"'
    )
    assert bad.status_code == 400
    assert "valid_until" in bad.json()["errors"]


# Employers and vacancies ---------------------------------------------------------------------


def test_an_employer_is_created_found_and_changed(world, api):
    body = _ok(
        api.post(
            "/api/v1/employers/",
            {"business_id": "0112038-9", "name": "Keski-Suomen Laitos Oy", "municipality": "182"},
        ),
        201,
    )
    assert body["business_id"] == "0112038-9"
    assert _ok(api.get("/api/v1/employers/", {"search": "laitos"}))["count"] == 1
    patched = _ok(
        api.patch(
            f"/api/v1/employers/{body['id']}/", {"industry": "logistics"}, HTTP_IF_MATCH='"1"'
        )
    )
    assert patched["industry"] == "logistics"
    again = api.post(
        "/api/v1/employers/", {"business_id": "0112038-9", "name": "Copy", "municipality": "182"}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_business_id"


@pytest.mark.parametrize("business_id", ["0112038-8", "0112038", "ABCDEFG-1", "01120389", ""])
def test_a_bad_business_id_answers_400(world, api, business_id):
    before = snapshot()
    response = api.post(
        "/api/v1/employers/", {"business_id": business_id, "name": "X", "municipality": "182"}
    )
    assert response.status_code == 400, response.content
    assert "business_id" in response.json()["errors"]
    assert snapshot() == before


def _vacancy_body(world, **overrides):
    return {
        "employer": str(world.employer.uuid),
        "title": "Warehouse worker",
        "occupation_code": "9333",
        "municipality": "182",
        "required_licences": ["forklift", "occupational_safety", "forklift"],
        "language_requirements": {"speaking": "A2.1", "reading": "A2.2"},
        "starts_on": iso(TODAY + 30 * DAY),
        "positions": 3,
        **overrides,
    }


def test_a_vacancy_is_created_with_requirements_and_moves_through_its_statuses(world, api):
    vacancy = _ok(api.post("/api/v1/vacancies/", _vacancy_body(world)), 201)
    assert vacancy["required_licences"] == ["forklift", "occupational_safety"]
    assert vacancy["language_requirements"] == {"reading": "A2.2", "speaking": "A2.1"}
    assert vacancy["status"] == "open"
    assert vacancy["employer_name"] == "Siivous Oy"
    url = f"/api/v1/vacancies/{vacancy['id']}/transition/"
    assert _ok(api.post(url, {"to": "filled"}))["status"] == "filled"
    assert _ok(api.post(url, {"to": "open"}))["status"] == "open"
    assert _ok(api.post(url, {"to": "closed", "reason": "budget"}))["status"] == "closed"
    reopened = api.post(url, {"to": "open"})
    assert reopened.status_code == 409
    assert reopened.json()["code"] == "invalid_transition"
    assert _ok(api.get("/api/v1/vacancies/", {"status": "closed"}))["count"] == 1
    assert _ok(api.get("/api/v1/vacancies/", {"search": "warehouse"}))["count"] == 1


def test_a_vacancy_patch_replaces_the_required_licences(world, api):
    vacancy = _ok(api.post("/api/v1/vacancies/", _vacancy_body(world)), 201)
    patched = _ok(
        api.patch(
            f"/api/v1/vacancies/{vacancy['id']}/",
            {"required_licences": ["hygiene_passport"]},
            HTTP_IF_MATCH='"1"',
        )
    )
    assert patched["required_licences"] == ["hygiene_passport"]
    assert patched["version"] == 2


def test_an_employer_creates_vacancies_only_for_itself(world):
    employer = client_for(world.employer_user)
    other = factories.EmployerFactory()
    vacancy = _ok(
        employer.post("/api/v1/vacancies/", _vacancy_body(world, employer=str(other.uuid))), 201
    )
    assert vacancy["employer"] == str(world.employer.uuid)
    # the employment area of Jämsä, not beyond
    assert (
        employer.post("/api/v1/vacancies/", _vacancy_body(world, municipality="249")).status_code
        == 201
    )
    far = employer.post("/api/v1/vacancies/", _vacancy_body(world, municipality="992"))
    assert far.status_code == 400
    assert "municipality" in far.json()["errors"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"occupation_code": "93"}, "occupation_code"),
        ({"required_licences": ["jetpack"]}, "required_licences"),
        ({"language_requirements": {"speaking": "D1.1"}}, "language_requirements.speaking"),
        ({"positions": 0}, "positions"),
        ({"employer": None}, "employer"),
    ],
)
def test_an_invalid_vacancy_answers_400(world, api, overrides, field):
    body = _vacancy_body(world, **overrides)
    if overrides.get("employer", "") is None:
        del body["employer"]
    response = api.post("/api/v1/vacancies/", body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


# Matches ------------------------------------------------------------------------------------

CANDIDATE_KEYS = {
    "reference",
    "age_band",
    "municipality",
    "language_levels",
    "licence_cards",
    "skills",
    "available_from",
}
CONTACT_KEYS = {"first_name", "phone", "email"}


def _propose(api, world, participant=None, vacancy=None):
    return api.post(
        "/api/v1/matches/",
        {
            "vacancy": str((vacancy or world.vacancy2).uuid),
            "participant": str(proposable(participant or world.participant).uuid),
            "reason": "speaks Finnish well enough",
        },
    )


def test_a_counsellor_proposes_a_match(world, api):
    match = _ok(_propose(api, world), 201)
    assert match["status"] == "proposed"
    assert match["participant"] == str(world.participant.uuid)
    assert match["vacancy"] == str(world.vacancy2.uuid)
    duplicate = _propose(api, world)
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "duplicate_match"


def test_sharing_without_a_valid_consent_answers_409_consent_required(world, api):
    # given a participant without consent
    participant = factories.ParticipantFactory()
    match = _ok(_propose(api, world, participant=participant), 201)
    before = snapshot()

    # when
    response = api.post(f"/api/v1/matches/{match['id']}/transition/", {"to": "shared"})

    # then
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "consent_required"
    assert snapshot() == before


def test_sharing_with_consent_shows_the_match_to_the_employer(world, api):
    match = _ok(_propose(api, world), 201)
    employer = client_for(world.employer_user)
    assert employer.get(f"/api/v1/matches/{match['id']}/").status_code == 404
    shared = _ok(api.post(f"/api/v1/matches/{match['id']}/transition/", {"to": "shared"}))
    assert shared["status"] == "shared"
    seen = _ok(employer.get(f"/api/v1/matches/{match['id']}/"))
    assert seen["status"] == "shared"
    assert set(seen["candidate"]) == CANDIDATE_KEYS


def test_the_employer_sees_a_pseudonymous_candidate(world):
    # given an expired card beside the valid one, and a second shared match of the same person
    factories.LicenceCardFactory(
        participant=world.participant,
        licence_type=factories.licence_type("forklift"),
        issued_on=TODAY - 400 * DAY,
        valid_until=TODAY - DAY,
    )
    second = factories.MatchFactory(
        vacancy=world.vacancy2, participant=world.participant, status="shared",
        reached_shared_on=TODAY,
    )  # fmt: skip
    employer = client_for(world.employer_user)

    # when
    response = employer.get(f"/api/v1/matches/{world.match.uuid}/")
    listed = _ok(employer.get("/api/v1/matches/"))

    # then
    body = _ok(response)
    assert set(body) == {
        "id", "vacancy", "status", "score", "reason", "reason_code", "candidate", "version",
    }  # fmt: skip
    candidate = body["candidate"]
    assert set(candidate) == CANDIDATE_KEYS
    assert candidate["age_band"] in ("25-34", "35-44")
    assert candidate["municipality"] == "182"
    assert candidate["licence_cards"] == ["hygiene_passport"]
    assert candidate["language_levels"] == {
        "fi": {"reading": "A2.1", "listening": "A2.2", "speaking": "A2.1", "writing": "A1.3"}
    }
    assert candidate["skills"] == [
        {"occupation_code": "9112", "level": 2, "years_experience": "3.0"}
    ]
    participant = Participant.objects.get(pk=world.participant.pk)
    for secret in (
        participant.last_name,
        participant.first_name,
        str(participant.uuid),
        participant.date_of_birth.isoformat(),
        participant.phone,
        participant.email,
        "SY",
    ):
        assert secret.encode() not in response.content, secret
    references = {m["candidate"]["reference"] for m in listed["results"]}
    assert len(references) == 2
    assert str(world.participant.uuid) not in references
    assert {m["id"] for m in listed["results"]} == {str(world.match.uuid), str(second.uuid)}


def test_from_interview_on_the_employer_sees_first_name_and_contacts(world):
    employer = client_for(world.employer_user)
    interview = _ok(
        employer.post(f"/api/v1/matches/{world.match.uuid}/transition/", {"to": "interview"})
    )
    assert set(interview["candidate"]) == CANDIDATE_KEYS | CONTACT_KEYS
    participant = Participant.objects.get(pk=world.participant.pk)
    assert interview["candidate"]["first_name"] == participant.first_name
    assert interview["candidate"]["phone"] == participant.phone
    assert participant.last_name.encode() not in employer.get("/api/v1/matches/").content


def test_withdrawing_consent_turns_the_candidate_to_null_at_once(world, api):
    employer = client_for(world.employer_user)
    _ok(employer.post(f"/api/v1/matches/{world.match.uuid}/transition/", {"to": "interview"}))
    _ok(api.post(f"/api/v1/consents/{world.consent.uuid}/withdraw/", {}))
    seen = _ok(employer.get(f"/api/v1/matches/{world.match.uuid}/"))
    assert seen["candidate"] is None
    assert _ok(employer.get("/api/v1/matches/"))["results"][0]["candidate"] is None


def test_an_expired_consent_turns_the_candidate_to_null(world):
    participant = factories.ParticipantFactory()
    factories.ConsentFactory(
        participant=participant, granted_on=TODAY - 60 * DAY, expires_on=TODAY - DAY
    )
    match = factories.MatchFactory(
        vacancy=world.vacancy2, participant=participant, status="shared", reached_shared_on=TODAY
    )
    seen = _ok(client_for(world.employer_user).get(f"/api/v1/matches/{match.uuid}/"))
    assert seen["candidate"] is None


@pytest.mark.parametrize(
    ("role", "body", "code"),
    [
        ("counsellor", {"to": "interview"}, "permission_denied"),
        ("counsellor", {"to": "hired"}, "invalid_transition"),
        ("employer_user", {"to": "withdrawn", "reason_code": "other"}, "permission_denied"),
        ("employer_user", {"to": "declined", "reason_code": "other"}, "permission_denied"),
        ("employer_user", {"to": "hired"}, "invalid_transition"),
        ("employer_user", {"to": "rejected"}, "validation_error"),
    ],
)
def test_each_side_moves_a_match_only_its_own_way(world, role, body, code):
    before = snapshot()
    response = client_for(world.user(role)).post(
        f"/api/v1/matches/{world.match.uuid}/transition/", body
    )
    assert response.json()["code"] == code, response.content
    assert response.status_code in (400, 403, 409)
    assert snapshot() == before


def test_hiring_creates_the_outcome_and_employs_the_participant(world, api):
    # given an active participant invited to an interview
    _ok(api.post(f"/api/v1/participants/{world.participant.uuid}/transition/", {"to": "active"}))
    employer = client_for(world.employer_user)
    url = f"/api/v1/matches/{world.match.uuid}/transition/"
    _ok(employer.post(url, {"to": "interview"}))

    # when
    hired = _ok(
        employer.post(
            url,
            {
                "to": "hired",
                "starts_on": iso(TODAY + 7 * DAY),
                "contract_type": "permanent",
                "hours_per_week": "37.5",
            },
        )
    )

    # then
    assert hired["status"] == "hired"
    outcome = Outcome.objects.get(match=world.match)
    assert (outcome.kind, outcome.contract_type, str(outcome.hours_per_week)) == (
        "employment",
        "permanent",
        "37.5",
    )
    assert outcome.starts_on == TODAY + 7 * DAY
    assert Participant.objects.get(pk=world.participant.pk).status == "employed"
    outcomes = _ok(api.get("/api/v1/outcomes/", {"participant": str(world.participant.uuid)}))
    assert str(outcome.uuid) in {o["id"] for o in outcomes["results"]}
    assert next(o for o in outcomes["results"] if o["id"] == str(outcome.uuid))["match"] == str(
        world.match.uuid
    )


def test_a_counsellor_records_a_decline_with_a_reason_code(world, api):
    body = _ok(
        api.post(
            f"/api/v1/matches/{world.match.uuid}/transition/",
            {"to": "declined", "reason": "found another job", "reason_code": "candidate_withdrew"},
        )
    )
    assert (body["status"], body["reason_code"]) == ("declined", "candidate_withdrew")
    assert _ok(api.get("/api/v1/matches/", {"status": "declined"}))["count"] == 1


# Outcomes -----------------------------------------------------------------------------------


def test_an_outcome_is_recorded_and_followed_up(world, api):
    body = _ok(
        api.post(
            "/api/v1/outcomes/",
            {
                "participant": str(world.participant.uuid),
                "kind": "employment",
                "employer": str(world.employer.uuid),
                "occupation_code": "9112",
                "contract_type": "wage_subsidy",
                "hours_per_week": "30.0",
                "starts_on": iso(TODAY - 30 * DAY),
            },
        ),
        201,
    )
    assert (body["employer"], body["occupation_code"], body["hours_per_week"]) == (
        str(world.employer.uuid),
        "9112",
        "30.0",
    )
    assert body["match"] is None
    patched = _ok(
        api.patch(
            f"/api/v1/outcomes/{body['id']}/",
            {"follow_up_4_weeks": "employed", "ends_on": iso(TODAY)},
            HTTP_IF_MATCH='"1"',
        )
    )
    assert patched["follow_up_4_weeks"] == "employed"
    assert patched["ends_on"] == iso(TODAY)
    bad = api.patch(
        f"/api/v1/outcomes/{body['id']}/",
        {"ends_on": iso(TODAY - 60 * DAY)},
        HTTP_IF_MATCH='"2"',
    )
    assert bad.status_code == 400
    assert "ends_on" in bad.json()["errors"]
    assert _ok(api.get("/api/v1/outcomes/", {"kind": "employment"}))["count"] == 2


# Every declared filter of every list works ---------------------------------------------------


def _sample(filter_):
    import django_filters

    if isinstance(filter_, django_filters.OrderingFilter):
        return "-" + next(iter(filter_.param_map))
    if isinstance(filter_, django_filters.DateFilter):
        return "2024-01-01"
    if isinstance(filter_, django_filters.UUIDFilter):
        return "00000000-0000-0000-0000-000000000000"
    if isinstance(filter_, django_filters.ChoiceFilter | django_filters.MultipleChoiceFilter):
        return filter_.extra["choices"][0][0]
    return "182"


def _list_filters():
    from api.urls import router

    cases = []
    for prefix, viewset, _basename in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        if filterset is None:
            continue
        for name, filter_ in filterset.base_filters.items():
            cases.append(pytest.param(prefix, name, _sample(filter_), id=f"{prefix}-{name}"))
    return cases


@pytest.mark.parametrize(("prefix", "name", "value"), _list_filters())
def test_every_declared_filter_answers(world, api, prefix, name, value):
    response = api.get(f"/api/v1/{prefix}/", {name: value})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("enrolments", {"status": "enrolled"}, 1),
        ("enrolments", {"status": "passed"}, 0),
        ("language-assessments", {"language": "fi"}, 1),
        ("language-assessments", {"language": "sv"}, 0),
        ("case-notes", {"kind": "meeting"}, 1),
        ("case-notes", {"kind": "phone"}, 0),
        ("outcomes", {"kind": "employment"}, 1),
        ("outcomes", {"kind": "education"}, 0),
        ("licence-cards", {"licence_type": "hygiene_passport"}, 1),
        ("licence-cards", {"licence_type": "forklift"}, 0),
        ("trainings", {"licence_type": "first_aid_1"}, 1),
        ("matches", {"status": "shared"}, 1),
        ("matches", {"status": "proposed"}, 0),
        ("vacancies", {"occupation_code": "9112"}, 2),
    ],
)
def test_list_filters_filter(world, api, path, query, expected):
    assert _ok(api.get(f"/api/v1/{path}/", query))["count"] == expected
