"""Participant services: create, update, transitions; identity codes stored encrypted; every
write one history row with its actor and reason; every refused write changes nothing."""

import datetime
import itertools

import pytest
from django.db import connection

from casework import services
from casework.models import Participant
from core import crypto
from core.errors import (
    DuplicateIdentityCode,
    InvalidTransition,
    PreconditionFailed,
    ValidationFailed,
)
from core.validation import today
from tests import factories
from tests.helpers import history_rows, snapshot

DAY = datetime.timedelta(days=1)
CHECK_ALPHABET = "0123456789ABCDEFHJKLMNPRSTUVWXY"
BORN = datetime.date(1990, 3, 15)


def compute_code(born: datetime.date, sign: str, number: int) -> str:
    """A valid identity code by the docs/domain.md#identity-codes-and-business-ids algorithm."""
    digits = f"{born:%d%m%y}{number:03d}"
    return f"{born:%d%m%y}{sign}{number:03d}{CHECK_ALPHABET[int(digits) % 31]}"


def create(actor, municipality=None, **overrides):
    values = {
        "first_name": "Amina",
        "last_name": "Haddad",
        "date_of_birth": BORN,
        "gender": "female",
        "labour_market_status": "unemployed",
    }
    values.update(overrides)
    return services.participant_create(
        actor=actor, municipality=municipality or factories.municipality("182"), **values
    )


# Create -------------------------------------------------------------------------------------------


def test_participant_create_without_identity_code(counsellor):
    participant = create(counsellor, native_language="prs", citizenship="af")

    stored = Participant.objects.get(pk=participant.pk)
    assert stored.status == "referred"
    assert stored.enrolled_on == today()
    assert stored.status_changed_on == today()
    assert stored.version == 1
    assert stored.citizenship == "AF"
    assert stored.identity_code_hash is None
    assert stored.identity_code_encrypted == ""
    assert stored.identity_code_masked is None
    assert services.participant_identity_code(stored) is None
    rows = list(history_rows(stored))
    assert len(rows) == 1
    assert rows[0].history_user_id == counsellor.pk
    assert rows[0].history_change_reason == "participant created"
    assert rows[0].history_type == "+"


def test_participant_create_with_identity_code_stores_it_encrypted_beside_a_keyed_hash(
    counsellor,
):
    participant = create(counsellor, personal_identity_code="150390-902d")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT identity_code_encrypted, identity_code_hash FROM casework_participant"
            " WHERE id = %s",
            [participant.pk],
        )
        encrypted, keyed_hash = cursor.fetchone()
    for plain in ("150390-902D", "150390-902d", "150390902D", "902D"):
        assert plain not in encrypted
        assert plain not in keyed_hash
    assert crypto.decrypt(encrypted) == "150390-902D"
    assert keyed_hash == crypto.keyed_hash("150390-902D")
    assert len(keyed_hash) == 64
    stored = Participant.objects.get(pk=participant.pk)
    assert stored.identity_code_is_temporary is True
    assert stored.identity_code_masked == "150390-****"
    assert services.participant_identity_code(stored) == "150390-902D"
    # the history copy holds no plain code either
    historical = history_rows(stored).get()
    assert "150390-902D" not in historical.identity_code_encrypted


def test_a_permanent_code_is_not_flagged_temporary(counsellor):
    participant = create(counsellor, personal_identity_code=compute_code(BORN, "-", 446))

    assert Participant.objects.get(pk=participant.pk).identity_code_is_temporary is False


@pytest.mark.parametrize(
    ("code", "born"),
    [
        ("150390Y903E", BORN),
        ("010125B981J", datetime.date(2025, 1, 1)),
        ("010594Y9032", datetime.date(1994, 5, 1)),
        ("020516C903K", datetime.date(2016, 5, 2)),
    ],
)
def test_codes_with_new_century_signs_are_accepted(counsellor, code, born):
    participant = create(counsellor, personal_identity_code=code, date_of_birth=born)

    assert services.participant_identity_code(participant) == code


@pytest.mark.parametrize(
    "born",
    [datetime.date(1990, 3, 16), datetime.date(2090, 3, 15), datetime.date(1890, 3, 15)],
)
def test_the_code_must_agree_with_the_date_of_birth(counsellor, born):
    with pytest.raises(ValidationFailed) as error:
        create(counsellor, personal_identity_code="150390-902D", date_of_birth=born)

    assert "personal_identity_code" in error.value.errors or "date_of_birth" in error.value.errors
    assert not Participant.objects.exists()


