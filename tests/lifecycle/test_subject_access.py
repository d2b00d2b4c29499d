"""The data subject's access export (GDPR Art. 15; docs/domain.md#data-lifecycle)."""

import pytest
from django.apps import apps
from simple_history.models import HistoricalChanges

from casework.models import Participant
from core.attachments import NOT_PERSONAL_RECORDS, attached_models
from core.models import AccessEvent
from tests import factories
from tests.api.conftest import client_for
from tests.lifecycle.conftest import ATTACHED_FACTORIES


def _registry_models_pointing_at_participants():
    """Walked here independently of core.attachments: every model with a foreign key to a
    participant (history tables aside)."""
    return {
        model._meta.label
        for model in apps.get_models()
        if not issubclass(model, HistoricalChanges)
        and any(
            field.is_relation and field.related_model is Participant for field in model._meta.fields
        )
    }


def test_every_model_attached_to_a_participant_is_exported_or_excused():
    attached = {attachment.label for attachment in attached_models()}

    for label in _registry_models_pointing_at_participants():
        assert label in attached or label in NOT_PERSONAL_RECORDS, label


def test_every_attached_model_has_a_factory_in_the_lifecycle_tests():
    missing = {a.label for a in attached_models()} - set(ATTACHED_FACTORIES)
    assert not missing, f"add these to tests/lifecycle/conftest.py ATTACHED_FACTORIES: {missing}"


def _export(user, participant):
    return client_for(user).get(f"/api/v1/participants/{participant.uuid}/export/")


def test_the_export_holds_a_record_of_every_attached_kind(full_participant):
    # given
    counsellor = factories.counsellor("182", username="counsellor.jamsa")
    client_for(counsellor).get(f"/api/v1/participants/{full_participant.uuid}/")

    # when
    response = _export(counsellor, full_participant)

    # then
    assert response.status_code == 200, response.content
    document = response.json()
    for label in _registry_models_pointing_at_participants() - set(NOT_PERSONAL_RECORDS):
        assert document["records"].get(label.lower()), f"{label} is missing from the export"
    assert document["participant"]["personal_identity_code"] == "131052-308T"
    assert document["participant"]["first_name"] == "Amina"
    assert document["generated_at"]
    match = document["records"]["casework.match"][0]
    assert match["vacancy"] == "Cleaner"
    assert match["employer"] == "Jämsän Siivous Oy"
    assert document["history"]


def test_the_access_log_shows_dates_roles_and_purposes_without_staff_usernames(full_participant):
    counsellor = factories.counsellor("182", username="counsellor.jamsa")
    client_for(counsellor).get(f"/api/v1/participants/{full_participant.uuid}/")

    document = _export(counsellor, full_participant).json()

    assert document["access_log"]
    assert all(set(entry) == {"at", "role", "action"} for entry in document["access_log"])
    assert "participants:detail" in {entry["action"] for entry in document["access_log"]}
    assert "counsellor.jamsa" not in str(document)
    assert "system" not in {entry.get("user") for entry in document["history"]}


def test_the_export_is_itself_access_logged(full_participant):
    counsellor = factories.counsellor("182")
    before = AccessEvent.objects.count()

    _export(counsellor, full_participant)

    event = AccessEvent.objects.order_by("id")[before:].get()
    assert event.action == "participants:subject_export"
    assert list(event.subjects.values_list("participant_id", flat=True)) == [full_participant.pk]


@pytest.mark.parametrize(
    ("make_user", "status"),
    [
        (lambda: factories.counsellor("992"), 404),
        (lambda: factories.manager("182"), 403),
        (lambda: factories.employer_user(), 403),
    ],
)
def test_other_municipalities_get_404_and_other_roles_403(full_participant, make_user, status):
    before = AccessEvent.objects.count()

    response = _export(make_user(), full_participant)

    assert response.status_code == status
    assert AccessEvent.objects.count() == before
