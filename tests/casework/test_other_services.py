"""Casework services besides participants: consents, case notes, employers and their users,
vacancies, matches and outcomes. Scenario actions go through the services; a refused write changes
nothing and adds no history row."""

import datetime
import itertools
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from casework import matching, services
from casework.models import (
    CaseNote,
    Consent,
    Employer,
    EmployerMembership,
    Match,
    Outcome,
    Participant,
    Vacancy,
    VacancyLicenceRequirement,
)
from core.errors import (
    Conflict,
    ConsentRequired,
    InvalidTransition,
    PermissionDenied,
    PreconditionFailed,
    ValidationFailed,
)
from core.validation import today
from municipalities import services as municipality_services
from tests import factories
from tests.helpers import history_rows, snapshot

DAY = datetime.timedelta(days=1)


def assert_latest_history(instance, actor, reason=None, *, total):
    rows = list(history_rows(instance))
    assert len(rows) == total
    assert rows[-1].history_user_id == actor.pk
    assert rows[-1].history_change_reason
    if reason is not None:
        assert rows[-1].history_change_reason == reason
    assert rows[-1].version == type(instance).objects.get(pk=instance.pk).version


@pytest.fixture
def participant():
    return factories.ParticipantFactory(status="active")


# Consents -----------------------------------------------------------------------------------------

GRANTED = datetime.date(2024, 1, 10)
EXPIRES = datetime.date(2024, 12, 31)
WITHDRAWN = datetime.date(2024, 6, 1)


def test_consent_create_records_one_history_row(counsellor, participant):
    consent = services.consent_create(
        actor=counsellor, participant=participant, purpose="share_with_employers"
    )

    stored = Consent.objects.get(pk=consent.pk)
    assert stored.granted_on == today()
    assert stored.recorded_by_id == counsellor.pk
    assert stored.municipality_id == participant.municipality_id
    assert_latest_history(stored, counsellor, "consent recorded", total=1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"purpose": "marketing"}, "purpose"),
        ({"purpose": ""}, "purpose"),
        ({"granted_on": today() + DAY}, "granted_on"),
        ({"granted_on": GRANTED, "expires_on": GRANTED - DAY}, "expires_on"),
    ],
)
def test_consent_create_validates(counsellor, participant, overrides, field):
    values = {"purpose": "share_with_employers"}
    values.update(overrides)

    with pytest.raises(ValidationFailed) as error:
        services.consent_create(actor=counsellor, participant=participant, **values)

    assert field in error.value.errors
    assert not Consent.objects.exists()


def test_no_consent_is_recorded_for_an_exited_participant(counsellor):
    exited = factories.ParticipantFactory(
        status="exited", exited_on=today() - DAY, exit_reason="other"
    )

    with pytest.raises(ValidationFailed):
        services.consent_create(
            actor=counsellor, participant=exited, purpose="share_with_employers"
        )

    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("withdrawn", "date", "is_valid"),
    [
        (False, GRANTED - DAY, False),
        (False, GRANTED, True),
        (False, EXPIRES, True),  # the expiry day itself
        (False, EXPIRES + DAY, False),
        (True, GRANTED, True),
        (True, WITHDRAWN - DAY, True),
        (True, WITHDRAWN, False),  # withdrawal takes effect on its own day
        (True, WITHDRAWN + DAY, False),
        (True, EXPIRES, False),
    ],
)
def test_consent_validity_on_a_date(counsellor, participant, withdrawn, date, is_valid):
    consent = services.consent_create(
        actor=counsellor,
        participant=participant,
        purpose="share_with_employers",
        granted_on=GRANTED,
        expires_on=EXPIRES,
    )
    if withdrawn:
        consent = services.consent_withdraw(actor=counsellor, consent=consent, on=WITHDRAWN)
    # another participant's valid consent never counts
    factories.ConsentFactory(granted_on=GRANTED - 30 * DAY)

    assert Consent.objects.get(pk=consent.pk).is_valid_on(date) is is_valid
    assert (
        services.participant_has_valid_consent(participant, "share_with_employers", date)
        is is_valid
    )


def test_a_consent_without_expiry_stays_valid(participant):
    factories.ConsentFactory(participant=participant, granted_on=GRANTED)

    assert services.participant_has_valid_consent(
        participant, "share_with_employers", datetime.date(2099, 1, 1)
    )
    assert not services.participant_has_valid_consent(participant, "marketing", GRANTED)


