"""Services of the assessments app: language and skill assessments, licence cards, trainings and
enrolments. Scenario actions go through the services; a refused write changes nothing and adds no
history row."""

import datetime
import itertools
from decimal import Decimal

import pytest

from assessments import services
from assessments.models import (
    Enrolment,
    LanguageAssessment,
    LicenceCard,
    SkillAssessment,
    Training,
)
from core.errors import Conflict, InvalidTransition, PreconditionFailed, ValidationFailed
from core.validation import today
from tests import factories
from tests.helpers import snapshot

DAY = datetime.timedelta(days=1)
SKILLS = ("reading", "listening", "speaking", "writing")


def assert_one_history_row(instance, actor, reason=None, *, total=None):
    rows = type(instance).history.filter(id=instance.pk).order_by("-history_id")
    if total is not None:
        assert rows.count() == total
    latest = rows.first()
    assert latest.history_user_id == actor.pk
    assert latest.history_change_reason
    if reason is not None:
        assert latest.history_change_reason == reason
    assert latest.version == instance.version


@pytest.fixture
def participant():
    return factories.ParticipantFactory(status="active")


@pytest.fixture
def exited_participant():
    return factories.ParticipantFactory(
        status="exited", exited_on=today() - 5 * DAY, exit_reason="moved_away"
    )


# Language assessments -----------------------------------------------------------------------------


def create_language_assessment(actor, participant, **overrides):
    values = {
        "language": "fi",
        "assessed_on": today() - DAY,
        "instrument": "course_test",
        "reading": "A2.1",
        "listening": "A2.2",
        "speaking": "B1.1",
        "writing": "A1.3",
    }
    values.update(overrides)
    return services.language_assessment_create(actor=actor, participant=participant, **values)


def test_language_assessment_create_records_levels_with_one_history_row(counsellor, participant):
    assessment = create_language_assessment(counsellor, participant)

    stored = LanguageAssessment.objects.get(pk=assessment.pk)
    assert (stored.reading, stored.listening, stored.speaking, stored.writing) == (
        "A2.1",
        "A2.2",
        "B1.1",
        "A1.3",
    )
    assert stored.version == 1
    assert stored.municipality_id == participant.municipality_id
    assert stored.assessor_id == counsellor.pk
    assert_one_history_row(stored, counsellor, "language assessment recorded", total=1)


@pytest.mark.parametrize("skill", SKILLS)
@pytest.mark.parametrize("level", ["A1", "B1", "C2.3", "a2.1", "A2.3", "", "3", "YKI 3"])
def test_language_assessment_refuses_a_level_outside_the_scale(
    counsellor, participant, skill, level
):
    with pytest.raises(ValidationFailed) as error:
        create_language_assessment(counsellor, participant, **{skill: level})

    assert skill in error.value.errors
    assert not LanguageAssessment.objects.exists()


@pytest.mark.parametrize("skill", SKILLS)
def test_language_assessment_with_one_skill_is_enough(counsellor, participant, skill):
    levels = dict.fromkeys(SKILLS)
    levels[skill] = "C2.2"

    assessment = create_language_assessment(counsellor, participant, **levels)

    assert getattr(LanguageAssessment.objects.get(pk=assessment.pk), skill) == "C2.2"


def test_language_assessment_needs_at_least_one_skill(counsellor, participant):
    with pytest.raises(ValidationFailed) as error:
        create_language_assessment(counsellor, participant, **dict.fromkeys(SKILLS))

    assert "non_field_errors" in error.value.errors
    assert not LanguageAssessment.objects.exists()


@pytest.mark.parametrize(("offset", "accepted"), [(-DAY, True), (0 * DAY, True), (DAY, False)])
def test_language_assessment_is_not_in_the_future(counsellor, participant, offset, accepted):
    assessed_on = today() + offset
    if accepted:
        assessment = create_language_assessment(counsellor, participant, assessed_on=assessed_on)
        assert assessment.assessed_on == assessed_on
    else:
        with pytest.raises(ValidationFailed) as error:
            create_language_assessment(counsellor, participant, assessed_on=assessed_on)
        assert "assessed_on" in error.value.errors
        assert not LanguageAssessment.objects.exists()


