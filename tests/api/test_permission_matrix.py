"""Every route × every role (docs/access.md): 401 anonymous, 403 for a role that may never use the
resource, 404 outside the caller's scope, 2xx where allowed. A refused write changes nothing and
adds no history row."""

import datetime

import pytest

from tests import factories
from tests.api.conftest import ROLES, TODAY, client_for, iso, proposable, snapshot

ERROR_CODES = {
    400: "validation_error",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
}

#: Expected status per role, in the order of ROLES: anonymous, counsellor, other_counsellor,
#: manager, coordinator, employer_user, other_employer_user, admin.
COUNSELLOR_ONLY_LIST = "401 200 200 403 403 403 403 403"
COUNSELLOR_ONLY_OBJECT = "401 200 404 403 403 403 403 403"
COUNSELLOR_ONLY_CREATE = "401 201 400 403 403 403 403 403"
COUNSELLOR_ONLY_NESTED_CREATE = "401 201 404 403 403 403 403 403"
EVERYONE = "401 200 200 200 200 200 200 200"


def _participant(w):
    return f"/api/v1/participants/{w.participant.uuid}/"


def _note_body(w, role):
    return {
        "participant": str(w.participant.uuid),
        "kind": "phone",
        "occurred_at": "2024-05-02T10:00:00+03:00",
        "text": "Called about the course.",
    }


def _import_body(w, role):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (
        b"first_name,last_name,date_of_birth,gender,labour_market_status\r\n"
        b"Anna,Virtanen,1990-03-15,female,unemployed\r\n"
    )
    return {
        "file": SimpleUploadedFile("clients.csv", content),
        "municipality": "182",
        "dry_run": "false" if role != "counsellor" else "true",
    }


def _match_transition_body(w, role):
    if role in ("employer_user", "other_employer_user"):
        return {"to": "interview", "reason": "invited"}
    return {"to": "withdrawn", "reason": "no longer looking", "reason_code": "candidate_withdrew"}