def test_consent_withdraw_records_one_history_row(counsellor, participant):
    consent = factories.ConsentFactory(participant=participant)

    services.consent_withdraw(
        actor=counsellor, consent=consent, reason="asked by phone", expected_version=1
    )

    stored = Consent.objects.get(pk=consent.pk)
    assert stored.withdrawn_on == today()
    assert stored.version == 2
    assert_latest_history(stored, counsellor, "asked by phone", total=2)
    assert not services.participant_has_valid_consent(participant, "share_with_employers", today())


@pytest.mark.parametrize(
    ("on", "expected_version", "error_type"),
    [
        (today() + DAY, None, ValidationFailed),
        (today() - 31 * DAY, None, ValidationFailed),  # before it was granted
        (None, 2, PreconditionFailed),
    ],
)
def test_a_refused_withdrawal_changes_nothing(counsellor, on, expected_version, error_type):
    consent = factories.ConsentFactory(granted_on=today() - 30 * DAY)
    before = snapshot(consent)

    with pytest.raises(error_type):
        services.consent_withdraw(
            actor=counsellor, consent=consent, on=on, expected_version=expected_version
        )

    assert snapshot(consent) == before


def test_a_consent_is_withdrawn_only_once(counsellor):
    consent = factories.ConsentFactory()
    services.consent_withdraw(actor=counsellor, consent=consent, on=today() - DAY)
    before = snapshot(consent)

    with pytest.raises(Conflict) as error:
        services.consent_withdraw(actor=counsellor, consent=consent)

    assert error.value.code == "already_withdrawn"
    assert snapshot(consent) == before


# Case notes ---------------------------------------------------------------------------------------


def test_case_note_create_records_one_history_row(counsellor, participant):
    note = services.case_note_create(
        actor=counsellor,
        participant=participant,
        kind="meeting",
        occurred_at=timezone.now() - datetime.timedelta(hours=2),
        text="  Planned the hygiene passport test.  ",
    )

    stored = CaseNote.objects.get(pk=note.pk)
    assert stored.text == "Planned the hygiene passport test."
    assert stored.author_id == counsellor.pk
    assert stored.municipality_id == participant.municipality_id
    assert_latest_history(stored, counsellor, "case note written", total=1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"kind": "email"}, "kind"),
        ({"occurred_at": timezone.now() + datetime.timedelta(days=2)}, "occurred_at"),
    ],
)
def test_case_note_create_validates(counsellor, participant, overrides, field):
    values = {"kind": "phone", "occurred_at": timezone.now(), "text": "Called."}
    values.update(overrides)

    with pytest.raises(ValidationFailed) as error:
        services.case_note_create(actor=counsellor, participant=participant, **values)

    assert field in error.value.errors
    assert not CaseNote.objects.exists()


HELSINKI_EVENING = datetime.datetime(2025, 6, 10, 19, 30, tzinfo=datetime.UTC)  # 22:30 local
TOMORROW_NIGHT_IN_HELSINKI = datetime.datetime(2025, 6, 10, 22, 0, tzinfo=datetime.UTC)  # 01:00


def test_a_case_note_dated_tomorrow_in_local_time_is_refused(counsellor, participant):
    with time_machine.travel(HELSINKI_EVENING, tick=False):
        occurred_at = timezone.localtime(TOMORROW_NIGHT_IN_HELSINKI)
        with pytest.raises(ValidationFailed):
            services.case_note_create(
                actor=counsellor,
                participant=participant,
                kind="phone",
                occurred_at=occurred_at,
                text="Called.",
            )


def test_a_case_note_dated_tomorrow_in_local_time_is_refused_when_given_in_utc(
    counsellor, participant
):
    # given it is 22:30 on 10 June in Helsinki, when a note is dated 01:00 on 11 June Helsinki
    # time but written as a UTC datetime
    with time_machine.travel(HELSINKI_EVENING, tick=False), pytest.raises(ValidationFailed):
        services.case_note_create(
            actor=counsellor,
            participant=participant,
            kind="phone",
            occurred_at=TOMORROW_NIGHT_IN_HELSINKI,
            text="Called.",
        )
    # then it is refused like the same instant written in local time
    assert not CaseNote.objects.exists()