def test_language_assessment_cannot_predate_the_participants_birth(counsellor, participant):
    with pytest.raises(ValidationFailed) as error:
        create_language_assessment(
            counsellor, participant, assessed_on=participant.date_of_birth - DAY
        )

    assert "assessed_on" in error.value.errors


@pytest.mark.parametrize(
    ("field", "value"),
    [("language", "en"), ("language", "fin"), ("instrument", "guess"), ("instrument", "")],
)
def test_language_assessment_refuses_unknown_language_or_instrument(
    counsellor, participant, field, value
):
    with pytest.raises(ValidationFailed) as error:
        create_language_assessment(counsellor, participant, **{field: value})

    assert field in error.value.errors
    assert not LanguageAssessment.objects.exists()


def test_language_assessment_of_an_exited_participant_is_refused(counsellor, exited_participant):
    with pytest.raises(ValidationFailed) as error:
        create_language_assessment(counsellor, exited_participant)

    assert "participant" in error.value.errors
    assert not LanguageAssessment.objects.exists()


def test_language_assessment_update_changes_and_records_one_history_row(counsellor, participant):
    assessment = factories.LanguageAssessmentFactory(participant=participant)

    updated = services.language_assessment_update(
        actor=counsellor,
        assessment=assessment,
        data={"speaking": "B1.2"},
        expected_version=1,
        reason="re-tested",
    )

    stored = LanguageAssessment.objects.get(pk=assessment.pk)
    assert stored.speaking == "B1.2"
    assert stored.version == updated.version == 2
    assert_one_history_row(stored, counsellor, "re-tested", total=2)


def test_language_assessment_update_that_changes_nothing_leaves_the_version(
    counsellor, participant
):
    assessment = factories.LanguageAssessmentFactory(participant=participant)
    before = snapshot(assessment)

    result = services.language_assessment_update(
        actor=counsellor,
        assessment=assessment,
        data={"speaking": assessment.speaking, "participant": None, "version": 7},
        expected_version=1,
    )

    assert result.version == 1
    assert snapshot(assessment) == before


def test_language_assessment_update_with_a_stale_version_changes_nothing(counsellor, participant):
    assessment = factories.LanguageAssessmentFactory(participant=participant)
    services.language_assessment_update(
        actor=counsellor, assessment=assessment, data={"reading": "B1.1"}
    )
    before = snapshot(assessment)

    with pytest.raises(PreconditionFailed):
        services.language_assessment_update(
            actor=counsellor, assessment=assessment, data={"reading": "C1.1"}, expected_version=1
        )

    assert snapshot(assessment) == before


@pytest.mark.parametrize(
    "data",
    [{"reading": "B3"}, {"assessed_on": today() + DAY}, dict.fromkeys(SKILLS)],
)
def test_language_assessment_update_refused_by_validation_changes_nothing(
    counsellor, participant, data
):
    assessment = factories.LanguageAssessmentFactory(participant=participant)
    before = snapshot(assessment)

    with pytest.raises(ValidationFailed):
        services.language_assessment_update(actor=counsellor, assessment=assessment, data=data)

    assert snapshot(assessment) == before


# Skill assessments --------------------------------------------------------------------------------


def create_skill_assessment(actor, participant, **overrides):
    values = {
        "occupation_code": "9112",
        "level": 2,
        "evidence": "work_history",
        "assessed_on": today() - DAY,
        "years_experience": 3,
    }
    values.update(overrides)
    return services.skill_assessment_create(actor=actor, participant=participant, **values)


