"""``manage.py seed_demo`` (docs/api.md "Demo data")."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.models import LanguageAssessment, LicenceCard, SkillAssessment
from casework import identity_codes
from casework.access import access_of, employer_of, municipality_ids_for
from casework.management.commands.seed_demo import (
    MUNICIPALITIES,
    audited_models,
    record_counts,
    temporary_identity_code,
)
from casework.models import CaseNote, Consent, Match, Outcome, Participant, Vacancy
from casework.services import participant_identity_code
from core.validation import today
from municipalities.models import Municipality
from tests import factories

User = get_user_model()


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_users_only_creates_every_demo_user_with_its_role_and_no_participants():
    output = seed("--users-only", "--password", "a-demo-pass")

    assert "Demo data loaded" in output
    assert Participant.objects.count() == 0
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    coordinator = User.objects.get(username="coordinator")
    assert access_of(coordinator).is_pilot_coordinator
    assert municipality_ids_for(coordinator, "coordinator") == set(
        Municipality.objects.values_list("id", flat=True)
    )
    assert municipality_ids_for(coordinator, "counsellor", "manager") == set()
    for slug, code in MUNICIPALITIES.items():
        municipality_id = Municipality.objects.get(code=code).pk
        counsellor = User.objects.get(username=f"counsellor.{slug}")
        manager = User.objects.get(username=f"manager.{slug}")
        assert municipality_ids_for(counsellor, "counsellor") == {municipality_id}
        assert municipality_ids_for(counsellor, "manager", "coordinator") == set()
        assert municipality_ids_for(manager, "manager") == {municipality_id}
        assert municipality_ids_for(manager, "counsellor", "coordinator") == set()
        assert not counsellor.is_staff and not manager.is_staff
    for username, code in (("employer1", "182"), ("employer2", "992")):
        user = User.objects.get(username=username)
        employer = employer_of(user)
        assert employer is not None and employer.municipality.code == code
        assert municipality_ids_for(user) == set()


def test_every_demo_user_logs_in_with_the_given_password():
    seed("--users-only", "--password", "a-demo-pass")

    usernames = ["admin", "coordinator", "employer1", "employer2"] + [
        f"{role}.{slug}" for slug in MUNICIPALITIES for role in ("counsellor", "manager")
    ]
    for username in usernames:
        user = User.objects.get(username=username)
        assert user.is_active and user.check_password("a-demo-pass"), username
        assert not user.check_password("polku-demo")
    assert not User.objects.get(username="polku-system").has_usable_password()


def test_the_default_password_is_polku_demo():
    seed("--users-only")

    assert User.objects.get(username="counsellor.jamsa").check_password("polku-demo")


def test_full_seed_moves_a_caseload_through_the_services():
    # One seed for several checks: the full load is the slowest part of this module.
    output = seed("--per-municipality", "2", "--password", "a-demo-pass")

    assert "participants" in output and "history rows" in output
    assert Participant.objects.count() == 2 * len(MUNICIPALITIES)
    statuses = set(Participant.objects.values_list("status", flat=True))
    assert statuses == {"referred", "active", "job_seeking", "in_education", "employed", "exited"}
    assert Participant.objects.filter(status="exited").exclude(exit_reason="").exists()
    for model in (LanguageAssessment, SkillAssessment, Consent, CaseNote):
        assert model.objects.exists(), model
    assert LicenceCard.objects.filter(enrolment__status="passed").exists()
    assert LicenceCard.objects.filter(enrolment=None).exists()
    assert set(Vacancy.objects.values_list("employer__business_id", flat=True)) == {
        "0112038-9",
        "1572860-0",
    }
    assert Vacancy.objects.filter(licence_requirements__isnull=False).exists()
    assert Vacancy.objects.exclude(language_requirements={}).exists()
    assert {"proposed", "shared", "interview", "hired"} <= set(
        Match.objects.values_list("status", flat=True)
    )
    hired = Match.objects.filter(status="hired")
    assert Outcome.objects.filter(match__in=hired).count() == hired.count()
    assert all(match.participant.status == "employed" for match in hired)
    assert Outcome.objects.exclude(follow_up_4_weeks="").exists()
    # Transitions left history: a participant who moved on has more than its creation row.
    moved = Participant.objects.exclude(status="referred").first()
    assert moved.history.count() >= 2
    assert_dates_respect_the_validation_rules()
    assert_some_participants_hold_valid_temporary_identity_codes()
    assert_every_history_row_names_an_actor_and_a_reason()


def assert_dates_respect_the_validation_rules():
    now = today()
    for participant in Participant.objects.all():
        assert participant.enrolled_on <= participant.status_changed_on <= now
        assert participant.date_of_birth < participant.arrival_date <= now
        statuses = list(
            participant.history.order_by("history_id").values_list("status_changed_on", flat=True)
        )
        assert statuses == sorted(statuses)
    assert not LanguageAssessment.objects.filter(assessed_on__gt=now).exists()
    assert not SkillAssessment.objects.filter(assessed_on__gt=now).exists()
    assert not LicenceCard.objects.filter(issued_on__gt=now).exists()
    assert not Consent.objects.filter(granted_on__gt=now).exists()
    assert all(note.occurred_at.date() <= now for note in CaseNote.objects.all())


def assert_some_participants_hold_valid_temporary_identity_codes():
    with_codes = Participant.objects.exclude(identity_code_hash=None)
    assert with_codes.exists()
    assert Participant.objects.filter(identity_code_hash=None).exists()
    for participant in with_codes:
        code = identity_codes.parse(participant_identity_code(participant))
        assert code.is_temporary
        assert code.date_of_birth == participant.date_of_birth


def test_temporary_identity_codes_follow_the_algorithm():
    assert temporary_identity_code(datetime.date(1990, 3, 15), 902) == "150390-902D"
    assert temporary_identity_code(datetime.date(2025, 1, 1), 981) == "010125A981J"
    with pytest.raises(ValueError):
        temporary_identity_code(datetime.date(1990, 3, 15), 899)


def assert_every_history_row_names_an_actor_and_a_reason():
    for model in audited_models():
        history = model.history.model.objects
        assert not history.filter(history_user__isnull=True).exists(), model
        assert not history.filter(history_change_reason__isnull=True).exists(), model
        assert not history.filter(history_change_reason="").exists(), model
    assert record_counts()["history rows"] > Participant.objects.count()


def test_running_again_changes_nothing():
    seed("--per-municipality", "1")
    before = record_counts()

    second = seed()
    third = seed("--users-only")

    assert "nothing changed" in second and "nothing changed" in third
    assert record_counts() == before


def test_users_only_again_changes_nothing():
    seed("--users-only")
    before = record_counts()

    assert "nothing changed" in seed("--users-only")
    assert record_counts() == before


def test_a_full_run_completes_a_users_only_load():
    seed("--users-only", "--password", "first-pass")
    users = User.objects.count()

    seed("--per-municipality", "1", "--password", "second-pass")

    assert Participant.objects.count() == len(MUNICIPALITIES)
    assert User.objects.count() == users
    assert User.objects.get(username="counsellor.jamsa").check_password("first-pass")


@pytest.mark.parametrize(
    "make_foreign_data",
    [
        lambda: factories.ParticipantFactory(),
        lambda: factories.UserFactory(username="maija.meikalainen"),
        lambda: factories.EmployerFactory(),
        lambda: factories.counsellor("182", username="admin"),
    ],
    ids=["participant", "user", "employer", "user-with-a-demo-name"],
)
def test_refuses_a_database_with_other_data(make_foreign_data):
    make_foreign_data()
    before = record_counts()

    with pytest.raises(CommandError, match="did not load"):
        seed()

    assert record_counts() == before


def test_refuses_to_complete_a_users_only_load_that_was_added_to():
    seed("--users-only")
    factories.UserFactory(username="maija.meikalainen")
    before = record_counts()

    with pytest.raises(CommandError, match="1 users"):
        seed("--per-municipality", "1")

    assert record_counts() == before
    assert Participant.objects.count() == 0


def test_refuses_a_participant_count_below_one():
    with pytest.raises(CommandError):
        seed("--per-municipality", "0")


def test_the_demo_participants_carry_the_plan_fields():
    seed("--per-municipality", "3", "--password", "a-demo-pass")

    assert not Participant.objects.filter(first_permit_on__isnull=True).exists()
    job_seekers = Participant.objects.filter(status="job_seeking")
    assert job_seekers.exists()
    assert not job_seekers.filter(job_seeker_since__isnull=True).exists()
    assert Participant.objects.exclude(interpreter_language=None).exists()
    assert set(Participant.objects.values_list("service_language", flat=True)) <= {"fi", "sv"}
