"""Ranking candidates for a vacancy (docs/domain.md#matching): each criterion, each gap, the order, and
that protected attributes never move anything."""

import datetime

import pytest
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework import matching
from casework.models import Participant
from casework.services import vacancy_update
from core.actors import system_actor
from tests import factories

TODAY = factories.TODAY
EVERYONE = Q()


def job_seeker(code="182", **kwargs):
    kwargs.setdefault("status", "job_seeking")
    return factories.ParticipantFactory(municipality=factories.municipality(code), **kwargs)


def speaks(participant, **levels):
    return factories.LanguageAssessmentFactory(
        participant=participant,
        reading=levels.get("reading"),
        listening=levels.get("listening"),
        speaking=levels.get("speaking"),
        writing=levels.get("writing"),
        assessed_on=levels.get("on", TODAY - datetime.timedelta(days=10)),
    )


def vacancy(**kwargs):
    kwargs.setdefault("language_requirements", {"speaking": "A2.1"})
    return factories.VacancyFactory(**kwargs)


def require_licences(v, *codes):
    vacancy_update(actor=system_actor(), vacancy=v, data={"required_licences": list(codes)})
    v.refresh_from_db()
    return v


def ranked(v):
    return list(matching.rank_candidates(v, scope=EVERYONE, today=TODAY))


def by_participant(suggestions):
    return {s.participant_id: s for s in suggestions}


def test_a_job_seeker_meeting_every_requirement_is_eligible_with_every_criterion_met():
    v = require_licences(vacancy(), "occupational_safety")
    person = job_seeker()
    speaks(person, speaking="A2.2")
    factories.LicenceCardFactory(
        participant=person, licence_type=factories.licence_type("occupational_safety")
    )
    [suggestion] = ranked(v)
    assert suggestion.participant_id == person.pk
    assert suggestion.eligible is True
    assert suggestion.gaps == []
    names = {c["name"]: c["met"] for c in suggestion.criteria}
    assert names["licence:occupational_safety"] is True
    assert names["language:fi:speaking"] is True


@pytest.mark.parametrize("status", ["referred", "employed", "in_education", "exited"])
def test_participants_not_active_or_job_seeking_are_left_out(status):
    v = vacancy(language_requirements={})
    extra = {"exited_on": TODAY, "exit_reason": "other"} if status == "exited" else {}
    job_seeker(status=status, **extra)
    assert ranked(v) == []


def test_active_participants_are_candidates_too():
    v = vacancy(language_requirements={})
    person = job_seeker(status="active")
    assert [s.participant_id for s in ranked(v)] == [person.pk]


def test_place_is_the_municipality_or_its_employment_area():
    v = vacancy(language_requirements={})  # Jämsä, area with Keuruu
    same = job_seeker("182")
    area = job_seeker("249")
    job_seeker("992")  # Äänekoski: another area
    assert {s.participant_id for s in ranked(v)} == {same.pk, area.pk}


def test_a_card_expired_before_the_start_date_is_missing():
    v = require_licences(vacancy(language_requirements={}), "first_aid_1")
    person = job_seeker()
    factories.LicenceCardFactory(
        participant=person,
        licence_type=factories.licence_type("first_aid_1"),
        issued_on=TODAY - datetime.timedelta(days=1000),
        valid_until=v.starts_on - datetime.timedelta(days=1),
    )
    assert ranked(v) == []  # no training in reach either


def test_a_card_valid_on_the_start_date_counts_even_unverified():
    v = require_licences(vacancy(language_requirements={}), "first_aid_1")
    person = job_seeker()
    factories.LicenceCardFactory(
        participant=person,
        licence_type=factories.licence_type("first_aid_1"),
        issued_on=TODAY - datetime.timedelta(days=10),
        valid_until=v.starts_on,
    )
    [suggestion] = ranked(v)
    assert suggestion.eligible