@pytest.mark.parametrize("code", ["150390-902E", "150390-001A", "310290-902D", "150390-90"])
def test_an_invalid_code_is_refused(counsellor, code):
    with pytest.raises(ValidationFailed) as error:
        create(counsellor, personal_identity_code=code)

    assert "personal_identity_code" in error.value.errors
    assert not Participant.objects.exists()


@pytest.mark.parametrize("second_municipality", ["182", "992"])
@pytest.mark.parametrize("second_code", ["150390-902D", "150390-902d", " 150390-902D "])
def test_a_duplicate_code_is_refused_without_naming_the_first_participant(
    counsellor, second_municipality, second_code
):
    # given a participant with a code in Jämsä
    first = create(
        counsellor,
        personal_identity_code="150390-902D",
        first_name="Leyla",
        last_name="Rahimi",
    )
    other_counsellor = factories.counsellor(second_municipality)

    # when another participant with the same code is created, here or elsewhere
    with pytest.raises(DuplicateIdentityCode) as error:
        create(
            other_counsellor,
            municipality=factories.municipality(second_municipality),
            personal_identity_code=second_code,
        )

    # then it is refused, and the answer names neither the person nor where they are
    assert error.value.code == "duplicate_identity_code"
    message = str(error.value) + error.value.detail
    for revealing in ("Leyla", "Rahimi", "Jämsä", "182", str(first.uuid), str(first.pk)):
        assert revealing not in message
    assert Participant.objects.count() == 1


def test_codes_differing_only_in_the_century_sign_belong_to_two_people(counsellor):
    # docs/domain.md#identity-codes-and-business-ids: 010190-999W and 010190Y999W can be two people with the same check character
    born = datetime.date(1990, 1, 1)
    first = create(counsellor, personal_identity_code="010190-999W", date_of_birth=born)
    second = create(counsellor, personal_identity_code="010190Y999W", date_of_birth=born)

    assert first.identity_code_hash != second.identity_code_hash


REQUIRED_VALID = {"first_name": "Amina", "last_name": "Haddad", "date_of_birth": BORN}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"first_name": ""}, "first_name"),
        ({"first_name": "   "}, "first_name"),
        ({"last_name": ""}, "last_name"),
        ({"last_name": "\t"}, "last_name"),
        ({"first_name": "A" * 101}, "first_name"),
        ({"date_of_birth": today() + DAY}, "date_of_birth"),
        ({"date_of_birth": None}, "date_of_birth"),
        ({"gender": "other"}, "gender"),
        ({"gender": ""}, "gender"),
        ({"labour_market_status": "retired"}, "labour_market_status"),
        ({"native_language": "xx"}, "native_language"),
        ({"native_language": "fin"}, "native_language"),  # Finnish has a 639-1 code: fi
        ({"native_language": "english"}, "native_language"),
        ({"native_language": "FI"}, "native_language"),
        ({"citizenship": "ZZ"}, "citizenship"),
        ({"citizenship": "FIN"}, "citizenship"),
        ({"citizenship": "1"}, "citizenship"),
        ({"education_level": 9}, "education_level"),
        ({"education_level": -1}, "education_level"),
        ({"arrival_date": today() + DAY}, "arrival_date"),
        ({"arrival_date": BORN - DAY}, "arrival_date"),
        ({"enrolled_on": today() + DAY}, "enrolled_on"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"email": "amina@@example.fi"}, "email"),
        ({"phone": "abc"}, "phone"),
        ({"phone": "12"}, "phone"),
        ({"phone": "+358 40 123 4567 ext"}, "phone"),
    ],
)
def test_participant_create_validates_every_field(counsellor, overrides, field):
    with pytest.raises(ValidationFailed) as error:
        create(counsellor, **overrides)

    assert field in error.value.errors
    assert not Participant.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"native_language": "prs"},  # Dari: ISO 639-3, no 639-1 code
        {"native_language": "fi"},
        {"native_language": "so"},
        {"native_language": "ckb"},  # Central Kurdish: 639-3 only
        {"citizenship": "XX"},  # stateless
        {"citizenship": "xx"},
        {"citizenship": "UA"},
        {"education_level": 0},
        {"education_level": 8},
        {"education_level": None},
        {"arrival_date": BORN},
        {"arrival_date": today()},
        {"enrolled_on": today()},
        {"enrolled_on": datetime.date(2021, 1, 4)},
        {"date_of_birth": today()},
        {"phone": "+358 40 123 4567"},
        {"phone": "040-1234567"},
        {"phone": "014 123 456"},
        {"email": "amina.haddad@example.fi"},
        {"available_from": today() + 30 * DAY},  # availability may lie ahead
        {"gender": "non_binary"},
        {"gender": "undisclosed"},
        {"labour_market_status": "long_term_unemployed"},
    ],
)
def test_participant_create_accepts_valid_values(counsellor, overrides):
    participant = create(counsellor, **overrides)

    stored = Participant.objects.get(pk=participant.pk)
    for field, value in overrides.items():
        expected = value.upper() if field == "citizenship" else value
        assert getattr(stored, field) == expected