def test_case_note_update_no_op_stale_and_change(counsellor):
    note = factories.CaseNoteFactory()
    before = snapshot(note)

    services.case_note_update(actor=counsellor, note=note, data={"text": note.text, "author": None})
    assert snapshot(note) == before

    with pytest.raises(PreconditionFailed):
        services.case_note_update(
            actor=counsellor, note=note, data={"text": "late"}, expected_version=2
        )
    assert snapshot(note) == before

    with pytest.raises(ValidationFailed):
        services.case_note_update(actor=counsellor, note=note, data={"text": ""})
    assert snapshot(note) == before

    services.case_note_update(
        actor=counsellor, note=note, data={"kind": "phone"}, expected_version=1
    )
    assert CaseNote.objects.get(pk=note.pk).kind == "phone"
    assert_latest_history(note, counsellor, "case note corrected", total=2)


@pytest.mark.parametrize(
    "text",
    [
        "",
        pytest.param("   "),
    ],
)
def test_case_note_update_refuses_blank_text_like_create(counsellor, text):
    note = factories.CaseNoteFactory()
    before = snapshot(note)

    with pytest.raises(ValidationFailed) as error:
        services.case_note_update(actor=counsellor, note=note, data={"text": text})

    assert "text" in error.value.errors
    assert snapshot(note) == before


# Employers ----------------------------------------------------------------------------------------


def test_employer_create_normalises_the_business_id_and_records_history(counsellor, jamsa):
    employer = services.employer_create(
        actor=counsellor, business_id="112038-9", name="  Siivous Oy ", municipality=jamsa
    )

    stored = Employer.objects.get(pk=employer.pk)
    assert stored.business_id == "0112038-9"
    assert stored.name == "Siivous Oy"
    assert_latest_history(stored, counsellor, "employer created", total=1)


@pytest.mark.parametrize(
    "business_id", ["0112038-8", "1572860-1", "1234567", "", "ABCDEFG-1", "1000004-0"]
)
def test_employer_create_refuses_an_invalid_business_id(counsellor, jamsa, business_id):
    with pytest.raises(ValidationFailed) as error:
        services.employer_create(
            actor=counsellor, business_id=business_id, name="Oy", municipality=jamsa
        )

    assert "business_id" in error.value.errors
    assert not Employer.objects.exists()


def test_employer_create_refuses_a_blank_name(counsellor, jamsa):
    with pytest.raises(ValidationFailed) as error:
        services.employer_create(
            actor=counsellor, business_id="1572860-0", name="  ", municipality=jamsa
        )

    assert "name" in error.value.errors
    assert not Employer.objects.exists()


@pytest.mark.parametrize("second_id", ["0112038-9", "112038-9", " 0112038-9"])
def test_a_duplicate_business_id_is_a_conflict(counsellor, jamsa, aanekoski, second_id):
    services.employer_create(
        actor=counsellor, business_id="0112038-9", name="First Oy", municipality=jamsa
    )

    with pytest.raises(Conflict) as error:
        services.employer_create(
            actor=counsellor, business_id=second_id, name="Second Oy", municipality=aanekoski
        )

    assert error.value.code == "duplicate_business_id"
    assert Employer.objects.count() == 1


def test_employer_update_to_a_taken_business_id_changes_nothing(counsellor):
    factories.EmployerFactory(business_id="2331972-7")
    employer = factories.EmployerFactory()
    before = snapshot(employer)

    with pytest.raises(Conflict):
        services.employer_update(
            actor=counsellor, employer=employer, data={"business_id": "2331972-7"}
        )
    assert snapshot(employer) == before

    services.employer_update(actor=counsellor, employer=employer, data={"name": employer.name})
    assert snapshot(employer) == before


# Employer users -----------------------------------------------------------------------------------


def test_employer_membership_links_a_user_with_history(counsellor):
    employer = factories.EmployerFactory()
    user = factories.UserFactory()

    membership = services.employer_membership_set(actor=counsellor, user=user, employer=employer)

    assert EmployerMembership.objects.get(user=user).employer_id == employer.pk
    assert_latest_history(membership, counsellor, "employer user linked", total=1)

    other = factories.EmployerFactory()
    services.employer_membership_set(actor=counsellor, user=user, employer=other)
    assert EmployerMembership.objects.get(user=user).employer_id == other.pk
    assert_latest_history(membership, counsellor, "employer user moved", total=2)


@pytest.mark.parametrize("role", ["counsellor", "manager"])
def test_a_user_with_a_role_grant_cannot_become_an_employer_user(counsellor, role):
    user = factories.counsellor("182") if role == "counsellor" else factories.manager("182")

    with pytest.raises(ValidationFailed) as error:
        services.employer_membership_set(
            actor=counsellor, user=user, employer=factories.EmployerFactory()
        )

    assert "user" in error.value.errors
    assert not EmployerMembership.objects.filter(user=user).exists()