def test_a_missing_card_with_a_training_in_reach_is_a_gap_naming_the_training():
    v = require_licences(vacancy(language_requirements={}), "hygiene_passport")
    training = factories.TrainingFactory(
        licence_type=factories.licence_type("hygiene_passport"),
        municipality=factories.municipality("249"),
        starts_on=TODAY + datetime.timedelta(days=3),
        ends_on=v.starts_on - datetime.timedelta(days=1),
        seats=5,
    )
    person = job_seeker()
    [suggestion] = ranked(v)
    assert suggestion.participant_id == person.pk
    assert suggestion.eligible is False
    [gap] = suggestion.gaps
    assert gap["criterion"] == "licence:hygiene_passport"
    assert gap["training"]["id"] == str(training.uuid)
    assert gap["training"]["free_seats"] == 5


@pytest.mark.parametrize(
    "case",
    ["ends_after_start", "full", "already_started", "other_area"],
)
def test_a_training_that_cannot_close_the_gap_leaves_the_candidate_out(case):
    v = require_licences(vacancy(language_requirements={}), "hygiene_passport")
    training_kwargs = dict(
        licence_type=factories.licence_type("hygiene_passport"),
        municipality=factories.municipality("182"),
        starts_on=TODAY + datetime.timedelta(days=3),
        ends_on=v.starts_on - datetime.timedelta(days=1),
        seats=1,
    )
    if case == "ends_after_start":
        training_kwargs["ends_on"] = v.starts_on
    if case == "already_started":
        training_kwargs["starts_on"] = TODAY - datetime.timedelta(days=1)
    if case == "other_area":
        training_kwargs["municipality"] = factories.municipality("992")
    training = factories.TrainingFactory(**training_kwargs)
    if case == "full":
        factories.EnrolmentFactory(training=training, participant=job_seeker(status="referred"))
    job_seeker()
    assert ranked(v) == []


@pytest.mark.parametrize(
    ("level", "eligible", "shown"),
    [
        ("A2.1", True, True),
        ("C1.1", True, True),
        ("A1.3", False, True),
        ("A1.2", False, True),
        ("A1.1", False, False),
    ],
)
def test_language_is_judged_per_skill_and_two_sub_levels_short_is_a_gap(level, eligible, shown):
    v = vacancy(language_requirements={"speaking": "A2.1"})
    person = job_seeker()
    speaks(person, speaking=level)
    result = by_participant(ranked(v))
    assert (person.pk in result) is shown
    if shown:
        assert result[person.pk].eligible is eligible
        if not eligible:
            assert result[person.pk].gaps[0]["criterion"] == "language:fi:speaking"


def test_the_latest_assessment_of_each_skill_decides():
    v = vacancy(language_requirements={"speaking": "B1.1", "reading": "A2.1"})
    person = job_seeker()
    speaks(person, speaking="B1.2", reading="A1.1", on=TODAY - datetime.timedelta(days=200))
    speaks(
        person, reading="A2.2", on=TODAY - datetime.timedelta(days=5)
    )  # speaking not re-assessed
    [suggestion] = ranked(v)
    assert suggestion.eligible


def test_a_newer_lower_level_replaces_an_older_higher_one():
    v = vacancy(language_requirements={"speaking": "B1.1"})
    person = job_seeker()
    speaks(person, speaking="B2.1", on=TODAY - datetime.timedelta(days=200))
    speaks(person, speaking="A2.2", on=TODAY - datetime.timedelta(days=5))
    [suggestion] = ranked(v)
    assert suggestion.eligible is False


def test_language_requirements_are_judged_in_the_vacancy_language():
    v = vacancy(language="sv", language_requirements={"speaking": "A2.1"})
    person = job_seeker()
    speaks(person, speaking="C1.1")  # Finnish only
    assert ranked(v) == []
    factories.LanguageAssessmentFactory(
        participant=person,
        language="sv",
        speaking="A2.1",
        reading=None,
        listening=None,
        writing=None,
    )
    assert ranked(v)[0].eligible