def test_the_counsellor_must_counsel_in_the_participants_municipality(counsellor):
    elsewhere = factories.counsellor("992")
    manager = factories.manager("182")
    nobody = factories.UserFactory()

    for wrong in (elsewhere, manager, nobody):
        with pytest.raises(ValidationFailed) as error:
            create(counsellor, counsellor=wrong)
        assert "counsellor" in error.value.errors
    assert not Participant.objects.exists()

    participant = create(counsellor, counsellor=counsellor)
    assert Participant.objects.get(pk=participant.pk).counsellor_id == counsellor.pk


# Update -------------------------------------------------------------------------------------------


def test_participant_update_records_one_history_row_and_claims_the_next_version(counsellor):
    participant = factories.ParticipantFactory()

    services.participant_update(
        actor=counsellor,
        participant=participant,
        data={"phone": "+358 50 765 4321", "education_level": 3},
        expected_version=1,
        reason="new phone",
    )

    stored = Participant.objects.get(pk=participant.pk)
    assert (stored.phone, stored.education_level, stored.version) == ("+358 50 765 4321", 3, 2)
    rows = list(history_rows(stored))
    assert len(rows) == 2
    assert rows[-1].history_user_id == counsellor.pk
    assert rows[-1].history_change_reason == "new phone"
    assert rows[-1].version == 2


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"first_name": "same"},
        {"status": "active", "municipality": "992", "version": 9, "exited_on": None},
        {"personal_identity_code": "150390-902D"},
        {"personal_identity_code": "150390-902d"},
    ],
)
def test_participant_update_that_changes_nothing_leaves_the_version(counsellor, data):
    participant = create(counsellor, first_name="same", personal_identity_code="150390-902D")
    before = snapshot(participant)

    result = services.participant_update(
        actor=counsellor, participant=participant, data=data, expected_version=1
    )

    assert result.version == 1
    assert snapshot(participant) == before


def test_participant_update_ignores_server_owned_fields(counsellor, aanekoski):
    participant = factories.ParticipantFactory()

    services.participant_update(
        actor=counsellor,
        participant=participant,
        data={"municipality": aanekoski, "status": "exited", "version": 40, "first_name": "Noor"},
    )

    stored = Participant.objects.get(pk=participant.pk)
    assert stored.first_name == "Noor"
    assert stored.municipality.code == "182"
    assert stored.status == "referred"
    assert stored.version == 2


def test_participant_update_strips_names_like_create(counsellor):
    participant = create(counsellor, first_name="  Amina ", last_name=" Haddad ")
    assert (participant.first_name, participant.last_name) == ("Amina", "Haddad")

    services.participant_update(
        actor=counsellor, participant=participant, data={"first_name": " Noor  "}
    )

    assert Participant.objects.get(pk=participant.pk).first_name == "Noor"


def test_participant_update_with_a_stale_version_changes_nothing(counsellor):
    participant = factories.ParticipantFactory()
    services.participant_update(
        actor=counsellor, participant=participant, data={"phone": "0401234567"}
    )
    before = snapshot(participant)

    with pytest.raises(PreconditionFailed):
        services.participant_update(
            actor=counsellor,
            participant=participant,
            data={"first_name": "Late"},
            expected_version=1,
        )

    assert snapshot(participant) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"first_name": " "}, "first_name"),
        ({"native_language": "fin"}, "native_language"),
        ({"citizenship": "ZZ"}, "citizenship"),
        ({"education_level": 9}, "education_level"),
        ({"email": "nope"}, "email"),
        ({"phone": "x"}, "phone"),
        ({"arrival_date": today() + DAY}, "arrival_date"),
        ({"date_of_birth": BORN + DAY}, "personal_identity_code"),  # disagrees with the code
        ({"personal_identity_code": "150390-902E"}, "personal_identity_code"),
        ({"personal_identity_code": compute_code(BORN + DAY, "-", 902)}, "personal_identity_code"),
    ],
)
def test_participant_update_refused_by_validation_changes_nothing(counsellor, data, field):
    participant = create(counsellor, personal_identity_code="150390-902D")
    before = snapshot(participant)

    with pytest.raises(ValidationFailed) as error:
        services.participant_update(actor=counsellor, participant=participant, data=data)

    assert field in error.value.errors
    assert snapshot(participant) == before