# (name, method, path, body, expected)
CASES = [
    # Reference data for everyone authenticated.
    ("municipalities list", "get", lambda w: "/api/v1/municipalities/", None, EVERYONE),
    (
        "municipality detail",
        "get",
        lambda w: "/api/v1/municipalities/182/",
        None,
        "401 200 404 200 200 200 404 200",
    ),
    ("licence types list", "get", lambda w: "/api/v1/licence-types/", None, EVERYONE),
    (
        "licence type detail",
        "get",
        lambda w: "/api/v1/licence-types/hygiene_passport/",
        None,
        EVERYONE,
    ),
    # Aggregates: no personal data.
    (
        "municipality dashboard",
        "get",
        lambda w: "/api/v1/municipalities/182/dashboard/",
        None,
        "401 200 404 200 200 403 403 403",
    ),
    (
        "pilot dashboard",
        "get",
        lambda w: "/api/v1/dashboard/",
        None,
        "401 403 403 403 200 403 403 403",
    ),
    (
        "esf report",
        "get",
        lambda w: "/api/v1/reports/esf/",
        None,
        "401 403 403 200 200 403 403 403",
    ),
    # Participants.
    ("participants list", "get", lambda w: "/api/v1/participants/", None, COUNSELLOR_ONLY_LIST),
    ("participant detail", "get", _participant, None, COUNSELLOR_ONLY_OBJECT),
    (
        "participants export csv",
        "get",
        lambda w: "/api/v1/participants/?format=csv",
        None,
        COUNSELLOR_ONLY_LIST,
    ),
    (
        "participants export xlsx",
        "get",
        lambda w: "/api/v1/participants/?format=xlsx",
        None,
        COUNSELLOR_ONLY_LIST,
    ),
    (
        "participant import (dry run)",
        "multipart",
        lambda w: "/api/v1/imports/participants/",
        _import_body,
        "401 200 400 403 403 403 403 403",
    ),
    (
        "participant legal hold",
        "post",
        lambda w: _participant(w) + "legal-hold/",
        lambda w, role: {"reason": "Appeal pending"},
        "401 200 404 403 403 403 403 403",
    ),
    (
        "participant legal hold release",
        "post",
        lambda w: _participant(w) + "legal-hold/release/",
        lambda w, role: {"reason": "Appeal decided"},
        "401 200 404 403 403 403 403 403",
    ),
    (
        "participant subject export",
        "get",
        lambda w: _participant(w) + "export/",
        None,
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "participant duplicates",
        "get",
        lambda w: "/api/v1/participants/duplicates/",
        None,
        COUNSELLOR_ONLY_LIST,
    ),
    (
        "participant create",
        "post",
        lambda w: "/api/v1/participants/",
        lambda w, role: {
            "municipality": "182",
            "first_name": "Amina",
            "last_name": "Hassan",
            "date_of_birth": "1990-03-15",
            "gender": "female",
            "labour_market_status": "unemployed",
        },
        COUNSELLOR_ONLY_CREATE,
    ),
    (
        "participant patch",
        "patch",
        _participant,
        lambda w, role: {"phone": "+358409999999"},
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "participants reassign",
        "post",
        lambda w: "/api/v1/participants/reassign/",
        lambda w, role: {
            "participants": [str(w.participant.uuid)],
            "to": None,
            "reason": "counsellor left",
        },
        "401 200 400 403 403 403 403 403",
    ),
    (
        "participant transition",
        "post",
        lambda w: _participant(w) + "transition/",
        lambda w, role: {"to": "active", "reason": "first meeting"},
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "participant history",
        "get",
        lambda w: _participant(w) + "history/",
        None,
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "participant access log",
        "get",
        lambda w: _participant(w) + "access-log/",
        None,
        "401 200 404 403 403 403 403 200",
    ),
    (
        "participant consents",
        "get",
        lambda w: _participant(w) + "consents/",
        None,
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "participant consent create",
        "post",
        lambda w: _participant(w) + "consents/",
        lambda w, role: {"purpose": "share_with_employers", "granted_on": iso(TODAY)},
        COUNSELLOR_ONLY_NESTED_CREATE,
    ),
    (
        "consent withdraw",
        "post",
        lambda w: f"/api/v1/consents/{w.consent.uuid}/withdraw/",
        lambda w, role: {"reason": "changed their mind"},
        COUNSELLOR_ONLY_OBJECT,
    ),
    # Case notes.
    ("case notes list", "get", lambda w: "/api/v1/case-notes/", None, COUNSELLOR_ONLY_LIST),
    (
        "case note detail",
        "get",
        lambda w: f"/api/v1/case-notes/{w.case_note.uuid}/",
        None,
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "case note create",
        "post",
        lambda w: "/api/v1/case-notes/",
        _note_body,
        COUNSELLOR_ONLY_CREATE,
    ),
    (
        "case note patch",
        "patch",
        lambda w: f"/api/v1/case-notes/{w.case_note.uuid}/",
        lambda w, role: {"text": "Corrected."},
        COUNSELLOR_ONLY_OBJECT,
    ),
    # Language assessments.
    (
        "language assessments list",
        "get",
        lambda w: "/api/v1/language-assessments/",
        None,
        COUNSELLOR_ONLY_LIST,
    ),
    (
        "language assessment detail",
        "get",
        lambda w: f"/api/v1/language-assessments/{w.language_assessment.uuid}/",
        None,
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "language assessment create",
        "post",
        lambda w: "/api/v1/language-assessments/",
        lambda w, role: {
            "participant": str(w.participant.uuid),
            "language": "fi",
            "assessed_on": iso(TODAY),
            "instrument": "course_test",
            "speaking": "A2.2",
        },
        COUNSELLOR_ONLY_CREATE,
    ),
    (
        "language assessment patch",
        "patch",
        lambda w: f"/api/v1/language-assessments/{w.language_assessment.uuid}/",
        lambda w, role: {"speaking": "B1.1"},
        COUNSELLOR_ONLY_OBJECT,
    ),
    # Skill assessments.
    (
        "skill assessments list",
        "get",
        lambda w: "/api/v1/skill-assessments/",
        None,
        COUNSELLOR_ONLY_LIST,
    ),
    (
        "skill assessment detail",
        "get",
        lambda w: f"/api/v1/skill-assessments/{w.skill_assessment.uuid}/",
        None,
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "skill assessment create",
        "post",
        lambda w: "/api/v1/skill-assessments/",
        lambda w, role: {
            "participant": str(w.participant.uuid),
            "occupation_code": "5120",
            "level": 2,
            "evidence": "demonstration",
            "assessed_on": iso(TODAY),
        },
        COUNSELLOR_ONLY_CREATE,
    ),
    (
        "skill assessment patch",
        "patch",
        lambda w: f"/api/v1/skill-assessments/{w.skill_assessment.uuid}/",
        lambda w, role: {"level": 3},
        COUNSELLOR_ONLY_OBJECT,
    ),
    # Trainings (counsellors of the employment area read; their own municipality's write).
    ("trainings list", "get", lambda w: "/api/v1/trainings/", None, COUNSELLOR_ONLY_LIST),
    (
        "training detail",
        "get",
        lambda w: f"/api/v1/trainings/{w.training.uuid}/",
        None,
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "training create",
        "post",
        lambda w: "/api/v1/trainings/",
        lambda w, role: {
            "licence_type": "hygiene_passport",
            "municipality": "182",
            "provider": "Gradia",
            "starts_on": iso(TODAY + datetime.timedelta(days=20)),
            "ends_on": iso(TODAY + datetime.timedelta(days=21)),
            "seats": 10,
        },
        COUNSELLOR_ONLY_CREATE,
    ),
    (
        "training patch",
        "patch",
        lambda w: f"/api/v1/trainings/{w.training.uuid}/",
        lambda w, role: {"seats": 20},
        COUNSELLOR_ONLY_OBJECT,
    ),
    # Enrolments.
    ("enrolments list", "get", lambda w: "/api/v1/enrolments/", None, COUNSELLOR_ONLY_LIST),
    (
        "enrolment detail",
        "get",
        lambda w: f"/api/v1/enrolments/{w.enrolment.uuid}/",
        None,
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "enrolment create",
        "post",
        lambda w: "/api/v1/enrolments/",
        lambda w, role: {
            "training": str(w.training2.uuid),
            "participant": str(w.participant.uuid),
        },
        COUNSELLOR_ONLY_CREATE,
    ),
    (
        "enrolment transition",
        "post",
        lambda w: f"/api/v1/enrolments/{w.enrolment.uuid}/transition/",
        lambda w, role: {"to": "attended"},
        COUNSELLOR_ONLY_OBJECT,
    ),
    # Licence cards.
    (
        "licence cards list",
        "get",
        lambda w: "/api/v1/licence-cards/",
        None,
        COUNSELLOR_ONLY_LIST,
    ),
    (
        "licence card detail",
        "get",
        lambda w: f"/api/v1/licence-cards/{w.licence_card.uuid}/",
        None,
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "licence card create",
        "post",
        lambda w: "/api/v1/licence-cards/",
        lambda w, role: {
            "participant": str(w.participant.uuid),
            "licence_type": "first_aid_1",
            "issued_on": iso(TODAY),
        },
        COUNSELLOR_ONLY_CREATE,
    ),
    (
        "licence card patch",
        "patch",
        lambda w: f"/api/v1/licence-cards/{w.licence_card.uuid}/",
        lambda w, role: {"card_number": "HP-77"},
        COUNSELLOR_ONLY_OBJECT,
    ),
    # Employers: counsellors read all and write; the coordinator reads; an employer its own.
    (
        "employers list",
        "get",
        lambda w: "/api/v1/employers/",
        None,
        "401 200 200 403 200 200 200 403",
    ),
    (
        "employer detail",
        "get",
        lambda w: f"/api/v1/employers/{w.employer.uuid}/",
        None,
        "401 200 200 403 200 200 404 403",
    ),
    (
        "employer create",
        "post",
        lambda w: "/api/v1/employers/",
        lambda w, role: {"business_id": "0112038-9", "name": "Laitos Oy", "municipality": "182"},
        "401 201 400 403 403 403 403 403",
    ),
    (
        "employer patch",
        "patch",
        lambda w: f"/api/v1/employers/{w.employer.uuid}/",
        lambda w, role: {"industry": "logistics"},
        "401 200 200 403 403 403 403 403",
    ),
    # Vacancies.
    (
        "vacancies list",
        "get",
        lambda w: "/api/v1/vacancies/",
        None,
        "401 200 200 403 200 200 200 403",
    ),
    (
        "vacancy detail",
        "get",
        lambda w: f"/api/v1/vacancies/{w.vacancy.uuid}/",
        None,
        "401 200 404 403 200 200 404 403",
    ),
    (
        "vacancy create",
        "post",
        lambda w: "/api/v1/vacancies/",
        lambda w, role: {
            "employer": str(w.employer.uuid),
            "title": "Warehouse worker",
            "occupation_code": "9333",
            "municipality": "182",
            "starts_on": iso(TODAY + datetime.timedelta(days=40)),
        },
        "401 201 400 403 403 201 400 403",
    ),
    (
        "vacancy patch",
        "patch",
        lambda w: f"/api/v1/vacancies/{w.vacancy.uuid}/",
        lambda w, role: {"title": "Senior cleaner"},
        "401 200 404 403 403 200 404 403",
    ),
    (
        "vacancy transition",
        "post",
        lambda w: f"/api/v1/vacancies/{w.vacancy.uuid}/transition/",
        lambda w, role: {"to": "filled", "reason": "hired elsewhere"},
        "401 200 404 403 403 200 404 403",
    ),
    (
        "vacancy candidates",
        "get",
        lambda w: f"/api/v1/vacancies/{w.vacancy.uuid}/candidates/",
        None,
        COUNSELLOR_ONLY_OBJECT,
    ),
    # The worklist (DESIGN §10): counsellors only; it names participants.
    ("worklist", "get", lambda w: "/api/v1/worklist/", None, COUNSELLOR_ONLY_LIST),
    (
        "worklist of every counsellor",
        "get",
        lambda w: "/api/v1/worklist/?counsellor=any",
        None,
        COUNSELLOR_ONLY_LIST,
    ),
    # Matches: counsellors of the participant; the employer its own, from shared on.
    (
        "matches list",
        "get",
        lambda w: "/api/v1/matches/",
        None,
        "401 200 200 403 403 200 200 403",
    ),
    (
        "match detail",
        "get",
        lambda w: f"/api/v1/matches/{w.match.uuid}/",
        None,
        "401 200 404 403 403 200 404 403",
    ),
    (
        "match create",
        "post",
        lambda w: "/api/v1/matches/",
        lambda w, role: {
            "vacancy": str(w.vacancy2.uuid),
            "participant": str(proposable(w.participant).uuid),
        },
        COUNSELLOR_ONLY_CREATE,
    ),
    (
        "match transition",
        "post",
        lambda w: f"/api/v1/matches/{w.match.uuid}/transition/",
        _match_transition_body,
        "401 200 404 403 403 200 404 403",
    ),
    # Outcomes.
    ("outcomes list", "get", lambda w: "/api/v1/outcomes/", None, COUNSELLOR_ONLY_LIST),
    (
        "outcome detail",
        "get",
        lambda w: f"/api/v1/outcomes/{w.outcome.uuid}/",
        None,
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "outcome create",
        "post",
        lambda w: "/api/v1/outcomes/",
        lambda w, role: {
            "participant": str(w.participant.uuid),
            "kind": "education",
            "starts_on": iso(TODAY),
        },
        COUNSELLOR_ONLY_CREATE,
    ),
    (
        "outcome patch",
        "patch",
        lambda w: f"/api/v1/outcomes/{w.outcome.uuid}/",
        lambda w, role: {"hours_per_week": "20.0"},
        COUNSELLOR_ONLY_OBJECT,
    ),
    # Plans (DESIGN §10).
    (
        "service-needs assessments list",
        "get",
        lambda w: "/api/v1/service-needs-assessments/",
        None,
        COUNSELLOR_ONLY_LIST,
    ),
    (
        "service-needs assessment detail",
        "get",
        lambda w: f"/api/v1/service-needs-assessments/{w.needs_assessment.uuid}/",
        None,
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "service-needs assessment create",
        "post",
        lambda w: "/api/v1/service-needs-assessments/",
        lambda w, role: {"participant": str(w.participant.uuid), "literacy": "Reads."},
        COUNSELLOR_ONLY_CREATE,
    ),
    (
        "service-needs assessment patch",
        "patch",
        lambda w: f"/api/v1/service-needs-assessments/{w.needs_assessment.uuid}/",
        lambda w, role: {"strengths": "Languages."},
        COUNSELLOR_ONLY_OBJECT,
    ),
    ("plans list", "get", lambda w: "/api/v1/plans/", None, COUNSELLOR_ONLY_LIST),
    (
        "plan detail",
        "get",
        lambda w: f"/api/v1/plans/{w.plan.uuid}/",
        None,
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "plan create",
        "post",
        lambda w: "/api/v1/plans/",
        lambda w, role: {"participant": str(w.participant.uuid), "kind": "employment"},
        COUNSELLOR_ONLY_CREATE,
    ),
    (
        "plan patch",
        "patch",
        lambda w: f"/api/v1/plans/{w.plan.uuid}/",
        lambda w, role: {"ends_on": iso(TODAY + datetime.timedelta(days=100))},
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "plan transition",
        "post",
        lambda w: f"/api/v1/plans/{w.plan.uuid}/transition/",
        lambda w, role: {"to": "ended", "reason": "moved away"},
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "plan reviews",
        "get",
        lambda w: f"/api/v1/plans/{w.plan.uuid}/reviews/",
        None,
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "plan review create",
        "post",
        lambda w: f"/api/v1/plans/{w.plan.uuid}/reviews/",
        lambda w, role: {"summary": "On track."},
        COUNSELLOR_ONLY_NESTED_CREATE,
    ),
    ("appointments list", "get", lambda w: "/api/v1/appointments/", None, COUNSELLOR_ONLY_LIST),
    (
        "appointment detail",
        "get",
        lambda w: f"/api/v1/appointments/{w.appointment.uuid}/",
        None,
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "appointment create",
        "post",
        lambda w: "/api/v1/appointments/",
        lambda w, role: {
            "participant": str(w.participant.uuid),
            "kind": "job_search_discussion",
            "starts_at": "2030-05-02T10:00:00+03:00",
            "channel": "phone",
        },
        COUNSELLOR_ONLY_CREATE,
    ),
    (
        "appointment patch",
        "patch",
        lambda w: f"/api/v1/appointments/{w.appointment.uuid}/",
        lambda w, role: {"channel": "video"},
        COUNSELLOR_ONLY_OBJECT,
    ),
    (
        "appointment transition",
        "post",
        lambda w: f"/api/v1/appointments/{w.appointment.uuid}/transition/",
        lambda w, role: {"to": "cancelled", "reason": "client ill"},
        COUNSELLOR_ONLY_OBJECT,
    ),
]

