"""``GET /api/v1/vocabularies/`` and ``/api/v1/me/`` (docs/domain.md#languages)."""

from __future__ import annotations

import pytest

from core.models import UserPreference
from tests import factories
from tests.api.conftest import client_for


@pytest.fixture
def counsellor(jamsa):
    return factories.counsellor("182")


def _schema_enums(client) -> set[str]:
    schema = client.get("/api/v1/schema/?format=json").json()
    return {
        name
        for name, component in schema["components"]["schemas"].items()
        if "enum" in component and name not in ("BlankEnum", "NullEnum")
    }


def test_every_enumeration_of_the_schema_is_a_vocabulary(counsellor):
    # given
    client = client_for(counsellor)

    # when
    vocabularies = client.get("/api/v1/vocabularies/").json()

    # then
    enums = _schema_enums(client)
    assert enums, "the schema names its enumerations"
    assert enums <= set(vocabularies)
    for name in enums:
        assert vocabularies[name], name
        assert all(set(entry) == {"code", "label"} for entry in vocabularies[name])


def test_labels_follow_the_language_and_codes_do_not(counsellor):
    # given
    client = client_for(counsellor)

    # when
    answers = {
        language: client.get("/api/v1/vocabularies/", HTTP_ACCEPT_LANGUAGE=language)
        for language in ("fi", "sv", "en")
    }

    # then
    assert [answers[lang]["Content-Language"] for lang in ("fi", "sv", "en")] == ["fi", "sv", "en"]
    bodies = {language: response.json() for language, response in answers.items()}
    codes = {
        lang: [e["code"] for e in body["WorkingLanguageEnum"]] for lang, body in bodies.items()
    }
    assert codes["fi"] == codes["sv"] == codes["en"] == ["fi", "sv", "en"]
    labels = {
        lang: [e["label"] for e in body["WorkingLanguageEnum"]] for lang, body in bodies.items()
    }
    assert labels["en"] == ["Finnish", "Swedish", "English"]
    assert labels["fi"] == ["suomi", "ruotsi", "englanti"]
    assert labels["sv"] == ["finska", "svenska", "engelska"]


def test_catalogues_are_named_in_the_language(counsellor):
    # given
    client = client_for(counsellor)

    # when
    fi = client.get("/api/v1/vocabularies/", HTTP_ACCEPT_LANGUAGE="fi").json()
    sv = client.get("/api/v1/vocabularies/", HTTP_ACCEPT_LANGUAGE="sv").json()
    en = client.get("/api/v1/vocabularies/", HTTP_ACCEPT_LANGUAGE="en").json()

    # then
    def label(body, name, code):
        return next(e["label"] for e in body[name] if e["code"] == code)

    assert label(fi, "licence_types", "hygiene_passport") == "Hygieniapassi"
    assert label(sv, "licence_types", "hygiene_passport") == "Hygienpass"
    assert label(en, "licence_types", "hygiene_passport") == "Hygiene Passport"
    assert label(fi, "municipalities", "992") == "Äänekoski"
    assert label(sv, "municipalities", "992") in ("Äänekoski", "Äänekoski")
    assert {e["code"] for e in fi["employment_areas"]} == {
        e["code"] for e in sv["employment_areas"]
    }


def test_an_employer_reads_the_vocabularies_and_nobody_anonymous_does(jamsa):
    # when
    employer = client_for(factories.employer_user()).get("/api/v1/vocabularies/")
    anonymous = client_for().get("/api/v1/vocabularies/")

    # then
    assert employer.status_code == 200
    assert anonymous.status_code == 401


def test_me_shows_and_changes_the_language_with_if_match(counsellor):
    # given
    client = client_for(counsellor)
    before = client.get("/api/v1/me/")

    # when
    missing_if_match = client.patch("/api/v1/me/", {"language": "sv"}, format="json")
    changed = client.patch(
        "/api/v1/me/", {"language": "sv"}, format="json", HTTP_IF_MATCH=before["ETag"]
    )
    stale = client.patch(
        "/api/v1/me/", {"language": "en"}, format="json", HTTP_IF_MATCH=before["ETag"]
    )

    # then
    assert before.json() == {"username": counsellor.username, "language": "", "version": 0}
    assert before["ETag"] == '"0"'
    assert missing_if_match.status_code == 428
    assert changed.status_code == 200
    assert changed.json()["language"] == "sv"
    assert changed["ETag"] == '"1"'
    assert stale.status_code == 412
    preference = UserPreference.objects.get(user=counsellor)
    assert preference.language == "sv"
    assert preference.history.count() == 1


def test_me_refuses_an_unknown_language_and_changes_nothing(counsellor):
    # given
    client = client_for(counsellor)

    # when
    response = client.patch("/api/v1/me/", {"language": "de"}, format="json", HTTP_IF_MATCH='"0"')

    # then
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert "language" in response.json()["errors"]
    assert not UserPreference.objects.exists()


def test_the_schema_names_its_enumerations_alike_in_every_language(counsellor):
    # given
    client = client_for(counsellor)

    # when
    names = {language: _schema_enums_in(client, language) for language in ("fi", "sv", "en")}

    # then
    assert names["fi"] == names["sv"] == names["en"]


def _schema_enums_in(client, language: str) -> set[str]:
    schema = client.get("/api/v1/schema/?format=json", HTTP_ACCEPT_LANGUAGE=language).json()
    return {name for name, c in schema["components"]["schemas"].items() if "enum" in c}