def test_participant_update_to_another_participants_code_is_a_duplicate(counsellor):
    create(counsellor, personal_identity_code="150390-902D")
    second = create(counsellor, personal_identity_code="150390-903E")
    before = snapshot(second)

    with pytest.raises(DuplicateIdentityCode):
        services.participant_update(
            actor=counsellor, participant=second, data={"personal_identity_code": "150390-902D"}
        )

    assert snapshot(second) == before


def test_participant_update_changes_the_code_and_the_date_of_birth_together(counsellor):
    participant = create(counsellor, personal_identity_code="150390-902D")
    born = datetime.date(2025, 1, 1)

    services.participant_update(
        actor=counsellor,
        participant=participant,
        data={"personal_identity_code": "010125B981J", "date_of_birth": born},
    )

    stored = Participant.objects.get(pk=participant.pk)
    assert services.participant_identity_code(stored) == "010125B981J"
    assert stored.identity_code_masked == "010125-****"
    assert stored.version == 2
    assert history_rows(stored).count() == 2


def test_participant_update_refuses_a_counsellor_from_elsewhere(counsellor):
    participant = factories.ParticipantFactory()
    before = snapshot(participant)

    with pytest.raises(ValidationFailed) as error:
        services.participant_update(
            actor=counsellor,
            participant=participant,
            data={"counsellor": factories.counsellor("992")},
        )

    assert "counsellor" in error.value.errors
    assert snapshot(participant) == before


# Transitions --------------------------------------------------------------------------------------

STATUSES = list(Participant.TRANSITIONS)


def participant_in(status: str) -> Participant:
    """A participant in ``status`` whose last change was 100 days ago."""
    extra = {}
    if status == "exited":
        extra = {"exited_on": today() - 100 * DAY, "exit_reason": "moved_away"}
    return factories.ParticipantFactory(status=status, **extra)


def test_the_participant_table_is_the_one_of_the_design():
    assert {
        "referred": {"active", "exited"},
        "active": {"job_seeking", "in_education", "employed", "exited"},
        "job_seeking": {"active", "employed", "in_education", "exited"},
        "employed": {"job_seeking", "exited"},
        "in_education": {"job_seeking", "exited"},
        "exited": set(),
    } == Participant.TRANSITIONS


@pytest.mark.parametrize(("from_status", "to_status"), list(itertools.product(STATUSES, repeat=2)))
def test_participant_transitions_follow_the_table(counsellor, from_status, to_status):
    # given a participant in from_status
    participant = participant_in(from_status)
    before = snapshot(participant)
    exit_reason = "employed" if to_status == "exited" else ""
    on = today() - DAY

    if to_status in Participant.TRANSITIONS[from_status]:
        # when the move is allowed it happens on the given day, with one history row
        services.participant_transition(
            actor=counsellor,
            participant=participant,
            to=to_status,
            on=on,
            reason="agreed in a meeting",
            exit_reason=exit_reason,
        )
        stored = Participant.objects.get(pk=participant.pk)
        assert stored.status == to_status
        assert stored.status_changed_on == on
        assert stored.version == 2
        rows = list(history_rows(stored))
        assert len(rows) == 2
        assert rows[-1].history_user_id == counsellor.pk
        assert rows[-1].history_change_reason == "agreed in a meeting"
        if to_status == "exited":
            assert (stored.exited_on, stored.exit_reason) == (on, "employed")
    else:
        # when it is forbidden nothing changes
        with pytest.raises(InvalidTransition):
            services.participant_transition(
                actor=counsellor,
                participant=participant,
                to=to_status,
                on=on,
                exit_reason=exit_reason,
            )
        assert snapshot(participant) == before


def test_a_participant_walks_through_the_lifecycle_with_one_history_row_per_step(counsellor):
    participant = create(counsellor, enrolled_on=today() - 30 * DAY)
    steps = [
        ("active", today() - 30 * DAY),
        ("job_seeking", today() - 20 * DAY),
        ("employed", today() - 20 * DAY),  # the same day as the previous change is fine
        ("job_seeking", today() - 5 * DAY),
        ("in_education", today() - 2 * DAY),
        ("exited", today()),
    ]
    for number, (status, on) in enumerate(steps, start=2):
        services.participant_transition(
            actor=counsellor,
            participant=participant,
            to=status,
            on=on,
            reason=f"step {number}",
            exit_reason="education" if status == "exited" else "",
            expected_version=number - 1,
        )
        stored = Participant.objects.get(pk=participant.pk)
        assert (stored.status, stored.version) == (status, number)
        latest = history_rows(stored).last()
        assert latest.history_change_reason == f"step {number}"
        assert latest.history_user_id == counsellor.pk
    assert history_rows(participant).count() == len(steps) + 1