def test_a_pilot_coordinator_cannot_become_an_employer_user(counsellor):
    user = factories.coordinator()

    with pytest.raises(ValidationFailed):
        services.employer_membership_set(
            actor=counsellor, user=user, employer=factories.EmployerFactory()
        )

    assert not EmployerMembership.objects.filter(user=user).exists()


def test_a_user_whose_grant_was_revoked_may_become_an_employer_user(counsellor):
    user = factories.counsellor("182")
    municipality_services.role_revoke(actor=counsellor, grant=user.role_grants.get())

    services.employer_membership_set(
        actor=counsellor, user=user, employer=factories.EmployerFactory()
    )

    assert EmployerMembership.objects.filter(user=user).exists()


# Vacancies ----------------------------------------------------------------------------------------


def create_vacancy(actor, **overrides):
    employer = overrides.pop("employer", None) or factories.EmployerFactory()
    values = {
        "employer": employer,
        "municipality": employer.municipality,
        "title": "Cleaner",
        "occupation_code": "9112",
        "starts_on": today() + 30 * DAY,
        "positions": 2,
        "language_requirements": {"speaking": "A2.1", "reading": "A1.3"},
        "required_licences": ["hygiene_passport", "occupational_safety"],
    }
    values.update(overrides)
    return services.vacancy_create(actor=actor, **values)


def required_codes(vacancy):
    return sorted(
        VacancyLicenceRequirement.objects.filter(vacancy=vacancy).values_list(
            "licence_type__code", flat=True
        )
    )


def test_vacancy_create_records_requirements_and_history(counsellor):
    vacancy = create_vacancy(counsellor)

    stored = Vacancy.objects.get(pk=vacancy.pk)
    assert stored.status == "open"
    assert stored.occupation_id == "9112"
    assert stored.language_requirements == {"reading": "A1.3", "speaking": "A2.1"}
    assert required_codes(stored) == ["hygiene_passport", "occupational_safety"]
    assert sorted(stored.required_licences.values_list("code", flat=True)) == required_codes(stored)
    assert_latest_history(stored, counsellor, "vacancy created", total=1)
    for requirement in VacancyLicenceRequirement.objects.filter(vacancy=stored):
        assert_latest_history(requirement, counsellor, total=1)


def test_vacancy_required_licences_named_twice_are_stored_once(counsellor):
    vacancy = create_vacancy(counsellor, required_licences=["forklift", "forklift"])

    assert required_codes(vacancy) == ["forklift"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"occupation_code": "911"}, "occupation_code"),
        ({"occupation_code": "91"}, "occupation_code"),
        ({"occupation_code": "abcd"}, "occupation_code"),
        ({"language_requirements": {"talking": "A2.1"}}, "language_requirements.talking"),
        ({"language_requirements": {"speaking": "B3"}}, "language_requirements.speaking"),
        ({"language_requirements": {"speaking": "a2.1"}}, "language_requirements.speaking"),
        ({"language_requirements": {"writing": 3}}, "language_requirements.writing"),
        ({"language_requirements": ["speaking"]}, "language_requirements"),
        ({"language_requirements": "A2.1"}, "language_requirements"),
        ({"required_licences": ["driving_licence"]}, "required_licences"),
        ({"required_licences": "forklift"}, "required_licences"),
        ({"required_licences": [1]}, "required_licences"),
        ({"title": "  "}, "title"),
        ({"positions": 0}, "positions"),
        ({"language": "de"}, "language"),
    ],
)
def test_vacancy_create_validates(counsellor, overrides, field):
    with pytest.raises(ValidationFailed) as error:
        create_vacancy(counsellor, **overrides)

    assert field in error.value.errors
    assert not Vacancy.objects.exists()
    assert not VacancyLicenceRequirement.objects.exists()


@pytest.mark.parametrize("occupation_code", [None, ""])
def test_vacancy_create_without_an_occupation_is_a_validation_error(counsellor, occupation_code):
    with pytest.raises(ValidationFailed) as error:
        create_vacancy(counsellor, occupation_code=occupation_code)

    assert "occupation_code" in error.value.errors
    assert not Vacancy.objects.exists()


