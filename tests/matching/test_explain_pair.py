"""One vacancy and participant judged as the ranking judges them (``matching.explain_pair``):
what a proposed match stores (docs/domain.md Match)."""

import datetime

import pytest

from casework import matching
from tests import factories
from tests.matching.test_ranking import EVERYONE, job_seeker, require_licences, speaks, vacancy

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def _suggestion_in_ranking(v, person):
    ranking = list(matching.rank_candidates(v, scope=EVERYONE, today=TODAY))
    return next(s for s in ranking if s.participant_id == person.pk)


def _eligible(v):
    person = job_seeker()
    speaks(person, speaking="B1.1")
    factories.SkillAssessmentFactory(participant=person)
    return person


def _short_of_language(v):
    person = job_seeker(status="active")
    speaks(person, speaking="A1.2")  # two sub-levels short of A2.1
    return person


def _card_gap_closed_by_training(v):
    require_licences(v, "occupational_safety")
    factories.TrainingFactory(
        licence_type=factories.licence_type("occupational_safety"),
        starts_on=TODAY + DAY,
        ends_on=TODAY + 2 * DAY,
    )
    person = job_seeker()
    speaks(person, speaking="A2.1")
    return person


@pytest.mark.parametrize(
    "given", [_eligible, _short_of_language, _card_gap_closed_by_training], ids=lambda f: f.__name__
)
def test_a_candidate_in_reach_is_explained_exactly_as_the_ranking_explains_it(given):
    v = vacancy()
    person = given(v)
    v.refresh_from_db()

    pair = matching.explain_pair(v, person, today=TODAY)

    assert pair == _suggestion_in_ranking(v, person)


def _criterion(suggestion, name):
    return next(c for c in suggestion.criteria if c["name"] == name)


def test_a_participant_outside_the_area_is_judged_with_the_place_as_a_gap():
    v = vacancy()
    person = job_seeker(code="992")  # Äänekoski: another employment area than Jämsä
    speaks(person, speaking="A2.1")

    pair = matching.explain_pair(v, person, today=TODAY)

    assert _criterion(pair, "location")["met"] is False
    assert [gap["criterion"] for gap in pair.gaps] == ["location"]
    assert pair.eligible is False
    assert 0 <= pair.score <= 100


def test_a_skill_never_assessed_and_a_card_no_training_closes_are_gaps():
    v = require_licences(vacancy(), "forklift")
    person = job_seeker()  # no language assessment, no card, no training in reach

    pair = matching.explain_pair(v, person, today=TODAY)

    assert _criterion(pair, "language:fi:speaking") == {
        "name": "language:fi:speaking",
        "met": False,
        "detail": "no fi assessment of speaking",
    }
    assert _criterion(pair, "licence:forklift")["met"] is False
    assert {gap["criterion"]: gap["training"] for gap in pair.gaps} == {
        "licence:forklift": None,
        "language:fi:speaking": None,
    }
    assert pair.eligible is False


def test_the_stored_explanation_is_the_suggestion_without_the_person():
    v = vacancy()
    person = _eligible(v)

    explanation = matching.explanation_of(matching.explain_pair(v, person, today=TODAY))

    assert set(explanation) == {"eligible", "criteria", "gaps"}
    assert explanation["eligible"] is True
    assert person.last_name not in str(explanation)