def test_a_transition_cannot_be_in_the_future(counsellor):
    participant = participant_in("referred")
    before = snapshot(participant)

    with pytest.raises(ValidationFailed) as error:
        services.participant_transition(
            actor=counsellor, participant=participant, to="active", on=today() + DAY
        )

    assert "on" in error.value.errors
    assert snapshot(participant) == before


def test_a_transition_cannot_predate_the_previous_change(counsellor):
    participant = participant_in("active")
    previous = participant.status_changed_on
    before = snapshot(participant)

    with pytest.raises(ValidationFailed) as error:
        services.participant_transition(
            actor=counsellor, participant=participant, to="job_seeking", on=previous - DAY
        )
    assert "on" in error.value.errors
    assert snapshot(participant) == before

    services.participant_transition(
        actor=counsellor, participant=participant, to="job_seeking", on=previous
    )
    assert Participant.objects.get(pk=participant.pk).status == "job_seeking"


def test_a_transition_without_a_date_happens_today_with_a_default_reason(counsellor):
    participant = participant_in("referred")

    services.participant_transition(actor=counsellor, participant=participant, to="active")

    stored = Participant.objects.get(pk=participant.pk)
    assert stored.status_changed_on == today()
    assert history_rows(stored).last().history_change_reason


@pytest.mark.parametrize("exit_reason", ["", "retired", "EMPLOYED"])
def test_exit_needs_a_valid_exit_reason(counsellor, exit_reason):
    participant = participant_in("active")
    before = snapshot(participant)

    with pytest.raises(ValidationFailed) as error:
        services.participant_transition(
            actor=counsellor, participant=participant, to="exited", exit_reason=exit_reason
        )

    assert "exit_reason" in error.value.errors
    assert snapshot(participant) == before


@pytest.mark.parametrize("exit_reason", list(Participant.ExitReason.values))
def test_every_exit_reason_of_the_design_is_accepted(counsellor, exit_reason):
    participant = participant_in("job_seeking")

    services.participant_transition(
        actor=counsellor, participant=participant, to="exited", exit_reason=exit_reason
    )

    stored = Participant.objects.get(pk=participant.pk)
    assert (stored.status, stored.exit_reason, stored.exited_on) == (
        "exited",
        exit_reason,
        today(),
    )


def test_the_exit_reasons_are_those_of_the_design():
    assert set(Participant.ExitReason.values) == {
        "employed",
        "education",
        "moved_away",
        "declined_services",
        "health",
        "family_leave",
        "pilot_ended",
        "other",
    }


def test_only_an_exit_takes_an_exit_reason(counsellor):
    participant = participant_in("active")
    before = snapshot(participant)

    with pytest.raises(ValidationFailed) as error:
        services.participant_transition(
            actor=counsellor, participant=participant, to="job_seeking", exit_reason="health"
        )

    assert "exit_reason" in error.value.errors
    assert snapshot(participant) == before


@pytest.mark.parametrize("to_status", STATUSES)
def test_exited_is_final(counsellor, to_status):
    participant = participant_in("job_seeking")
    services.participant_transition(
        actor=counsellor, participant=participant, to="exited", exit_reason="health"
    )
    before = snapshot(participant)

    with pytest.raises(InvalidTransition):
        services.participant_transition(
            actor=counsellor,
            participant=participant,
            to=to_status,
            exit_reason="health" if to_status == "exited" else "",
        )

    assert snapshot(participant) == before


@pytest.mark.parametrize("to_status", ["", "deceased", "Active"])
def test_an_unknown_status_is_a_validation_error(counsellor, to_status):
    participant = participant_in("referred")
    before = snapshot(participant)

    with pytest.raises(ValidationFailed):
        services.participant_transition(actor=counsellor, participant=participant, to=to_status)

    assert snapshot(participant) == before


def test_a_transition_with_a_stale_version_changes_nothing(counsellor):
    participant = participant_in("referred")
    before = snapshot(participant)

    with pytest.raises(PreconditionFailed):
        services.participant_transition(
            actor=counsellor, participant=participant, to="active", expected_version=2
        )

    assert snapshot(participant) == before