def test_more_than_two_gaps_leave_the_candidate_out():
    v = require_licences(
        vacancy(language_requirements={"speaking": "A2.1", "writing": "A2.1"}), "hygiene_passport"
    )
    factories.TrainingFactory(
        licence_type=factories.licence_type("hygiene_passport"),
        starts_on=TODAY + datetime.timedelta(days=1),
        ends_on=v.starts_on - datetime.timedelta(days=1),
    )
    person = job_seeker()
    speaks(person, speaking="A1.3", writing="A1.3")
    assert ranked(v) == []
    speaks(person, speaking="A2.1")
    [suggestion] = ranked(v)
    assert len(suggestion.gaps) == 2


def test_participants_with_an_open_match_for_the_vacancy_are_left_out():
    v = vacancy(language_requirements={})
    person = job_seeker()
    factories.MatchFactory(vacancy=v, participant=person, status="shared")
    assert ranked(v) == []


def test_a_closed_match_does_not_hide_the_participant():
    v = vacancy(language_requirements={})
    person = job_seeker()
    factories.MatchFactory(vacancy=v, participant=person, status="rejected")
    assert [s.participant_id for s in ranked(v)] == [person.pk]


def test_occupation_fit_follows_the_isco_hierarchy():
    v = vacancy(language_requirements={}, occupation=factories.occupation("9112"))
    enrolled = TODAY - datetime.timedelta(days=100)
    unit, minor, sub_major, none = (job_seeker(enrolled_on=enrolled) for _ in range(4))
    for person, code in ((unit, "9112"), (minor, "9111"), (sub_major, "9129")):
        factories.SkillAssessmentFactory(
            participant=person, occupation=factories.occupation(code), level=2
        )
    factories.SkillAssessmentFactory(
        participant=none, occupation=factories.occupation("5120"), level=4
    )
    order = [s.participant_id for s in ranked(v)]
    assert order == [unit.pk, minor.pk, sub_major.pk, none.pk]


def test_skill_level_and_experience_raise_the_score():
    v = vacancy(language_requirements={})
    enrolled = TODAY - datetime.timedelta(days=100)
    novice, expert = job_seeker(enrolled_on=enrolled), job_seeker(enrolled_on=enrolled)
    factories.SkillAssessmentFactory(participant=novice, level=1, years_experience=0)
    factories.SkillAssessmentFactory(participant=expert, level=4, years_experience=12)
    result = by_participant(ranked(v))
    assert result[expert.pk].score > result[novice.pk].score


def test_language_margin_raises_the_score():
    v = vacancy(language_requirements={"speaking": "A2.1"})
    enrolled = TODAY - datetime.timedelta(days=100)
    just, fluent = job_seeker(enrolled_on=enrolled), job_seeker(enrolled_on=enrolled)
    speaks(just, speaking="A2.1")
    speaks(fluent, speaking="B2.1")
    result = by_participant(ranked(v))
    assert result[fluent.pk].score > result[just.pk].score


def test_eligible_first_then_score_then_longest_wait_then_id():
    v = require_licences(vacancy(language_requirements={}), "hygiene_passport")
    factories.TrainingFactory(
        licence_type=factories.licence_type("hygiene_passport"),
        starts_on=TODAY + datetime.timedelta(days=1),
        ends_on=v.starts_on - datetime.timedelta(days=1),
    )
    long_wait = TODAY - datetime.timedelta(days=300)
    near_expert = job_seeker(enrolled_on=long_wait)
    factories.SkillAssessmentFactory(participant=near_expert, level=4, years_experience=10)
    eligible_waiting = job_seeker(enrolled_on=long_wait)
    eligible_new = job_seeker(enrolled_on=TODAY - datetime.timedelta(days=1))
    twin = job_seeker(enrolled_on=long_wait)
    for person in (eligible_waiting, eligible_new, twin):
        factories.LicenceCardFactory(
            participant=person, licence_type=factories.licence_type("hygiene_passport")
        )
    order = [s.participant_id for s in ranked(v)]
    assert order[-1] == near_expert.pk  # near-eligible after every eligible one, despite its score
    assert order[:3] == [eligible_waiting.pk, twin.pk, eligible_new.pk]
    assert all(0 <= s.score <= 100 for s in ranked(v))


def test_only_participants_in_the_callers_scope_are_suggested():
    v = vacancy(language_requirements={})
    mine = job_seeker("182")
    job_seeker("249")
    suggestions = matching.rank_candidates(
        v, scope=Q(municipality_id=mine.municipality_id), today=TODAY
    )
    assert [s.participant_id for s in suggestions] == [mine.pk]