MATRIX = [
    pytest.param(method, path, body, role, int(status), id=f"{name}-{role}")
    for name, method, path, body, expected in CASES
    for role, status in zip(ROLES, expected.split(), strict=True)
]


def _request(client, method, path, body):
    if method == "get":
        return client.get(path)
    if method == "multipart":
        return client.post(path, body, format="multipart")
    headers = {"HTTP_IF_MATCH": '"1"'} if method == "patch" else {}
    return getattr(client, method)(path, body, format="json", **headers)


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), MATRIX)
def test_permission_matrix(world, method, path, body, role, expected):
    # given
    client = client_for(world.user(role))
    payload = body(world, role) if body else None
    before = snapshot() if method != "get" else None

    # when
    response = _request(client, method, path(world), payload)

    # then
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response.json()["code"] == ERROR_CODES[expected], response.content
        if method != "get":
            assert snapshot() == before
    if expected == 401:
        assert response["WWW-Authenticate"] == "Bearer"


ALL_PATHS = [
    pytest.param(path, id=name)
    for name, method, path, body, expected in CASES
    if method == "get" or name.endswith(("transition", "withdraw"))
] + [pytest.param(lambda w: "/api/v1/auth/token/", id="auth token")]


@pytest.mark.parametrize("path", ALL_PATHS)
@pytest.mark.parametrize("method", ["put", "delete"])
def test_put_and_delete_answer_405_after_401(world, path, method):
    # given
    before = snapshot()

    # when
    anonymous = getattr(client_for(), method)(path(world), {}, format="json")
    counsellor = getattr(client_for(world.counsellor), method)(
        path(world), {"status": "exited"}, format="json", HTTP_IF_MATCH='"1"'
    )

    # then
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Bearer"
    if method == "delete" and "auth/token" in path(world):
        assert counsellor.status_code == 400  # revoking needs a bearer token, not a session
    else:
        assert counsellor.status_code == 405, counsellor.content
        assert counsellor.json()["code"] == "method_not_allowed"
    assert snapshot() == before