def test_skill_assessment_create_records_one_history_row(counsellor, participant):
    assessment = create_skill_assessment(counsellor, participant, years_experience=Decimal("2.5"))

    stored = SkillAssessment.objects.get(pk=assessment.pk)
    assert stored.occupation_id == "9112"
    assert stored.years_experience == Decimal("2.5")
    assert stored.municipality_id == participant.municipality_id
    assert_one_history_row(stored, counsellor, "skill assessment recorded", total=1)


@pytest.mark.parametrize("code", ["9112", "5120", "0110"])
def test_skill_assessment_accepts_isco_unit_groups(counsellor, participant, code):
    assessment = create_skill_assessment(counsellor, participant, occupation_code=code)

    assert assessment.occupation_id == code


@pytest.mark.parametrize("code", ["911", "91", "9", "0000", "abcd", "91121", "9112 ", "０１１０"])
def test_skill_assessment_refuses_anything_but_a_unit_group(counsellor, participant, code):
    with pytest.raises(ValidationFailed) as error:
        create_skill_assessment(counsellor, participant, occupation_code=code)

    assert "occupation_code" in error.value.errors
    assert not SkillAssessment.objects.exists()


def test_skill_assessment_needs_an_occupation_or_an_esco_skill(counsellor, participant):
    with pytest.raises(ValidationFailed) as error:
        create_skill_assessment(counsellor, participant, occupation_code=None)
    assert "occupation_code" in error.value.errors

    uri = "http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab"
    assessment = create_skill_assessment(
        counsellor, participant, occupation_code=None, esco_skill_uri=uri
    )
    assert assessment.esco_skill_uri == uri


@pytest.mark.parametrize(("level", "accepted"), [(0, False), (1, True), (2, True), (3, True),
                                                 (4, True), (5, False), (-1, False)])  # fmt: skip
def test_skill_assessment_level_is_1_to_4(counsellor, participant, level, accepted):
    if accepted:
        assert create_skill_assessment(counsellor, participant, level=level).level == level
    else:
        with pytest.raises(ValidationFailed) as error:
            create_skill_assessment(counsellor, participant, level=level)
        assert "level" in error.value.errors
        assert not SkillAssessment.objects.exists()


@pytest.mark.parametrize(
    ("years", "accepted"),
    [
        (0, True),
        (Decimal("0.5"), True),
        (80, True),
        (Decimal("80.0"), True),
        (Decimal("-0.1"), False),
        (-1, False),
        (Decimal("80.1"), False),
        (81, False),
        (Decimal("0.05"), False),  # one decimal place only
    ],
)
def test_skill_assessment_years_of_experience_are_0_to_80(counsellor, participant, years, accepted):
    if accepted:
        stored = create_skill_assessment(counsellor, participant, years_experience=years)
        assert SkillAssessment.objects.get(pk=stored.pk).years_experience == Decimal(str(years))
    else:
        with pytest.raises(ValidationFailed) as error:
            create_skill_assessment(counsellor, participant, years_experience=years)
        assert "years_experience" in error.value.errors
        assert not SkillAssessment.objects.exists()


def test_skill_assessment_refuses_unknown_evidence_and_future_dates(counsellor, participant):
    with pytest.raises(ValidationFailed) as error:
        create_skill_assessment(counsellor, participant, evidence="hearsay")
    assert "evidence" in error.value.errors

    with pytest.raises(ValidationFailed) as error:
        create_skill_assessment(counsellor, participant, assessed_on=today() + DAY)
    assert "assessed_on" in error.value.errors
    assert not SkillAssessment.objects.exists()


def test_skill_assessment_of_an_exited_participant_is_refused(counsellor, exited_participant):
    with pytest.raises(ValidationFailed):
        create_skill_assessment(counsellor, exited_participant)

    assert not SkillAssessment.objects.exists()


