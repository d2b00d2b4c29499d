"""``LatestLanguageLevels`` (derived data) always says what the language assessments say: the
latest assessed level of each skill, per participant and language, whatever the order of the
writes, the back-dating, the gaps and the corrections."""

import datetime
import threading
import time

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import language_levels, latest_levels
from assessments.models import LanguageAssessment, LatestLanguageLevels
from assessments.services import language_assessment_create, language_assessment_update
from core.actors import system_actor
from tests import factories
from tests.races import race, real_race

TODAY = factories.TODAY
LEVEL = st.one_of(st.none(), st.sampled_from(language_levels.LEVELS))
ASSESSMENT = st.fixed_dictionaries(
    {
        "person": st.integers(0, 1),
        "language": st.sampled_from(["fi", "sv"]),
        "days_ago": st.integers(0, 40),  # several on one day: the higher id is the later
        **{skill: LEVEL for skill in language_levels.SKILLS},
    }
)


def oracle(people) -> dict[tuple[int, str], dict[str, int | None]]:
    """Latest level (its rank) per (participant, language, skill), from the assessments."""
    rows = (
        LanguageAssessment.objects.filter(participant__in=people)
        .order_by("assessed_on", "id")
        .values()
    )
    latest: dict[tuple[int, str], dict[str, int | None]] = {}
    for row in rows:
        levels = latest.setdefault(
            (row["participant_id"], row["language"]), dict.fromkeys(language_levels.SKILLS)
        )
        for skill in language_levels.SKILLS:
            if row[skill] is not None:
                levels[skill] = language_levels.rank(row[skill])
    return latest


def derived(people) -> dict[tuple[int, str], dict[str, int | None]]:
    return {
        (row["participant_id"], row["language"]): {s: row[s] for s in language_levels.SKILLS}
        for row in LatestLanguageLevels.objects.filter(participant__in=people).values()
    }


def two_people():
    return [factories.ParticipantFactory(status="active") for _ in range(2)]


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    writes=st.lists(ASSESSMENT, min_size=1, max_size=8),
    corrections=st.lists(st.tuples(st.integers(0, 7), LEVEL, st.integers(0, 40)), max_size=3),
)
def test_the_derived_levels_follow_every_create_and_correction(writes, corrections):
    people = two_people()
    created = []
    for write in writes:
        levels = {skill: write[skill] for skill in language_levels.SKILLS}
        if not any(levels.values()):
            levels["speaking"] = "A1.1"  # an assessment assesses at least one skill
        created.append(
            language_assessment_create(
                actor=system_actor(),
                participant=people[write["person"]],
                language=write["language"],
                assessed_on=TODAY - datetime.timedelta(days=write["days_ago"]),
                instrument="course_test",
                **levels,
            )
        )
    for index, speaking, days_ago in corrections:
        if index < len(created):
            assessment = LanguageAssessment.objects.get(pk=created[index].pk)
            if speaking is None and not any(
                getattr(assessment, s) for s in ("reading", "listening", "writing")
            ):
                continue
            language_assessment_update(
                actor=system_actor(),
                assessment=assessment,
                data={"speaking": speaking, "assessed_on": TODAY - datetime.timedelta(days_ago)},
            )

    assert derived(people) == oracle(people)


@pytest.mark.django_db
def test_a_full_rebuild_gives_the_same_rows():
    people = two_people()
    for person, level in zip(people, ("A2.1", "B1.2"), strict=True):
        factories.LanguageAssessmentFactory(participant=person, speaking=level, writing=None)
    before = derived(people)
    LatestLanguageLevels.objects.all().delete()  # derived data: not guarded, rebuilt below

    latest_levels.sync()

    assert derived(people) == before == oracle(people)
    assert len(before) == 2


# Two counsellors recording assessments of one participant at the same moment ------------------


@real_race
@pytest.mark.parametrize("earlier", [False, True], ids=["first levels", "levels already kept"])
def test_two_assessments_recorded_at_once_both_count(earlier):
    # given a participant, with or without derived levels already
    person = factories.ParticipantFactory(status="active")
    if earlier:
        factories.LanguageAssessmentFactory(participant=person, reading="A1.1", writing=None)
    first_written = threading.Event()

    def first():
        with transaction.atomic():
            language_assessment_create(
                actor=system_actor(), participant=person, language="fi",
                assessed_on=TODAY, instrument="course_test", reading="B1.1",
            )  # fmt: skip
            first_written.set()
            time.sleep(0.5)  # the second writer arrives while this one has not committed

    def second():
        first_written.wait(timeout=10)
        language_assessment_create(
            actor=system_actor(), participant=person, language="fi",
            assessed_on=TODAY, instrument="course_test", speaking="A2.1",
        )  # fmt: skip

    # when both write at once
    outcomes = race(first, second)

    # then neither failed and the derived levels hold both
    assert outcomes == [None, None]
    assert derived([person]) == oracle([person])
    assert derived([person])[(person.pk, "fi")]["speaking"] == language_levels.rank("A2.1")
    assert derived([person])[(person.pk, "fi")]["reading"] == language_levels.rank("B1.1")