@pytest.fixture
def population():
    v = vacancy(language_requirements={"speaking": "A2.1"})
    people = []
    for index, level in enumerate(["A2.1", "B1.1", "A1.3", "A2.2"]):
        person = job_seeker(enrolled_on=TODAY - datetime.timedelta(days=50 + index))
        speaks(person, speaking=level)
        factories.SkillAssessmentFactory(participant=person, level=1 + index % 4)
        people.append(person)
    baseline = [(s.participant_id, s.score, s.eligible) for s in ranked(v)]
    return v, people, baseline


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    genders=st.lists(
        st.sampled_from(["female", "male", "non_binary", "undisclosed"]), min_size=4, max_size=4
    ),
    births=st.lists(
        st.dates(datetime.date(1950, 1, 1), datetime.date(2005, 12, 31)), min_size=4, max_size=4
    ),
    citizenships=st.lists(
        st.sampled_from(["SY", "SO", "AF", "UA", "XX", "FI"]), min_size=4, max_size=4
    ),
    languages=st.lists(
        st.sampled_from(["ar", "so", "prs", "uk", "fi", "ti"]), min_size=4, max_size=4
    ),
)
def test_protected_attributes_never_move_the_score_or_the_order(
    population, genders, births, citizenships, languages
):
    v, people, baseline = population
    for person, gender, born, citizenship, language in zip(
        people, genders, births, citizenships, languages, strict=True
    ):
        # Test-only raw update: the point is to change nothing but protected attributes.
        Participant.objects.filter(pk=person.pk).update(
            gender=gender, date_of_birth=born, citizenship=citizenship, native_language=language
        )
    assert [(s.participant_id, s.score, s.eligible) for s in ranked(v)] == baseline


def test_the_score_adds_the_documented_weights_and_rounds_half_up():
    # unit group (40) + level 2 of 4 (7.5) + 3.5 years of 10 (3.5) + two of four sub-levels of
    # margin (10) + 365 of 730 days waited (7.5) = 68.5 → 69 (half up, on every database)
    v = vacancy(language_requirements={"speaking": "A2.1"}, occupation=factories.occupation("9112"))
    person = job_seeker(enrolled_on=TODAY - datetime.timedelta(days=365))
    speaks(person, speaking="B1.1")
    factories.SkillAssessmentFactory(
        participant=person, occupation=factories.occupation("9112"), level=2, years_experience=3.5
    )
    (suggestion,) = ranked(v)
    assert suggestion.score == 69
    assert {"name": "occupation", "met": True, "detail": "same unit group, level 2, 3.5 years"} in (
        suggestion.criteria
    )


def test_pages_of_the_ranking_add_up_to_the_whole_ranking():
    v = vacancy(language_requirements={})
    for days in (5, 50, 500, 50, 7, 700, 70):
        job_seeker(enrolled_on=TODAY - datetime.timedelta(days=days))
    whole = [s.participant_id for s in ranked(v)]
    assert len(whole) == 7

    ranking = matching.rank_candidates(v, scope=EVERYONE, today=TODAY)
    ranking.expect(3, 3)
    assert ranking.count() == 7
    assert [s.participant_id for s in ranking[3:6]] == whole[3:6]
    assert [s.participant_id for s in ranking[6:9]] == whole[6:]
    assert ranking[0].participant_id == whole[0]

    past_the_end = matching.rank_candidates(v, scope=EVERYONE, today=TODAY)
    past_the_end.expect(9, 3)
    assert past_the_end.count() == 7
    assert past_the_end[9:12] == []


def test_a_vacancy_nobody_can_fill_has_an_empty_ranking():
    v = require_licences(vacancy(language_requirements={}), "hygiene_passport")
    job_seeker()  # no card, and no training in reach
    ranking = matching.rank_candidates(v, scope=EVERYONE, today=TODAY)
    ranking.expect(0, 50)
    assert ranking.count() == 0
    assert list(ranking) == []