def test_skill_assessment_update_no_op_and_stale_version(counsellor, participant):
    assessment = factories.SkillAssessmentFactory(participant=participant)
    before = snapshot(assessment)

    # a no-op leaves the version alone
    services.skill_assessment_update(
        actor=counsellor,
        assessment=assessment,
        data={"level": assessment.level, "years_experience": "3.0", "occupation_code": "9112"},
        expected_version=1,
    )
    assert snapshot(assessment) == before

    # a stale version changes nothing
    with pytest.raises(PreconditionFailed):
        services.skill_assessment_update(
            actor=counsellor, assessment=assessment, data={"level": 4}, expected_version=2
        )
    assert snapshot(assessment) == before

    # a refused value changes nothing
    with pytest.raises(ValidationFailed):
        services.skill_assessment_update(
            actor=counsellor, assessment=assessment, data={"occupation_code": "911"}
        )
    assert snapshot(assessment) == before

    # a real change claims the next version with one history row
    services.skill_assessment_update(
        actor=counsellor, assessment=assessment, data={"level": 4}, expected_version=1
    )
    stored = SkillAssessment.objects.get(pk=assessment.pk)
    assert (stored.level, stored.version) == (4, 2)
    assert_one_history_row(stored, counsellor, "skill assessment corrected", total=2)


# Licence cards ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("licence_type", "issued_on", "valid_until"),
    [
        ("occupational_safety", datetime.date(2024, 3, 10), datetime.date(2029, 3, 10)),
        ("hot_work", datetime.date(2023, 12, 31), datetime.date(2028, 12, 31)),
        ("first_aid_1", datetime.date(2024, 3, 10), datetime.date(2027, 3, 10)),
        ("hygiene_passport", datetime.date(2024, 3, 10), None),
        ("alcohol_passport", datetime.date(2020, 1, 1), None),
        ("forklift", datetime.date(2020, 1, 1), None),
        # issued on 29 February: the same date n years later does not exist
        ("occupational_safety", datetime.date(2024, 2, 29), datetime.date(2029, 2, 28)),
        ("first_aid_1", datetime.date(2024, 2, 29), datetime.date(2027, 2, 28)),
        ("hygiene_passport", datetime.date(2024, 2, 29), None),
    ],
)
def test_licence_card_valid_until_is_computed_from_the_type(
    counsellor, participant, licence_type, issued_on, valid_until
):
    card = services.licence_card_create(
        actor=counsellor,
        participant=participant,
        licence_type=factories.licence_type(licence_type),
        issued_on=issued_on,
        card_number="TT-1",
    )

    stored = LicenceCard.objects.get(pk=card.pk)
    assert stored.valid_until == valid_until
    assert stored.municipality_id == participant.municipality_id
    assert_one_history_row(stored, counsellor, "licence card recorded", total=1)


def test_licence_card_keeps_a_given_valid_until(counsellor, participant):
    card = services.licence_card_create(
        actor=counsellor,
        participant=participant,
        licence_type=factories.licence_type("forklift"),
        issued_on=datetime.date(2022, 5, 1),
        valid_until=datetime.date(2027, 5, 1),
    )

    assert LicenceCard.objects.get(pk=card.pk).valid_until == datetime.date(2027, 5, 1)


@pytest.mark.parametrize(
    ("issued_on", "valid_until", "field"),
    [
        (today() + DAY, None, "issued_on"),
        (datetime.date(2024, 5, 2), datetime.date(2024, 5, 1), "valid_until"),
    ],
)
def test_licence_card_refuses_future_issue_and_expiry_before_issue(
    counsellor, participant, issued_on, valid_until, field
):
    with pytest.raises(ValidationFailed) as error:
        services.licence_card_create(
            actor=counsellor,
            participant=participant,
            licence_type=factories.licence_type("hygiene_passport"),
            issued_on=issued_on,
            valid_until=valid_until,
        )

    assert field in error.value.errors
    assert not LicenceCard.objects.exists()


ISSUED = datetime.date(2024, 1, 10)


