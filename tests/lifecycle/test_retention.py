"""Retention (docs/domain.md#data-lifecycle): anonymisation of the records and their history rows, the access log
keyed to a pseudonym, legal holds, idempotence, and aggregates that do not move."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.test import override_settings

from casework.models import CaseNote, Match, Participant
from core import retention
from core.anonymise import pseudonym
from core.attachments import attached_models, participant_model
from core.models import AccessEventSubject, HistoryErasure
from plans.models import Plan, ServiceNeedsAssessment
from tests import factories
from tests.api.conftest import DOMAIN_MODELS, client_for, snapshot

TODAY = factories.TODAY
LONG_AGO = TODAY - datetime.timedelta(days=5 * 366)


def _exit(participant, on=LONG_AGO):
    Participant.objects.filter(pk=participant.pk).update(
        status="exited", exited_on=on, exit_reason="moved_away", status_changed_on=on
    )  # test set-up: place the exit in the past, which no service allows


def test_every_text_field_of_a_participant_attached_model_is_classified():
    for model in (participant_model(), *(a.model for a in attached_models())):
        declared = retention.TEXT_FIELDS.get(model._meta.label)
        assert declared is not None, f"classify {model._meta.label} in core.retention.TEXT_FIELDS"
        missing = set(retention.text_fields(model)) - set(declared)
        assert not missing, f"{model._meta.label}: classify {sorted(missing)} (KEEP or ERASE)"


@pytest.mark.parametrize(
    ("born", "enrolled", "expected"),
    [
        (datetime.date(1990, 3, 15), datetime.date(2020, 6, 1), datetime.date(1990, 1, 1)),
        (datetime.date(1990, 9, 15), datetime.date(2020, 6, 1), datetime.date(1990, 12, 31)),
        (datetime.date(1990, 6, 1), datetime.date(2020, 6, 1), datetime.date(1990, 1, 1)),
    ],
)
def test_the_date_of_birth_keeps_its_year_and_the_age_at_enrolment(born, enrolled, expected):
    assert retention.anonymised_birth_date(born, enrolled) == expected


def _run(**options):
    call_command("apply_retention", **options)


def test_an_exited_participant_past_the_period_is_anonymised_with_their_history(full_participant):
    # given
    participant = full_participant
    client_for(factories.counsellor("182")).get(f"/api/v1/participants/{participant.uuid}/")
    _exit(participant)
    links = AccessEventSubject.objects.filter(participant_id=participant.pk).count()

    # when
    _run()

    # then
    participant.refresh_from_db()
    assert (participant.first_name, participant.last_name) == ("Anonymised", "Anonymised")
    assert participant.identity_code_hash is None and participant.identity_code_encrypted == ""
    assert participant.phone == participant.email == ""
    assert participant.duplicate_key is None
    assert participant.date_of_birth == datetime.date(1952, 1, 1)
    assert participant.anonymised_on == TODAY
    assert CaseNote.objects.get(participant=participant).text == ""
    assert Match.objects.get(participant=participant).reason == ""
    assessment = ServiceNeedsAssessment.objects.get(participant=participant)
    assert assessment.literacy == assessment.life_situation == ""
    plan = Plan.objects.filter(participant=participant).first()
    assert all(goal["text"] == "" for goal in plan.goals)
    assert all(service["justification"] == "" for service in plan.services)
    # the history rows hold nothing of the person either
    texts = json.dumps(
        [
            list(model.history.filter(**{path: participant.pk}).values())
            for model, path in [(Participant, "id")]
            + [(a.model, a.path) for a in attached_models()]
        ],
        default=str,
    )
    for personal in ("Amina", "Hassan", "131052", "amina@example.fi", "+358401234567",
                     "family situation", "Discussed the job search", "Good fit"):  # fmt: skip
        assert personal not in texts, personal
    assert (
        Participant.history.filter(id=participant.pk)
        .first()
        .history_change_reason.startswith("retention:")
    )
    # the access log keeps the events, keyed to a pseudonym
    assert not AccessEventSubject.objects.filter(participant_id=participant.pk).exists()
    assert (
        AccessEventSubject.objects.filter(participant_id=pseudonym(participant.pk)).count() == links
    )
    erasure = HistoryErasure.objects.get()
    assert erasure.actor.username == "polku-system"
    assert erasure.reason.startswith("retention:")
    assert erasure.subject_pseudonym == pseudonym(participant.pk)


def test_a_legal_hold_keeps_the_participant_and_a_release_lets_retention_run(full_participant):
    # given
    counsellor = factories.counsellor("182")
    client = client_for(counsellor)
    _exit(full_participant)
    url = f"/api/v1/participants/{full_participant.uuid}/legal-hold/"

    # when
    held = client.post(url, {"reason": "Appeal pending at the administrative court"}, format="json")
    _run()

    # then
    assert held.status_code == 200, held.content
    assert held.json()["legal_hold"] is True
    full_participant.refresh_from_db()
    assert full_participant.first_name == "Amina"
    assert full_participant.history.first().history_change_reason == (
        "Appeal pending at the administrative court"
    )

    released = client.post(url + "release/", {"reason": "Appeal decided"}, format="json")
    _run()

    assert released.json()["legal_hold"] is False
    full_participant.refresh_from_db()
    assert full_participant.first_name == "Anonymised"


def test_participants_not_yet_due_are_left_alone(db):
    recent = factories.ParticipantFactory(first_name="Recent")
    _exit(recent, on=TODAY - datetime.timedelta(days=365))
    active = factories.ParticipantFactory(first_name="Active", enrolled_on=LONG_AGO)

    _run()

    assert Participant.objects.get(pk=recent.pk).first_name == "Recent"
    assert Participant.objects.get(pk=active.pk).first_name == "Active"


@override_settings(POLKU_RETENTION_YEARS=1)
def test_the_period_comes_from_the_setting(db):
    participant = factories.ParticipantFactory(first_name="Recent")
    _exit(participant, on=TODAY - datetime.timedelta(days=400))

    _run()

    assert Participant.objects.get(pk=participant.pk).first_name == "Anonymised"


def test_a_dry_run_changes_nothing_and_a_second_run_changes_nothing(full_participant, capsys):
    _exit(full_participant)
    before = snapshot()

    _run(dry_run=True)

    assert snapshot() == before
    assert "1 participants" in capsys.readouterr().out
    _run()
    after_first = snapshot(DOMAIN_MODELS)
    erasures = HistoryErasure.objects.count()
    _run()
    assert snapshot(DOMAIN_MODELS) == after_first
    assert HistoryErasure.objects.count() == erasures


def _aggregates(coordinator, counsellor):
    period = {"from": (LONG_AGO - datetime.timedelta(days=800)).strftime("%Y-%m"),
              "to": (LONG_AGO + datetime.timedelta(days=40)).strftime("%Y-%m")}  # fmt: skip
    answers = {}
    for name, client, path, params in [
        ("municipality", counsellor, "/api/v1/municipalities/182/dashboard/", period),
        ("municipality all time", counsellor, "/api/v1/municipalities/182/dashboard/", {}),
        ("pilot", coordinator, "/api/v1/dashboard/", period),
        ("esf json", coordinator, "/api/v1/reports/esf/", period),
        ("esf csv", coordinator, "/api/v1/reports/esf/", {**period, "format": "csv"}),
    ]:
        response = client_for(client).get(path, params)
        assert response.status_code == 200, (name, response.content)
        content = response.content.decode()
        if params.get("format") == "csv":
            answers[name] = [line for line in content.splitlines() if "Computed at" not in line]
        else:
            body = response.json()
            body.pop("computed_at", None)
            # The deadlines block counts today's worklist, where the job itself clears the
            # retention_due items (compared apart below); everything else must not move.
            deadlines = body.pop("deadlines", None)
            if isinstance(deadlines, dict):
                deadlines.pop("retention_due", None)
                answers[f"{name} deadlines"] = json.dumps(deadlines, sort_keys=True)
            answers[name] = json.dumps(body, sort_keys=True)
    return answers


def test_every_dashboard_and_the_esf_report_answer_the_same_before_and_after(db):
    # given: a cohort that exited long ago, with birthdays on both sides of the enrolment day
    coordinator = factories.coordinator()
    counsellor = factories.counsellor("182")
    enrolled = LONG_AGO - datetime.timedelta(days=700)
    for index in range(14):
        born = datetime.date(1975 + index * 3, 1 + index % 12, 1 + index % 27)
        participant = factories.ParticipantFactory(
            enrolled_on=enrolled,
            date_of_birth=born,
            gender=("female", "male")[index % 2],
            citizenship=("SY", "FI", "AF")[index % 3],
        )
        factories.LanguageAssessmentFactory(participant=participant, assessed_on=enrolled)
        factories.CaseNoteFactory(participant=participant)
        if index % 2:
            factories.OutcomeFactory(participant=participant, starts_on=LONG_AGO)
        _exit(participant)
    before = _aggregates(coordinator, counsellor)
    assert '"total": 14' in before["esf json"]  # the cohort is inside the period

    # when
    _run()

    # then
    assert Participant.objects.filter(first_name="Anonymised").count() == 14
    assert _aggregates(coordinator, counsellor) == before