def test_vacancy_update_no_op_stale_and_requirement_change(counsellor):
    vacancy = create_vacancy(counsellor)
    before = snapshot(vacancy)

    services.vacancy_update(
        actor=counsellor,
        vacancy=vacancy,
        data={
            "title": "Cleaner",
            "language_requirements": {"reading": "A1.3", "speaking": "A2.1"},
            "required_licences": ["occupational_safety", "hygiene_passport"],
            "status": "closed",
        },
        expected_version=1,
    )
    assert snapshot(vacancy) == before

    with pytest.raises(PreconditionFailed):
        services.vacancy_update(
            actor=counsellor, vacancy=vacancy, data={"title": "Late"}, expected_version=2
        )
    assert snapshot(vacancy) == before

    with pytest.raises(ValidationFailed):
        services.vacancy_update(
            actor=counsellor, vacancy=vacancy, data={"required_licences": ["nope"]}
        )
    assert snapshot(vacancy) == before
    assert required_codes(vacancy) == ["hygiene_passport", "occupational_safety"]

    services.vacancy_update(
        actor=counsellor,
        vacancy=vacancy,
        data={"required_licences": ["forklift"]},
        expected_version=1,
    )
    assert required_codes(vacancy) == ["forklift"]
    assert Vacancy.objects.get(pk=vacancy.pk).version == 2
    assert_latest_history(vacancy, counsellor, "vacancy changed", total=2)


def test_the_vacancy_table_is_the_one_of_the_design():
    assert {
        "open": {"filled", "closed"},
        "filled": {"open", "closed"},
        "closed": set(),
    } == Vacancy.TRANSITIONS


@pytest.mark.parametrize(
    ("from_status", "to_status"), list(itertools.product(list(Vacancy.TRANSITIONS), repeat=2))
)
def test_vacancy_transitions_follow_the_table(counsellor, from_status, to_status):
    vacancy = factories.VacancyFactory(status=from_status)
    before = snapshot(vacancy)

    if to_status in Vacancy.TRANSITIONS[from_status]:
        services.vacancy_transition(
            actor=counsellor, vacancy=vacancy, to=to_status, reason="all positions taken"
        )
        stored = Vacancy.objects.get(pk=vacancy.pk)
        assert (stored.status, stored.version) == (to_status, 2)
        assert_latest_history(stored, counsellor, "all positions taken", total=2)
    else:
        with pytest.raises(InvalidTransition):
            services.vacancy_transition(actor=counsellor, vacancy=vacancy, to=to_status)
        assert snapshot(vacancy) == before


# Matches ------------------------------------------------------------------------------------------


def consenting_participant(status="active"):
    participant = factories.ParticipantFactory(status=status)
    factories.ConsentFactory(participant=participant, granted_on=today() - 10 * DAY)
    return participant


def test_match_create_proposes_with_history(counsellor):
    vacancy = factories.VacancyFactory()
    participant = factories.ParticipantFactory(
        municipality=factories.municipality("992"), status="active"
    )

    match = services.match_create(actor=counsellor, vacancy=vacancy, participant=participant)

    stored = Match.objects.get(pk=match.pk)
    assert stored.status == "proposed"
    assert stored.municipality_id == participant.municipality_id
    assert stored.employer_id == vacancy.employer_id
    expected = matching.explain_pair(vacancy, participant, today=today())
    assert stored.score == expected.score
    assert stored.explanation == matching.explanation_of(expected)
    assert_latest_history(stored, counsellor, total=1)


@pytest.mark.parametrize("open_status", list(Match.OPEN_STATUSES))
def test_one_open_match_per_vacancy_and_participant(counsellor, open_status):
    existing = factories.MatchFactory(status=open_status)

    with pytest.raises(Conflict) as error:
        services.match_create(
            actor=counsellor, vacancy=existing.vacancy, participant=existing.participant
        )

    assert error.value.code == "duplicate_match"
    assert Match.objects.count() == 1


@pytest.mark.parametrize("closed_status", ["hired", "rejected", "declined", "withdrawn"])
def test_a_new_match_may_follow_a_closed_one(counsellor, closed_status):
    existing = factories.MatchFactory(status=closed_status)

    services.match_create(
        actor=counsellor, vacancy=existing.vacancy, participant=existing.participant
    )

    assert Match.objects.filter(vacancy=existing.vacancy).count() == 2