@pytest.mark.parametrize(
    ("licence_type", "date", "is_valid"),
    [
        ("occupational_safety", ISSUED - DAY, False),
        ("occupational_safety", ISSUED, True),
        ("occupational_safety", datetime.date(2029, 1, 10), True),  # valid_until itself
        ("occupational_safety", datetime.date(2029, 1, 11), False),  # the day after
        ("hygiene_passport", ISSUED - DAY, False),
        ("hygiene_passport", ISSUED, True),
        ("hygiene_passport", datetime.date(2099, 12, 31), True),
    ],
)
def test_licence_card_validity_at_the_boundaries(participant, licence_type, date, is_valid):
    card = factories.LicenceCardFactory(
        participant=participant,
        licence_type=factories.licence_type(licence_type),
        issued_on=ISSUED,
        valid_until=factories.licence_type(licence_type).valid_until_for(ISSUED),
    )
    factories.LicenceCardFactory(participant=participant, issued_on=ISSUED + 400 * DAY)

    assert card.is_valid_on(date) is is_valid
    assert LicenceCard.objects.valid_on(date).filter(pk=card.pk).exists() is is_valid


def test_licence_card_update_recomputes_valid_until_and_no_op_keeps_version(
    counsellor, participant
):
    card = services.licence_card_create(
        actor=counsellor,
        participant=participant,
        licence_type=factories.licence_type("first_aid_1"),
        issued_on=datetime.date(2023, 6, 1),
    )
    before = snapshot(card)
    services.licence_card_update(
        actor=counsellor, card=card, data={"issued_on": datetime.date(2023, 6, 1)}
    )
    assert snapshot(card) == before

    with pytest.raises(PreconditionFailed):
        services.licence_card_update(
            actor=counsellor, card=card, data={"card_number": "X"}, expected_version=3
        )
    assert snapshot(card) == before

    services.licence_card_update(
        actor=counsellor, card=card, data={"issued_on": datetime.date(2024, 2, 29)}
    )
    stored = LicenceCard.objects.get(pk=card.pk)
    assert stored.valid_until == datetime.date(2027, 2, 28)
    assert stored.version == 2
    assert_one_history_row(stored, counsellor, total=2)


# Trainings ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"seats": 0}, "seats"),
        ({"ends_on": today() - 2 * DAY, "starts_on": today() - DAY}, "ends_on"),
        ({"provider": "  "}, "provider"),
    ],
)
def test_training_create_validates(counsellor, jamsa, overrides, field):
    values = {
        "licence_type": factories.licence_type("hot_work"),
        "municipality": jamsa,
        "provider": "Gradia",
        "starts_on": today() + DAY,
        "ends_on": today() + 2 * DAY,
        "seats": 5,
    }
    values.update(overrides)

    with pytest.raises(ValidationFailed) as error:
        services.training_create(actor=counsellor, **values)

    assert field in error.value.errors
    assert not Training.objects.exists()


# Enrolments ---------------------------------------------------------------------------------------


def test_enrolment_create_records_one_history_row(counsellor, participant):
    training = factories.TrainingFactory()

    enrolment = services.enrolment_create(
        actor=counsellor, training=training, participant=participant
    )

    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert stored.status == "enrolled"
    assert stored.municipality_id == participant.municipality_id
    assert_one_history_row(stored, counsellor, "enrolled on training", total=1)


def test_enrolments_never_exceed_the_seats(counsellor):
    training = factories.TrainingFactory(seats=2)
    first, second, third = (factories.ParticipantFactory(status="active") for _ in range(3))
    services.enrolment_create(actor=counsellor, training=training, participant=first)
    services.enrolment_create(actor=counsellor, training=training, participant=second)

    with pytest.raises(Conflict) as error:
        services.enrolment_create(actor=counsellor, training=training, participant=third)

    assert error.value.code == "training_full"
    assert Enrolment.objects.filter(training=training).count() == 2
    assert not Enrolment.objects.filter(participant=third).exists()


