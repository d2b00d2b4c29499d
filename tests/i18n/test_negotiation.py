"""Which language answers (docs/domain.md#languages): the API by Accept-Language only, pages by the user's
saved language, else the switch's cookie, else the browser."""

from __future__ import annotations

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from core.models import UserPreference
from tests import factories
from tests.api.conftest import client_for


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fi", "fi"),
        ("sv", "sv"),
        ("en", "en"),
        ("sv-FI,sv;q=0.9", "sv"),
        ("en-GB,en;q=0.8", "en"),
        ("de-DE,de;q=0.9", "fi"),
        ("de,sv;q=0.5", "sv"),
        ("*", "fi"),
        ("", "fi"),
    ],
)
def test_the_api_answers_in_the_language_asked_for_else_finnish(header, expected, jamsa):
    # given
    client = client_for(factories.counsellor("182"))

    # when
    response = client.get("/api/v1/municipalities/", HTTP_ACCEPT_LANGUAGE=header)

    # then
    assert response.status_code == 200
    assert response["Content-Language"] == expected
    assert "Accept-Language" in response["Vary"]


def test_the_api_ignores_the_language_cookie_and_the_saved_preference(jamsa):
    # given: a user who chose Swedish, with the switch's cookie too
    user = factories.counsellor("182")
    from core.preferences import user_preference_set

    user_preference_set(actor=user, user=user, language="sv")
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"

    # when
    response = client.get("/api/v1/participants/", HTTP_ACCEPT_LANGUAGE="en")

    # then
    assert response["Content-Language"] == "en"


def test_an_anonymous_api_error_is_in_the_language_asked_for():
    # given
    client = APIClient()

    # when
    answers = {
        language: client.get("/api/v1/participants/", HTTP_ACCEPT_LANGUAGE=language)
        for language in ("fi", "sv", "en")
    }

    # then: the same code, three details
    assert {r.json()["code"] for r in answers.values()} == {"not_authenticated"}
    assert answers["en"].json()["detail"] == "Authentication credentials were not provided."
    assert answers["fi"].json()["detail"] == "Autentikaatiotunnuksia ei annettu."
    assert answers["sv"].json()["detail"] == "Autentiseringsuppgifter ej tillhandahållna."
    assert [answers[lang]["Content-Language"] for lang in ("fi", "sv", "en")] == ["fi", "sv", "en"]


def test_the_same_validation_error_in_three_languages(jamsa):
    # given: a participant without its required fields
    client = client_for(factories.counsellor("182"))

    # when
    answers = {
        language: client.post(
            "/api/v1/participants/",
            {"municipality": "182"},
            format="json",
            HTTP_ACCEPT_LANGUAGE=language,
        ).json()
        for language in ("fi", "sv", "en")
    }

    # then: the same code and fields, the detail and messages in each language
    assert {body["code"] for body in answers.values()} == {"validation_error"}
    assert answers["en"]["detail"] == "Invalid input."
    assert answers["fi"]["detail"] == "Virheellinen syöte."
    assert answers["sv"]["detail"] == "Ogiltig indata."
    assert answers["en"]["errors"]["first_name"] == ["This field is required."]
    assert answers["fi"]["errors"]["first_name"] == ["Tämä kenttä vaaditaan."]
    assert answers["sv"]["errors"]["first_name"] == ["Det här fältet är obligatoriskt."]
    assert answers["fi"]["errors"].keys() == answers["en"]["errors"].keys()


def test_a_domain_error_detail_follows_the_language(jamsa):
    # given
    client = client_for(factories.counsellor("182"))
    missing = "/api/v1/participants/00000000-0000-0000-0000-000000000000/"

    # when
    fi = client.get(missing, HTTP_ACCEPT_LANGUAGE="fi").json()
    sv = client.get(missing, HTTP_ACCEPT_LANGUAGE="sv").json()

    # then
    assert fi["code"] == sv["code"] == "not_found"
    assert fi["detail"] != sv["detail"]
    assert "Not found" not in fi["detail"] + sv["detail"]


def _page_language(client, **extra):
    response = client.get("/accounts/login/", **extra)
    assert response.status_code == 200
    return response["Content-Language"], response.content.decode()


def test_a_page_follows_the_browser_without_a_choice(client):
    # when
    language, html = _page_language(client, HTTP_ACCEPT_LANGUAGE="sv-FI,sv;q=0.9")

    # then
    assert language == "sv"
    assert '<html lang="sv">' in html


def test_a_page_is_finnish_for_a_browser_that_asks_for_nothing_we_speak(client):
    # when
    language, html = _page_language(client, HTTP_ACCEPT_LANGUAGE="de")

    # then
    assert language == "fi"
    assert '<html lang="fi">' in html


def test_the_switch_sets_the_cookie_and_the_saved_preference_of_a_signed_in_user(client, jamsa):
    # given
    user = factories.manager("182")
    client.force_login(user)

    # when
    response = client.post("/i18n/setlang/", {"language": "sv", "next": "/dashboard/"})

    # then
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"
    preference = UserPreference.objects.get(user=user)
    assert preference.language == "sv"
    assert preference.history.count() == 1
    assert preference.history.get().history_user == user


def test_the_saved_preference_wins_over_the_browser(client, jamsa):
    # given: a user who chose Swedish, in an English browser with no cookie
    user = factories.manager("182")
    from core.preferences import user_preference_set

    user_preference_set(actor=user, user=user, language="sv")
    client.force_login(user)

    # when
    language, html = _page_language(client, HTTP_ACCEPT_LANGUAGE="en")

    # then
    assert language == "sv"
    assert "Logga ut" in html


def test_the_switch_on_the_login_page_only_sets_the_cookie(client):
    # when
    client.post("/i18n/setlang/", {"language": "fi", "next": "/accounts/login/"})
    language, html = _page_language(client, HTTP_ACCEPT_LANGUAGE="en")

    # then
    assert language == "fi"
    assert UserPreference.objects.count() == 0


def test_every_page_carries_the_language_switch(client):
    # when
    _language, html = _page_language(client)

    # then
    assert 'action="/i18n/setlang/"' in html
    for code in ("fi", "sv", "en"):
        assert f'name="language" value="{code}"' in html