@pytest.mark.parametrize(
    ("vacancy_status", "participant_status", "field"),
    [
        ("filled", "active", "vacancy"),
        ("closed", "active", "vacancy"),
        ("open", "exited", "participant"),
        ("open", "referred", "participant"),
        ("open", "employed", "participant"),
        ("open", "in_education", "participant"),
    ],
)
def test_match_create_validates(counsellor, vacancy_status, participant_status, field):
    vacancy = factories.VacancyFactory(status=vacancy_status)
    extra = (
        {"exited_on": today() - DAY, "exit_reason": "other"}
        if participant_status == "exited"
        else {}
    )
    participant = factories.ParticipantFactory(status=participant_status, **extra)

    with pytest.raises(ValidationFailed) as error:
        services.match_create(actor=counsellor, vacancy=vacancy, participant=participant)

    assert field in error.value.errors
    assert not Match.objects.exists()


MATCH_STATUSES = list(Match.Status.values)


def test_the_match_tables_are_those_of_the_design():
    assert {
        "proposed": {"shared", "withdrawn"},
        "shared": {"declined", "withdrawn"},
        "interview": {"declined", "withdrawn"},
    } == Match.COUNSELLOR_TRANSITIONS
    assert {
        "shared": {"interview", "rejected"},
        "interview": {"hired", "rejected"},
    } == Match.EMPLOYER_TRANSITIONS


@pytest.mark.parametrize("as_employer", [False, True], ids=["counsellor", "employer"])
@pytest.mark.parametrize(
    ("from_status", "to_status"), list(itertools.product(MATCH_STATUSES, repeat=2))
)
def test_match_transitions_follow_the_tables_of_each_role(
    counsellor, as_employer, from_status, to_status
):
    # given a match in from_status of a participant with a valid consent
    match = factories.MatchFactory(status=from_status, participant=consenting_participant())
    actor = factories.employer_user(match.vacancy.employer) if as_employer else counsellor
    own = Match.EMPLOYER_TRANSITIONS if as_employer else Match.COUNSELLOR_TRANSITIONS
    other = Match.COUNSELLOR_TRANSITIONS if as_employer else Match.EMPLOYER_TRANSITIONS
    reason_code = "other" if to_status in Match.NEGATIVE_STATUSES else ""
    before = snapshot(match)

    def move():
        services.match_transition(
            actor=actor,
            match=match,
            to=to_status,
            as_employer=as_employer,
            reason="decided",
            reason_code=reason_code,
        )

    if to_status in own.get(from_status, set()):
        move()
        stored = Match.objects.get(pk=match.pk)
        assert (stored.status, stored.version) == (to_status, 2)
        assert stored.reason_code == reason_code
        assert_latest_history(stored, actor, "decided", total=2)
        assert Outcome.objects.filter(match=match).count() == (1 if to_status == "hired" else 0)
    else:
        expected = (
            PermissionDenied if to_status in other.get(from_status, set()) else InvalidTransition
        )
        with pytest.raises(expected):
            move()
        assert snapshot(match) == before
        assert not Outcome.objects.exists()


def test_sharing_sets_the_day_it_was_shared(counsellor):
    match = factories.MatchFactory(participant=consenting_participant())

    services.match_transition(actor=counsellor, match=match, to="shared", as_employer=False)

    assert Match.objects.get(pk=match.pk).reached_shared_on == today()


def no_consent(participant):
    pass


def withdrawn_today(participant):
    factories.ConsentFactory(participant=participant, withdrawn_on=today())


def expired_yesterday(participant):
    factories.ConsentFactory(
        participant=participant, granted_on=today() - 30 * DAY, expires_on=today() - DAY
    )


def granted_tomorrow(participant):
    factories.ConsentFactory(participant=participant, granted_on=today() + DAY)


def another_participants_consent(participant):
    factories.ConsentFactory()


@pytest.mark.parametrize(
    "consent_state",
    [
        no_consent,
        withdrawn_today,
        expired_yesterday,
        granted_tomorrow,
        another_participants_consent,
    ],
)
def test_sharing_without_a_valid_consent_is_refused(counsellor, consent_state):
    match = factories.MatchFactory()
    consent_state(match.participant)
    before = snapshot(match)

    with pytest.raises(ConsentRequired) as error:
        services.match_transition(actor=counsellor, match=match, to="shared", as_employer=False)

    assert error.value.code == "consent_required"
    assert snapshot(match) == before