@pytest.mark.parametrize(
    ("status", "frees_the_seat"),
    [
        ("cancelled", True),
        ("no_show", True),
        ("enrolled", False),
        ("attended", False),
        ("passed", False),
        ("failed", False),
    ],
)
def test_only_cancelled_and_no_show_enrolments_free_their_seat(counsellor, status, frees_the_seat):
    training = factories.TrainingFactory(seats=1)
    factories.EnrolmentFactory(training=training, status=status)
    newcomer = factories.ParticipantFactory(status="active")

    if frees_the_seat:
        services.enrolment_create(actor=counsellor, training=training, participant=newcomer)
        assert Enrolment.objects.filter(training=training, participant=newcomer).exists()
    else:
        with pytest.raises(Conflict) as error:
            services.enrolment_create(actor=counsellor, training=training, participant=newcomer)
        assert error.value.code == "training_full"
        assert not Enrolment.objects.filter(participant=newcomer).exists()


def test_a_duplicate_enrolment_is_refused(counsellor, participant):
    training = factories.TrainingFactory(seats=5)
    enrolment = services.enrolment_create(
        actor=counsellor, training=training, participant=participant
    )
    before = snapshot(enrolment)

    with pytest.raises(Conflict) as error:
        services.enrolment_create(actor=counsellor, training=training, participant=participant)

    assert error.value.code == "already_enrolled"
    assert Enrolment.objects.filter(training=training).count() == 1
    assert snapshot(enrolment) == before


def test_an_exited_participant_cannot_enrol(counsellor, exited_participant):
    training = factories.TrainingFactory()

    with pytest.raises(ValidationFailed):
        services.enrolment_create(
            actor=counsellor, training=training, participant=exited_participant
        )

    assert not Enrolment.objects.exists()


def past_training(**overrides):
    values = {"starts_on": today() - 10 * DAY, "ends_on": today() - 9 * DAY}
    values.update(overrides)
    return factories.TrainingFactory(**values)


ENROLMENT_STATUSES = list(Enrolment.TRANSITIONS)


@pytest.mark.parametrize(
    ("from_status", "to_status"), list(itertools.product(ENROLMENT_STATUSES, repeat=2))
)
def test_enrolment_transitions_follow_the_table(counsellor, from_status, to_status):
    # given an enrolment in from_status on a training that is over
    enrolment = factories.EnrolmentFactory(training=past_training(), status=from_status)
    before = snapshot(enrolment)

    if to_status in Enrolment.TRANSITIONS[from_status]:
        # when the move is allowed, it happens with one history row naming actor and reason
        services.enrolment_transition(
            actor=counsellor, enrolment=enrolment, to=to_status, reason="as agreed"
        )
        stored = Enrolment.objects.get(pk=enrolment.pk)
        assert stored.status == to_status
        assert stored.version == 2
        assert_one_history_row(stored, counsellor, "as agreed", total=2)
        assert LicenceCard.objects.filter(enrolment=enrolment).count() == (
            1 if to_status == "passed" else 0
        )
    else:
        # when it is forbidden, nothing changes
        with pytest.raises(InvalidTransition):
            services.enrolment_transition(actor=counsellor, enrolment=enrolment, to=to_status)
        assert snapshot(enrolment) == before
        assert not LicenceCard.objects.filter(enrolment=enrolment).exists()


def test_the_enrolment_table_is_the_one_of_the_design():
    assert {
        "enrolled": {"attended", "no_show", "cancelled"},
        "attended": {"passed", "failed"},
        "no_show": set(),
        "cancelled": set(),
        "passed": set(),
        "failed": set(),
    } == Enrolment.TRANSITIONS


def test_an_unknown_enrolment_status_is_a_validation_error(counsellor):
    enrolment = factories.EnrolmentFactory(training=past_training())
    before = snapshot(enrolment)

    with pytest.raises(ValidationFailed):
        services.enrolment_transition(actor=counsellor, enrolment=enrolment, to="graduated")

    assert snapshot(enrolment) == before


