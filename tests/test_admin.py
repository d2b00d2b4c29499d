"""The Django admin: every page answers, every write names an actor and a reason, nothing is
deleted, history is read-only, identity codes are masked and participant pages are logged."""

from __future__ import annotations

import datetime
from typing import Any

import factory
import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from api.authentication import token_issue
from api.models import IdempotencyRecord
from assessments.models import LicenceType, Occupation
from casework import services as casework_services
from casework.access import municipality_ids_for
from casework.identity_codes import CHECK_CHARACTERS
from casework.models import (
    Employer,
    EmployerMembership,
    Participant,
    Vacancy,
    VacancyLicenceRequirement,
)
from core.access_log import record_access
from core.actors import system_actor
from core.admin import VERSION_FIELD, AuditedModelAdmin
from core.models import AccessEvent, AccessEventSubject, AuditedModel
from municipalities.models import Municipality, RoleGrant
from tests import factories

IDENTITY_CODE = "150390-902D"
MASKED = "150390-****"

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


class IdempotencyRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdempotencyRecord

    user = factory.SubFactory(factories.UserFactory)
    key = factory.Sequence(lambda n: f"key-{n}")
    path = "/api/v1/participants/"
    body_hash = "0" * 64
    created_at = factory.LazyFunction(timezone.now)