@pytest.mark.parametrize(
    ("from_status", "to_status", "as_employer"),
    [
        ("proposed", "withdrawn", False),
        ("shared", "declined", False),
        ("interview", "withdrawn", False),
        ("shared", "rejected", True),
        ("interview", "rejected", True),
    ],
)
@pytest.mark.parametrize("reason_code", ["", "bad_luck", "OTHER"])
def test_a_negative_end_needs_a_known_reason_code(
    counsellor, from_status, to_status, as_employer, reason_code
):
    match = factories.MatchFactory(status=from_status)
    actor = factories.employer_user(match.vacancy.employer) if as_employer else counsellor
    before = snapshot(match)

    with pytest.raises(ValidationFailed) as error:
        services.match_transition(
            actor=actor,
            match=match,
            to=to_status,
            as_employer=as_employer,
            reason_code=reason_code,
        )

    assert "reason_code" in error.value.errors
    assert snapshot(match) == before


@pytest.mark.parametrize("reason_code", list(Match.ReasonCode.values))
def test_every_reason_code_of_the_design_ends_a_match(counsellor, reason_code):
    match = factories.MatchFactory(status="proposed")

    services.match_transition(
        actor=counsellor, match=match, to="withdrawn", as_employer=False, reason_code=reason_code
    )

    assert Match.objects.get(pk=match.pk).reason_code == reason_code


def test_a_positive_move_takes_no_reason_code(counsellor):
    match = factories.MatchFactory(participant=consenting_participant())
    before = snapshot(match)

    with pytest.raises(ValidationFailed) as error:
        services.match_transition(
            actor=counsellor, match=match, to="shared", as_employer=False, reason_code="other"
        )

    assert "reason_code" in error.value.errors
    assert snapshot(match) == before


@pytest.mark.parametrize(
    ("participant_status", "after"),
    [
        ("active", "employed"),
        ("job_seeking", "employed"),
    ],
)
def test_hiring_creates_the_outcome_and_employs_an_active_or_job_seeking_participant(
    participant_status, after
):
    participant = factories.ParticipantFactory(status=participant_status)
    match = factories.MatchFactory(status="interview", participant=participant)
    employer_user = factories.employer_user(match.vacancy.employer)
    participant_history = history_rows(participant).count()

    services.match_transition(
        actor=employer_user,
        match=match,
        to="hired",
        as_employer=True,
        starts_on=today() + 7 * DAY,
        contract_type="permanent",
        hours_per_week=Decimal("37.5"),
    )

    outcome = Outcome.objects.get(match=match)
    assert outcome.participant_id == participant.pk
    assert outcome.municipality_id == participant.municipality_id
    assert outcome.kind == "employment"
    assert outcome.employer_id == match.vacancy.employer_id
    assert outcome.occupation_id == match.vacancy.occupation_id
    assert (outcome.contract_type, outcome.hours_per_week) == ("permanent", Decimal("37.5"))
    assert outcome.starts_on == today() + 7 * DAY
    assert_latest_history(outcome, employer_user, "hired through a match", total=1)
    stored = Participant.objects.get(pk=participant.pk)
    assert stored.status == after
    moved = participant_status != after
    assert history_rows(participant).count() == participant_history + (1 if moved else 0)
    if moved:
        assert history_rows(participant).last().history_user_id == employer_user.pk
        assert stored.status_changed_on == today()


@pytest.mark.parametrize("participant_status", ["referred", "in_education", "employed"])
def test_hiring_a_participant_who_is_not_active_or_job_seeking_answers_409_and_changes_nothing(
    participant_status,
):
    # given a match at interview whose participant has meanwhile left the job search
    participant = factories.ParticipantFactory(status=participant_status)
    match = factories.MatchFactory(status="interview", participant=participant)
    employer_user = factories.employer_user(match.vacancy.employer)
    before = snapshot(match), snapshot(participant), snapshot(match.vacancy)
    rows = history_rows(participant).count(), Match.history.count()

    # when the employer hires
    with pytest.raises(Conflict) as error:
        services.match_transition(actor=employer_user, match=match, to="hired", as_employer=True)

    # then
    assert error.value.code == "participant_unavailable"
    assert (snapshot(match), snapshot(participant), snapshot(match.vacancy)) == before
    assert (history_rows(participant).count(), Match.history.count()) == rows
    assert not Outcome.objects.exists()