@pytest.mark.parametrize("role", ["counsellor", "manager", "employer_user"])
def test_patch_on_enrolments_answers_405(world, role):
    response = client_for(world.user(role)).patch(
        f"/api/v1/enrolments/{world.enrolment.uuid}/",
        {"status": "passed"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 405
    assert world.enrolment.__class__.objects.get(pk=world.enrolment.pk).status == "enrolled"


def test_admin_reads_the_access_log_of_any_participant(world):
    response = client_for(world.admin).get(
        f"/api/v1/participants/{world.other_participant.uuid}/access-log/"
    )
    assert response.status_code == 200


def test_the_other_counsellor_sees_nothing_of_another_municipality_in_lists(world):
    client = client_for(world.other_counsellor)
    for path in [
        "participants",
        "case-notes",
        "language-assessments",
        "skill-assessments",
        "enrolments",
        "licence-cards",
        "matches",
        "outcomes",
        "trainings",
        "vacancies",
    ]:
        response = client.get(f"/api/v1/{path}/")
        ids = {row["id"] for row in response.json()["results"]}
        assert str(world.participant.uuid) not in ids, path
        if path == "participants":
            assert ids == {str(world.other_participant.uuid)}
        else:
            assert ids == set(), path


def test_an_employer_sees_only_its_own_employer_vacancies_and_matches(world):
    other = client_for(world.other_employer_user)
    own = client_for(world.employer_user)
    assert [e["id"] for e in own.get("/api/v1/employers/").json()["results"]] == [
        str(world.employer.uuid)
    ]
    assert str(world.employer.uuid) not in {
        e["id"] for e in other.get("/api/v1/employers/").json()["results"]
    }
    assert other.get("/api/v1/vacancies/").json()["count"] == 0
    assert other.get("/api/v1/matches/").json()["count"] == 0
    assert own.get("/api/v1/matches/").json()["count"] == 1


def test_an_employer_never_sees_a_match_before_it_is_shared(world):
    proposed = factories.MatchFactory(vacancy=world.vacancy2, participant=world.participant)
    client = client_for(world.employer_user)
    assert client.get(f"/api/v1/matches/{proposed.uuid}/").status_code == 404
    listed = {m["id"] for m in client.get("/api/v1/matches/").json()["results"]}
    assert str(proposed.uuid) not in listed


# A neighbouring counsellor (Keuruu, the same employment area as Jämsä) reads the area's
# vacancies and trainings but writes only their own municipality's: 403, nothing changed.


@pytest.mark.parametrize(
    ("path", "body", "with_if_match"),
    [
        (lambda w: f"/api/v1/vacancies/{w.vacancy.uuid}/", {"title": "x"}, True),
        (lambda w: f"/api/v1/vacancies/{w.vacancy.uuid}/", {"title": "x"}, False),
        (lambda w: f"/api/v1/vacancies/{w.vacancy.uuid}/transition/", {"to": "closed"}, False),
        (lambda w: f"/api/v1/trainings/{w.training.uuid}/", {"seats": 99}, True),
        (lambda w: f"/api/v1/trainings/{w.training.uuid}/", {"seats": "bad"}, False),
    ],
    ids=[
        "vacancy patch",
        "vacancy patch without If-Match",
        "vacancy transition",
        "training patch",
        "training patch with a bad body",
    ],
)
def test_a_neighbouring_counsellor_reads_but_may_not_write_area_records(
    world, path, body, with_if_match
):
    # given
    neighbour = client_for(factories.counsellor("249", username="counsellor.keuruu"))
    before = snapshot()
    headers = {"HTTP_IF_MATCH": '"1"'} if with_if_match else {}

    # when
    read = neighbour.get(path(world).removesuffix("transition/"))
    write = (neighbour.patch if "transition" not in path(world) else neighbour.post)(
        path(world), body, format="json", **headers
    )

    # then: 403 comes before 428 and 400 (docs/access.md check order)
    assert read.status_code == 200
    assert write.status_code == 403, write.content
    assert write.json()["code"] == "permission_denied"
    assert snapshot() == before


# A body that points at an object the caller may not read: 400 on that field.


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "case-notes",
            lambda w: {**_note_body(w, "counsellor"), "participant": "{other}"},
            "participant",
        ),
        (
            "language-assessments",
            lambda w: {
                "participant": "{other}",
                "language": "fi",
                "assessed_on": iso(TODAY),
                "instrument": "course_test",
                "speaking": "A2.2",
            },
            "participant",
        ),
        (
            "skill-assessments",
            lambda w: {
                "participant": "{other}",
                "occupation_code": "5120",
                "level": 2,
                "evidence": "demonstration",
                "assessed_on": iso(TODAY),
            },
            "participant",
        ),
        (
            "licence-cards",
            lambda w: {
                "participant": "{other}",
                "licence_type": "first_aid_1",
                "issued_on": iso(TODAY),
            },
            "participant",
        ),
        (
            "outcomes",
            lambda w: {"participant": "{other}", "kind": "education", "starts_on": iso(TODAY)},
            "participant",
        ),
        (
            "enrolments",
            lambda w: {"participant": "{other}", "training": str(w.training2.uuid)},
            "participant",
        ),
        (
            "matches",
            lambda w: {"participant": "{other}", "vacancy": str(w.vacancy2.uuid)},
            "participant",
        ),
        (
            "enrolments",
            lambda w: {
                "participant": str(w.participant.uuid),
                "training": str(
                    factories.TrainingFactory(municipality=factories.municipality("992")).uuid
                ),
            },
            "training",
        ),
        (
            "matches",
            lambda w: {
                "participant": str(w.participant.uuid),
                "vacancy": str(
                    factories.VacancyFactory(
                        employer=factories.EmployerFactory(
                            municipality=factories.municipality("992")
                        )
                    ).uuid
                ),
            },
            "vacancy",
        ),
        (
            "licence-cards",
            lambda w: {
                "participant": str(w.participant.uuid),
                "licence_type": "no_such_card",
                "issued_on": iso(TODAY),
            },
            "licence_type",
        ),
        ("service-needs-assessments", lambda w: {"participant": "{other}"}, "participant"),
        ("plans", lambda w: {"participant": "{other}", "kind": "employment"}, "participant"),
        (
            "appointments",
            lambda w: {
                "participant": "{other}",
                "kind": "guidance",
                "starts_at": "2030-05-02T10:00:00+03:00",
                "channel": "phone",
            },
            "participant",
        ),
    ],
    ids=[
        "case note",
        "language assessment",
        "skill assessment",
        "licence card",
        "outcome",
        "enrolment",
        "match",
        "enrolment training",
        "match vacancy",
        "licence card type",
        "service-needs assessment",
        "plan",
        "appointment",
    ],
)
def test_a_body_naming_an_object_out_of_scope_answers_400_on_that_field(world, path, body, field):
    # given
    payload = body(world)
    if payload.get("participant") == "{other}":
        payload["participant"] = str(world.other_participant.uuid)
    before = snapshot()

    # when
    response = client_for(world.counsellor).post(f"/api/v1/{path}/", payload, format="json")

    # then
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "validation_error"
    assert "does not exist" in " ".join(response.json()["errors"][field])
    assert snapshot() == before