def test_passing_creates_exactly_one_licence_card_with_history(counsellor, participant):
    training = past_training(licence_type=factories.licence_type("first_aid_1"))
    enrolment = factories.EnrolmentFactory(
        training=training, participant=participant, status="attended"
    )

    services.enrolment_transition(
        actor=counsellor, enrolment=enrolment, to="passed", card_number="EA-123"
    )

    card = LicenceCard.objects.get(participant=participant)
    assert card.enrolment_id == enrolment.pk
    assert card.licence_type.code == "first_aid_1"
    assert card.issued_on == training.ends_on  # the default: the training's last day
    assert card.valid_until == factories.licence_type("first_aid_1").valid_until_for(
        training.ends_on
    )
    assert card.card_number == "EA-123"
    assert card.municipality_id == participant.municipality_id
    assert_one_history_row(card, counsellor, "licence card recorded", total=1)
    assert Enrolment.objects.get(pk=enrolment.pk).status == "passed"


def test_passing_takes_a_given_issue_date(counsellor):
    training = past_training()
    enrolment = factories.EnrolmentFactory(training=training, status="attended")

    services.enrolment_transition(
        actor=counsellor, enrolment=enrolment, to="passed", issued_on=today()
    )

    assert LicenceCard.objects.get(enrolment=enrolment).issued_on == today()


@pytest.mark.parametrize(
    "issued_on",
    [today() + DAY, today() - 11 * DAY],  # in the future; before the training started
)
def test_passing_with_a_wrong_issue_date_changes_nothing(counsellor, issued_on):
    enrolment = factories.EnrolmentFactory(training=past_training(), status="attended")
    before = snapshot(enrolment)

    with pytest.raises(ValidationFailed) as error:
        services.enrolment_transition(
            actor=counsellor, enrolment=enrolment, to="passed", issued_on=issued_on
        )

    assert "issued_on" in error.value.errors
    assert snapshot(enrolment) == before
    assert not LicenceCard.objects.exists()


def test_passing_a_training_that_has_not_ended_needs_an_issue_date(counsellor):
    # the default issue date (the training's last day) is in the future
    enrolment = factories.EnrolmentFactory(
        training=factories.TrainingFactory(starts_on=today() - DAY, ends_on=today() + DAY),
        status="attended",
    )
    before = snapshot(enrolment)

    with pytest.raises(ValidationFailed):
        services.enrolment_transition(actor=counsellor, enrolment=enrolment, to="passed")

    assert snapshot(enrolment) == before


def test_the_card_and_the_passed_status_are_one_transaction(counsellor):
    # given a card the database would refuse (card number too long): the enrolment is already
    # saved as passed when the card fails, and both must roll back together
    enrolment = factories.EnrolmentFactory(training=past_training(), status="attended")
    before = snapshot(enrolment)

    with pytest.raises(ValidationFailed):
        services.enrolment_transition(
            actor=counsellor, enrolment=enrolment, to="passed", card_number="X" * 61
        )

    assert snapshot(enrolment) == before
    assert not LicenceCard.objects.exists()


def test_enrolment_transition_with_a_stale_version_changes_nothing(counsellor):
    enrolment = factories.EnrolmentFactory(training=past_training())
    before = snapshot(enrolment)

    with pytest.raises(PreconditionFailed):
        services.enrolment_transition(
            actor=counsellor, enrolment=enrolment, to="attended", expected_version=2
        )

    assert snapshot(enrolment) == before


def test_a_training_cannot_shrink_below_its_taken_seats(counsellor):
    training = factories.TrainingFactory(seats=3)
    factories.EnrolmentFactory(training=training)
    factories.EnrolmentFactory(training=training)
    before = snapshot(training)

    with pytest.raises(ValidationFailed) as error:
        services.training_update(actor=counsellor, training=training, data={"seats": 1})

    assert "seats" in error.value.errors
    assert snapshot(training) == before
    services.training_update(actor=counsellor, training=training, data={"seats": 2})
    assert Training.objects.get(pk=training.pk).seats == 2