def test_hiring_without_details_starts_on_the_vacancy_start():
    match = factories.MatchFactory(status="interview")
    employer_user = factories.employer_user(match.vacancy.employer)

    services.match_transition(actor=employer_user, match=match, to="hired", as_employer=True)

    outcome = Outcome.objects.get(match=match)
    assert outcome.starts_on == match.vacancy.starts_on
    assert (outcome.contract_type, outcome.hours_per_week) == ("", None)


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"contract_type": "zero_hours"}, "contract_type"),
        ({"hours_per_week": 81}, "hours_per_week"),
        ({"hours_per_week": -1}, "hours_per_week"),
    ],
)
def test_hiring_with_wrong_details_changes_nothing(details, field):
    participant = factories.ParticipantFactory(status="active")
    match = factories.MatchFactory(status="interview", participant=participant)
    employer_user = factories.employer_user(match.vacancy.employer)
    before = snapshot(match), snapshot(participant)

    with pytest.raises(ValidationFailed) as error:
        services.match_transition(
            actor=employer_user, match=match, to="hired", as_employer=True, **details
        )

    assert field in error.value.errors
    assert (snapshot(match), snapshot(participant)) == before
    assert not Outcome.objects.exists()


def test_hiring_is_one_transaction(monkeypatch):
    # given the participant's move to employed fails after the match and outcome are saved
    participant = factories.ParticipantFactory(status="job_seeking")
    match = factories.MatchFactory(status="interview", participant=participant)
    employer_user = factories.employer_user(match.vacancy.employer)
    before = snapshot(match), snapshot(participant)

    def failing_transition(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "participant_transition", failing_transition)

    # when the employer hires
    with pytest.raises(RuntimeError):
        services.match_transition(actor=employer_user, match=match, to="hired", as_employer=True)

    # then nothing of it remains
    assert (snapshot(match), snapshot(participant)) == before
    assert not Outcome.objects.exists()


def test_match_transition_with_a_stale_version_changes_nothing(counsellor):
    match = factories.MatchFactory()
    before = snapshot(match)

    with pytest.raises(PreconditionFailed):
        services.match_transition(
            actor=counsellor,
            match=match,
            to="withdrawn",
            as_employer=False,
            reason_code="other",
            expected_version=5,
        )

    assert snapshot(match) == before


# Outcomes -----------------------------------------------------------------------------------------


def test_outcome_create_records_one_history_row(counsellor, participant):
    outcome = services.outcome_create(
        actor=counsellor,
        participant=participant,
        kind="self_employment",
        starts_on=today() - 3 * DAY,
        occupation_code="5120",
        hours_per_week=20,
    )

    stored = Outcome.objects.get(pk=outcome.pk)
    assert stored.occupation_id == "5120"
    assert stored.hours_per_week == Decimal("20")
    assert stored.municipality_id == participant.municipality_id
    assert_latest_history(stored, counsellor, "outcome recorded", total=1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "volunteering"}, "kind"),
        ({"contract_type": "gig"}, "contract_type"),
        ({"hours_per_week": 80.5}, "hours_per_week"),
        ({"hours_per_week": -1}, "hours_per_week"),
        ({"ends_on": datetime.date(2024, 1, 1)}, "ends_on"),
        ({"occupation_code": "911"}, "occupation_code"),
        ({"follow_up_4_weeks": "happy"}, "follow_up_4_weeks"),
    ],
)
def test_outcome_create_validates(counsellor, participant, overrides, field):
    values = {"kind": "employment", "starts_on": datetime.date(2024, 1, 2)}
    values.update(overrides)

    with pytest.raises(ValidationFailed) as error:
        services.outcome_create(actor=counsellor, participant=participant, **values)

    assert field in error.value.errors
    assert not Outcome.objects.exists()


def test_outcome_update_no_op_stale_and_change(counsellor):
    outcome = factories.OutcomeFactory()
    before = snapshot(outcome)

    services.outcome_update(
        actor=counsellor,
        outcome=outcome,
        data={"hours_per_week": 30, "contract_type": "fixed_term", "match": None},
    )
    assert snapshot(outcome) == before

    with pytest.raises(PreconditionFailed):
        services.outcome_update(
            actor=counsellor, outcome=outcome, data={"ends_on": today()}, expected_version=2
        )
    assert snapshot(outcome) == before

    with pytest.raises(ValidationFailed):
        services.outcome_update(
            actor=counsellor, outcome=outcome, data={"ends_on": outcome.starts_on - DAY}
        )
    assert snapshot(outcome) == before

    services.outcome_update(
        actor=counsellor,
        outcome=outcome,
        data={"follow_up_4_weeks": "employed"},
        expected_version=1,
        reason="4-week follow-up",
    )
    assert Outcome.objects.get(pk=outcome.pk).follow_up_4_weeks == "employed"
    assert_latest_history(outcome, counsellor, "4-week follow-up", total=2)