def _url(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _participant_with_code(municipality=None) -> Participant:
    return casework_services.participant_create(
        actor=system_actor(),
        municipality=municipality or factories.municipality("182"),
        first_name="Amina",
        last_name="Haddad",
        date_of_birth=datetime.date(1990, 3, 15),
        gender="female",
        labour_market_status="unemployed",
        personal_identity_code=IDENTITY_CODE,
    )


def _form_data(response) -> dict[str, Any]:
    """What the browser would post back: every field of the rendered admin form and of its
    inlines, unchanged."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, Any] = {}
    for form in forms:
        for bound_field in form:
            value = bound_field.value()
            if value is None or value is False:
                continue
            if isinstance(value, datetime.date | datetime.datetime):
                value = value.isoformat()
            data[bound_field.html_name] = value
    return data


@pytest.fixture
def admin_client(client):
    client.force_login(factories.admin_user())
    return client


@pytest.fixture
def one_of_everything():
    """At least one row behind every admin, so that change and history pages render."""
    actor = system_actor()
    match = factories.MatchFactory(participant=_participant_with_code())
    participant = match.participant
    factories.LicenceCardFactory(participant=participant)
    factories.LanguageAssessmentFactory(participant=participant)
    factories.SkillAssessmentFactory(participant=participant)
    factories.EnrolmentFactory(participant=participant)
    factories.OutcomeFactory(participant=participant, match=match)
    factories.ConsentFactory(participant=participant)
    factories.CaseNoteFactory(participant=participant)
    factories.employer_user(employer=match.vacancy.employer)
    counsellor = factories.counsellor("182")
    casework_services.participant_cover_grant(actor=actor, participant=participant, user=counsellor)
    casework_services.vacancy_update(
        actor=actor, vacancy=match.vacancy, data={"required_licences": ["hygiene_passport"]}
    )
    token_issue(user=counsellor)
    IdempotencyRecordFactory(user=counsellor)
    record_access(
        user=counsellor,
        role="counsellor",
        action="participant.retrieve",
        subjects=[(participant.pk, participant.municipality_id)],
    )
    return participant


# Every page answers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTERED, ids=[model._meta.label for model, _ in REGISTERED]
)
def test_every_admin_page_answers_for_the_superuser(
    admin_client, one_of_everything, model, model_admin
):
    assert admin_client.get(_url(model, "changelist")).status_code == 200

    request = admin_client.get(_url(model, "changelist")).wsgi_request
    add_status = admin_client.get(_url(model, "add")).status_code
    assert add_status == (200 if model_admin.has_add_permission(request) else 403)

    obj = model._default_manager.order_by("pk").first()
    if obj is not None:
        assert admin_client.get(_url(model, "change", obj.pk)).status_code == 200
        assert admin_client.get(_url(model, "history", obj.pk)).status_code == 200
    if isinstance(model_admin, AuditedModelAdmin):
        # Reference data loaded by migrations has no history row: open a row that has one.
        record = model.history.order_by("history_id").first()
        if record is not None:
            url = _url(model, "simple_history", record.id, record.history_id)
            assert admin_client.get(url).status_code == 200


def _own_models() -> list[Any]:
    """The domain and API apps' models, without simple-history's tables and guardian's
    permission tables (those belong to the audit and to the role-grant service). ``reporting``
    holds only derived aggregates (rollups) and is left out, as is the derived
    ``LatestLanguageLevels`` (the admin shows the language assessments it comes from)."""
    own_apps = {"core", "municipalities", "assessments", "casework", "plans", "api"}
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in own_apps
        and not model._meta.model_name.startswith("historical")
        and not model._meta.model_name.endswith("objectpermission")
        and model._meta.label != "assessments.LatestLanguageLevels"
    ]


OWN_MODELS = _own_models()


@pytest.mark.parametrize("model", OWN_MODELS, ids=[model._meta.label for model in OWN_MODELS])
def test_every_model_has_an_admin_that_never_deletes(admin_client, model):
    model_admin = admin.site._registry.get(model)
    request = admin_client.get(reverse("admin:index")).wsgi_request

    assert model_admin is not None, f"{model._meta.label} has no admin"
    if issubclass(model, AuditedModel):
        assert isinstance(model_admin, AuditedModelAdmin)
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)


# Participants: masked identity code, history, access log ------------------------------------------


def test_participant_pages_show_the_identity_code_masked_only(admin_client):
    participant = _participant_with_code()
    # A corrected code leaves two encrypted values and hashes in the history.
    other_code = f"150390-903{CHECK_CHARACTERS[150390903 % 31]}"
    casework_services.participant_update(
        actor=system_actor(), participant=participant, data={"personal_identity_code": other_code}
    )
    participant.refresh_from_db()
    secrets = [IDENTITY_CODE, other_code, participant.identity_code_hash]
    secrets += list(participant.history.values_list("identity_code_encrypted", flat=True))
    secrets += list(participant.history.values_list("identity_code_hash", flat=True))
    record = participant.history.order_by("history_id").first()

    shows_the_code = {
        _url(Participant, "changelist"): True,
        _url(Participant, "change", participant.pk): True,
        _url(Participant, "history", participant.pk): False,  # names and diffs only
        _url(Participant, "simple_history", participant.pk, record.history_id): True,
    }
    for url, shows_code in shows_the_code.items():
        response = admin_client.get(url)
        content = response.content.decode()
        assert response.status_code == 200
        assert (MASKED in content) == shows_code, url
        for secret in secrets:
            assert secret not in content, (url, secret)
        assert "identity_code_encrypted" not in content
        assert "identity_code_hash" not in content


def test_the_participant_search_does_not_match_identity_codes(admin_client):
    participant = _participant_with_code()
    url = _url(Participant, "changelist")

    by_code = admin_client.get(url, {"q": IDENTITY_CODE})
    by_name = admin_client.get(url, {"q": "Haddad"})

    assert by_code.status_code == 200
    assert participant not in by_code.context["cl"].result_list
    assert participant in by_name.context["cl"].result_list


def test_changing_a_participant_writes_one_history_row_naming_the_admin(admin_client):
    participant = _participant_with_code()
    url = _url(Participant, "change", participant.pk)
    data = _form_data(admin_client.get(url))
    data["first_name"] = "Aminah"
    history_before = participant.history.count()

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    participant.refresh_from_db()
    assert participant.first_name == "Aminah"
    assert participant.version == 2
    assert participant.history.count() == history_before + 1
    latest = participant.history.latest("history_id")
    assert latest.history_user.username == "admin"
    assert latest.history_change_reason == "changed in admin"
    assert participant.identity_code_masked == MASKED


def test_saving_an_unchanged_participant_writes_nothing(admin_client):
    participant = _participant_with_code()
    url = _url(Participant, "change", participant.pk)

    response = admin_client.post(url, _form_data(admin_client.get(url)))

    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.version == 1
    assert participant.history.count() == 1


def test_a_domain_rule_refusing_the_change_comes_back_on_the_form(admin_client):
    participant = _participant_with_code()
    url = _url(Participant, "change", participant.pk)
    data = _form_data(admin_client.get(url))
    data["date_of_birth"] = "1990-03-16"  # disagrees with the identity code

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "does not agree with date_of_birth" in response.content.decode()
    assert response.context["adminform"].form["date_of_birth"].value() == "1990-03-16"
    participant.refresh_from_db()
    assert participant.date_of_birth == datetime.date(1990, 3, 15)
    assert participant.version == 1
    assert participant.history.count() == 1


def test_a_change_made_after_the_form_was_opened_is_not_overwritten(admin_client):
    participant = _participant_with_code()
    url = _url(Participant, "change", participant.pk)
    data = _form_data(admin_client.get(url))
    assert data[VERSION_FIELD] == 1
    casework_services.participant_update(
        actor=system_actor(), participant=participant, data={"phone": "+358 40 765 4321"}
    )
    data["first_name"] = "Aminah"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "changed since you read it" in response.content.decode()
    participant.refresh_from_db()
    assert (participant.first_name, participant.phone) == ("Amina", "+358 40 765 4321")
    assert participant.history.count() == 2


def test_deleting_a_participant_is_refused(admin_client):
    participant = _participant_with_code()

    delete = admin_client.post(_url(Participant, "delete", participant.pk), {"post": "yes"})
    bulk = admin_client.post(
        _url(Participant, "changelist"),
        {"action": "delete_selected", "_selected_action": [participant.pk], "post": "yes"},
    )

    assert delete.status_code == 403
    assert bulk.status_code in (200, 302)
    assert Participant.objects.filter(pk=participant.pk).exists()
    assert participant.history.count() == 1


def test_history_cannot_be_reverted_or_edited(admin_client):
    participant = _participant_with_code()
    url = _url(Participant, "change", participant.pk)
    data = _form_data(admin_client.get(url))
    data["first_name"] = "Changed"
    record = participant.history.get()

    response = admin_client.post(
        _url(Participant, "simple_history", participant.pk, record.history_id), data
    )

    assert response.status_code == 403
    participant.refresh_from_db()
    assert participant.first_name == "Amina"
    assert participant.history.count() == 1


def test_opening_a_participant_page_appends_an_access_event(admin_client):
    participant = _participant_with_code()

    admin_client.get(_url(Participant, "change", participant.pk))

    event = AccessEvent.objects.get(action="admin:participant_change")
    assert (event.user.username, event.role, event.subject_count) == ("admin", "admin", 1)
    subject = AccessEventSubject.objects.get(event=event)
    assert (subject.participant_id, subject.municipality_id) == (
        participant.pk,
        participant.municipality_id,
    )


def test_the_participant_history_page_appends_an_access_event(admin_client):
    participant = _participant_with_code()

    admin_client.get(_url(Participant, "history", participant.pk))

    event = AccessEvent.objects.get(action="admin:participant_history")
    assert list(event.subjects.values_list("participant_id", flat=True)) == [participant.pk]


def test_the_participant_list_appends_one_event_naming_everyone_shown(admin_client, aanekoski):
    shown = [_participant_with_code(), factories.ParticipantFactory(municipality=aanekoski)]

    admin_client.get(_url(Participant, "changelist"))

    event = AccessEvent.objects.get(action="admin:participant_changelist")
    assert event.subject_count == 2
    assert set(event.subjects.values_list("participant_id", "municipality_id")) == {
        (participant.pk, participant.municipality_id) for participant in shown
    }


def test_pages_of_participant_records_are_logged_too(admin_client):
    note = factories.CaseNoteFactory()

    admin_client.get(_url(type(note), "change", note.pk))

    event = AccessEvent.objects.get(action="admin:casenote_change")
    assert list(event.subjects.values_list("participant_id", flat=True)) == [note.participant_id]


# Role grants --------------------------------------------------------------------------------------


def test_granting_a_role_in_the_admin_goes_through_the_service(admin_client, jamsa):
    user = factories.UserFactory(username="new-counsellor")

    response = admin_client.post(
        _url(RoleGrant, "add"),
        {"user": user.pk, "role": "counsellor", "municipality": jamsa.pk},
    )

    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=user)
    assert (grant.role, grant.municipality, grant.is_active) == ("counsellor", jamsa, True)
    record = grant.history.get()
    assert record.history_user.username == "admin"
    assert record.history_change_reason
    user = type(user).objects.get(pk=user.pk)
    assert municipality_ids_for(user, "counsellor") == frozenset({jamsa.pk})


def test_a_refused_grant_comes_back_on_the_form(admin_client, jamsa):
    employer_user = factories.employer_user()

    response = admin_client.post(
        _url(RoleGrant, "add"),
        {"user": employer_user.pk, "role": "counsellor", "municipality": jamsa.pk},
    )

    assert response.status_code == 200
    assert "An employer user holds no other role." in response.content.decode()
    assert not RoleGrant.objects.filter(user=employer_user).exists()


def test_role_grants_are_revoked_by_the_action_and_never_edited(admin_client, jamsa):
    counsellor = factories.counsellor("182")
    grant = counsellor.role_grants.get()
    request = admin_client.get(reverse("admin:index")).wsgi_request
    assert not admin.site._registry[RoleGrant].has_change_permission(request, grant)

    response = admin_client.post(
        _url(RoleGrant, "changelist"),
        {"action": "revoke_grants", "_selected_action": [grant.pk]},
    )

    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.is_active, grant.version) == (False, 2)
    assert grant.history.latest("history_id").history_user.username == "admin"
    counsellor = type(counsellor).objects.get(pk=counsellor.pk)
    assert municipality_ids_for(counsellor) == frozenset()


# Catalogues and reference data --------------------------------------------------------------------


def test_a_licence_type_is_changed_with_history(admin_client):
    licence_type = factories.licence_type("hygiene_passport")
    url = _url(LicenceType, "change", licence_type.pk)
    data = _form_data(admin_client.get(url))
    data["issuer"] = "Ruokavirasto (Finnish Food Authority)"
    history_before = licence_type.history.count()

    response = admin_client.post(url, data)

    assert response.status_code == 302
    licence_type.refresh_from_db()
    assert licence_type.issuer == "Ruokavirasto (Finnish Food Authority)"
    assert licence_type.history.count() == history_before + 1
    latest = licence_type.history.latest("history_id")
    assert (latest.history_user.username, latest.history_change_reason) == (
        "admin",
        "changed in admin",
    )


def test_a_municipality_is_added_and_changed_with_history_but_keeps_its_code(admin_client):
    added = admin_client.post(
        _url(Municipality, "add"), {"code": "005", "name_fi": "Alajärvi", "region_code": "14"}
    )
    municipality = Municipality.objects.get(code="005")
    url = _url(Municipality, "change", municipality.pk)
    data = _form_data(admin_client.get(url))
    data.update({"code": "006", "name_sv": "Alajärvi"})

    changed = admin_client.post(url, data)

    assert (added.status_code, changed.status_code) == (302, 302)
    municipality.refresh_from_db()
    assert (municipality.code, municipality.name_sv, municipality.version) == (
        "005",
        "Alajärvi",
        2,
    )
    assert list(
        municipality.history.order_by("history_id").values_list(
            "history_user__username", "history_change_reason"
        )
    ) == [("admin", "created in admin"), ("admin", "changed in admin")]


def test_an_invalid_business_id_is_shown_on_its_field(admin_client, jamsa):
    response = admin_client.post(
        _url(Employer, "add"),
        {"business_id": "1234567-8", "name": "Siivous Oy", "municipality": jamsa.pk},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["business_id"]
    assert not Employer.objects.filter(name="Siivous Oy").exists()


def test_an_employer_user_is_linked_through_the_service(admin_client):
    employer = factories.EmployerFactory()
    user = factories.UserFactory(username="employer-new")

    response = admin_client.post(
        _url(EmployerMembership, "add"), {"user": user.pk, "employer": employer.pk}
    )

    assert response.status_code == 302
    membership = EmployerMembership.objects.get(user=user)
    assert membership.employer == employer
    assert membership.history.get().history_user.username == "admin"


def test_a_vacancy_change_is_validated_by_the_service(admin_client):
    vacancy = factories.VacancyFactory()
    url = _url(Vacancy, "change", vacancy.pk)
    data = _form_data(admin_client.get(url))
    data["language_requirements"] = '{"speaking": "B9.9"}'

    refused = admin_client.post(url, data)
    data["language_requirements"] = '{"speaking": "B1.1"}'
    accepted = admin_client.post(url, data)

    assert refused.status_code == 200
    assert "Use a level from A1.1 to C2.2." in refused.content.decode()
    assert accepted.status_code == 302
    vacancy.refresh_from_db()
    assert (vacancy.language_requirements, vacancy.version) == ({"speaking": "B1.1"}, 2)
    assert vacancy.history.count() == 2


def test_the_occupation_admin_refuses_add_and_change(admin_client):
    occupation = factories.occupation("9112")
    model_admin = admin.site._registry[Occupation]
    request = admin_client.get(reverse("admin:index")).wsgi_request

    add = admin_client.post(
        _url(Occupation, "add"), {"code": "9999", "level": 4, "title_en": "Invented"}
    )
    change = admin_client.post(
        _url(Occupation, "change", occupation.pk),
        {"code": "9112", "level": 4, "title_en": "Renamed"},
    )

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, occupation)
    assert add.status_code == 403
    assert change.status_code == 403
    occupation.refresh_from_db()
    assert occupation.title_en != "Renamed"
    assert not Occupation.objects.filter(code="9999").exists()


def test_the_vacancy_licence_requirements_are_read_only_inline(admin_client):
    vacancy = factories.VacancyFactory()
    casework_services.vacancy_update(
        actor=system_actor(), vacancy=vacancy, data={"required_licences": ["hygiene_passport"]}
    )

    url = _url(Vacancy, "change", vacancy.pk)
    response = admin_client.get(url)
    (inline,) = response.context["inline_admin_formsets"]
    prefix = inline.formset.prefix
    data = _form_data(response)
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": 2,
            f"{prefix}-1-licence_type": factories.licence_type("occupational_safety").pk,
            f"{prefix}-1-vacancy": vacancy.pk,
        }
    )

    posted = admin_client.post(url, data)

    assert not inline.has_add_permission and not inline.has_change_permission
    assert posted.status_code == 302
    assert VacancyLicenceRequirement.objects.filter(vacancy=vacancy).count() == 1
    assert VacancyLicenceRequirement.history.filter(vacancy_id=vacancy.pk).count() == 1


def test_the_access_log_search_takes_a_participant_id(admin_client):
    participant = factories.ParticipantFactory()
    record_access(
        user=system_actor(),
        role="counsellor",
        action="participant.retrieve",
        subjects=[(participant.pk, participant.municipality_id)],
    )
    url = _url(AccessEventSubject, "changelist")

    found = admin_client.get(url, {"q": str(participant.pk)})
    nonsense = admin_client.get(url, {"q": "not-a-number"})

    assert len(found.context["cl"].result_list) == 1
    assert nonsense.status_code == 200
    assert len(nonsense.context["cl"].result_list) == 0


def test_api_token_pages_never_show_the_hash(admin_client):
    user = factories.UserFactory()
    token_issue(user=user)
    token = user.api_tokens.get()

    pages = [
        admin_client.get(_url(type(token), "changelist")),
        admin_client.get(_url(type(token), "change", token.pk)),
    ]
    response = admin_client.post(
        _url(type(token), "changelist"),
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )

    for page in pages:
        assert token.key_hash not in page.content.decode()
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_user_groups_and_permissions_cannot_be_edited_by_hand_in_the_admin(client):
    """Group membership mirrors RoleGrant rows; editing it would grant a role with no history."""
    from django.contrib.auth.models import Group

    admin = factories.admin_user()
    client.force_login(admin)
    user = factories.UserFactory(username="plain-user")
    group = Group.objects.create(name="counsellor@182")
    response = client.post(
        f"/admin/auth/user/{user.pk}/change/",
        {
            "username": "plain-user",
            "is_active": "on",
            "groups": [group.pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code in (200, 302)
    user.refresh_from_db()
    assert not user.groups.exists()
    assert client.get(f"/admin/auth/group/{group.pk}/change/").status_code in (200, 403)
    assert client.post("/admin/auth/group/add/", {"name": "manager@182"}).status_code == 403
    assert not Group.objects.filter(name="manager@182").exists()
