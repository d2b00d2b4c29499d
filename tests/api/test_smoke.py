from tests import factories
from tests.api.conftest import client_for


def test_counsellor_creates_reads_and_patches_a_participant(api, counsellor):
    response = api.post(
        "/api/v1/participants/",
        {
            "municipality": "182",
            "first_name": "Amina",
            "last_name": "Hassan",
            "date_of_birth": "1990-03-15",
            "personal_identity_code": "150390-902D",
            "gender": "female",
            "labour_market_status": "unemployed",
            "native_language": "so",
            "citizenship": "SO",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["personal_identity_code"] == "150390-****"
    assert response["ETag"] == '"1"'
    detail = api.get(f"/api/v1/participants/{body['id']}/")
    assert detail.status_code == 200
    listing = api.get("/api/v1/participants/")
    assert listing.json()["count"] == 1
    patched = api.patch(
        f"/api/v1/participants/{body['id']}/",
        {"phone": "+358401112233"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert patched.status_code == 200, patched.content
    assert patched["ETag"] == '"2"'
    history = api.get(f"/api/v1/participants/{body['id']}/history/")
    assert history.status_code == 200, history.content
    assert history.json()["count"] == 2
    log = api.get(f"/api/v1/participants/{body['id']}/access-log/")
    assert log.status_code == 200, log.content
    assert log.json()["count"] >= 3


def test_every_list_answers(api):
    participant = factories.ParticipantFactory()
    factories.LicenceCardFactory(participant=participant)
    factories.MatchFactory(participant=participant)
    for path in [
        "municipalities",
        "participants",
        "case-notes",
        "language-assessments",
        "skill-assessments",
        "licence-types",
        "trainings",
        "enrolments",
        "licence-cards",
        "employers",
        "vacancies",
        "matches",
        "outcomes",
    ]:
        response = api.get(f"/api/v1/{path}/")
        assert response.status_code == 200, (path, response.content)


def test_anonymous_gets_401_with_bearer_challenge():
    response = client_for().get("/api/v1/participants/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["code"] == "not_authenticated"


def test_schema_renders():
    response = client_for().get("/api/v1/schema/?format=json")
    assert response.status_code == 200, response.content[:2000]