def test_a_create_in_a_municipality_not_yours_answers_400(world):
    before = snapshot()
    response = client_for(world.counsellor).post(
        "/api/v1/participants/",
        {
            "municipality": "992",
            "first_name": "A",
            "last_name": "B",
            "date_of_birth": "1990-01-01",
            "gender": "male",
            "labour_market_status": "unemployed",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "municipality" in response.json()["errors"]
    assert snapshot() == before


# Server-owned fields in a body are ignored.


def test_server_owned_fields_in_a_participant_patch_are_ignored(world):
    # given
    participant = world.participant

    # when
    response = client_for(world.counsellor).patch(
        f"/api/v1/participants/{participant.uuid}/",
        {
            "status": "exited",
            "exit_reason": "other",
            "exited_on": iso(TODAY),
            "version": 42,
            "municipality": "992",
            "id": str(world.other_participant.uuid),
            "phone": "+358405550000",
        },
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    # then
    assert response.status_code == 200, response.content
    participant.refresh_from_db()
    assert participant.status == "referred"
    assert participant.exit_reason == ""
    assert participant.exited_on is None
    assert participant.version == 2
    assert participant.municipality.code == "182"
    assert participant.phone == "+358405550000"
    assert response.json()["id"] == str(participant.uuid)


def test_server_owned_fields_in_a_participant_create_are_ignored(world):
    response = client_for(world.counsellor).post(
        "/api/v1/participants/",
        {
            "municipality": "182",
            "first_name": "Amina",
            "last_name": "Hassan",
            "date_of_birth": "1990-03-15",
            "gender": "female",
            "labour_market_status": "unemployed",
            "status": "employed",
            "version": 9,
            "id": str(world.participant.uuid),
            "exited_on": iso(TODAY),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "referred"
    assert body["version"] == 1
    assert body["id"] != str(world.participant.uuid)
    assert body["exited_on"] is None


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            lambda w: f"/api/v1/case-notes/{w.case_note.uuid}/",
            lambda w: {"participant": str(w.other_participant.uuid), "author": "someone"},
        ),
        (
            lambda w: f"/api/v1/vacancies/{w.vacancy.uuid}/",
            lambda w: {"status": "closed", "municipality": "992", "employer": "x"},
        ),
        (
            lambda w: f"/api/v1/outcomes/{w.outcome.uuid}/",
            lambda w: {"participant": str(w.other_participant.uuid), "match": None},
        ),
        (
            lambda w: f"/api/v1/language-assessments/{w.language_assessment.uuid}/",
            lambda w: {"participant": str(w.other_participant.uuid), "assessor": "admin"},
        ),
    ],
    ids=["case note", "vacancy", "outcome", "language assessment"],
)
def test_server_owned_fields_in_other_patches_are_ignored(world, path, body):
    # given
    before = snapshot()

    # when
    response = client_for(world.counsellor).patch(
        path(world), body(world), format="json", HTTP_IF_MATCH='"1"'
    )

    # then: nothing the client may change was sent, so nothing changed at all
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"1"'
    assert snapshot() == before
