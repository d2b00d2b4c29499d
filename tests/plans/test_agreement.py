"""Agreeing a plan: every rule of DESIGN §10 with its boundary (ADR 15 cites each source). A
refused agreement changes nothing and adds no history row."""

import datetime

import pytest

from core.errors import ConflictWithErrors, InvalidTransition, ValidationFailed
from core.validation import today
from plans import services
from plans.models import Plan
from tests import factories

D = datetime.date
DAY = datetime.timedelta(days=1)


@pytest.fixture
def counsellor():
    return factories.counsellor("182")


def participant(**fields):
    fields.setdefault("date_of_birth", D(1990, 3, 15))
    person = factories.ParticipantFactory(**fields)
    factories.ServiceNeedsAssessmentFactory(participant=person, completed=True)
    return person


def draft(person, **fields):
    return factories.PlanFactory(participant=person, **fields)


def agree(plan, actor, on=None):
    return services.plan_transition(actor=actor, plan=plan, to="agreed", on=on)


def refusal(plan, actor):
    """The errors of a refused agreement, after checking that nothing changed."""
    before = Plan.objects.get(pk=plan.pk)
    history = plan.history.count()
    with pytest.raises(ConflictWithErrors) as raised:
        agree(plan, actor)
    after = Plan.objects.get(pk=plan.pk)
    assert (after.status, after.version, plan.history.count()) == (
        before.status,
        before.version,
        history,
    )
    assert raised.value.code == "plan_incomplete"
    return raised.value.errors


def test_a_complete_integration_plan_is_agreed_with_a_history_row(counsellor):
    plan = draft(participant())

    agreed = agree(plan, counsellor)

    assert (agreed.status, agreed.agreed_on, agreed.version) == ("agreed", today(), 2)
    latest = agreed.history.latest("history_id")
    assert (latest.history_user, latest.history_change_reason) == (counsellor, "plan agreed")


def test_every_missing_piece_is_named_at_once(counsellor):
    person = factories.ParticipantFactory()  # no assessment
    services_without_justification = [{**factories.plan_services()[0], "justification": ""}]
    plan = draft(person, goals=[], services=services_without_justification, rights_explained=False)

    errors = refusal(plan, counsellor)

    assert set(errors) == {
        "goals",
        "services.0.justification",
        "rights_explained",
        "service_needs_assessment",
    }
    assert len(errors["goals"]) == 2  # a long-term and a period goal


@pytest.mark.parametrize("plan_needed", [False, None])
def test_an_integration_plan_needs_an_assessment_that_found_a_plan_needed(counsellor, plan_needed):
    person = factories.ParticipantFactory()
    factories.ServiceNeedsAssessmentFactory(participant=person, plan_needed=plan_needed)

    assert set(refusal(draft(person), counsellor)) == {"service_needs_assessment"}


def test_an_employment_plan_needs_no_assessment(counsellor):
    plan = draft(factories.ParticipantFactory(), kind="employment")

    assert agree(plan, counsellor).status == "agreed"


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "agreeable"),
    [
        (D(2026, 3, 1), D(2027, 3, 1), True),  # exactly one year
        (D(2026, 3, 1), D(2027, 3, 2), False),  # a day more
        (D(2024, 2, 29), D(2025, 2, 28), True),  # from a leap day
        (D(2024, 2, 29), D(2025, 3, 1), False),
    ],
)
def test_the_first_integration_plan_lasts_at_most_one_year(
    counsellor, starts_on, ends_on, agreeable
):
    plan = draft(participant(), starts_on=starts_on, ends_on=ends_on)

    if agreeable:
        assert agree(plan, counsellor).status == "agreed"
    else:
        assert "ends_on" in refusal(plan, counsellor)


ADULT = D(1990, 3, 15)


def second_plan(counsellor, *, ends_on, extensions=(), date_of_birth=ADULT):
    """A second integration plan; the first one started on 1 March 2025."""
    person = participant(date_of_birth=date_of_birth)
    first = draft(person, starts_on=D(2025, 3, 1), ends_on=D(2026, 2, 28))
    agree(first, counsellor, on=D(2025, 3, 1))
    return draft(person, starts_on=D(2026, 3, 1), ends_on=ends_on, extensions=list(extensions))


@pytest.mark.parametrize(("ends_on", "agreeable"), [(D(2027, 3, 1), True), (D(2027, 3, 2), False)])
def test_integration_plans_end_at_most_two_years_after_the_first_started(
    counsellor, ends_on, agreeable
):
    plan = second_plan(counsellor, ends_on=ends_on)

    if agreeable:
        assert agree(plan, counsellor).status == "agreed"
    else:
        assert list(refusal(plan, counsellor)) == ["ends_on"]


def extension(until, code="low_education_multi_sector", reason="Little prior schooling."):
    return {"until": until.isoformat(), "reason_code": code, "reason": reason}


@pytest.mark.parametrize(
    ("extensions", "ends_on", "refused"),
    [
        # discretionary: together at most two years beyond the limit of 1 March 2027
        ([extension(D(2029, 3, 1))], D(2029, 3, 1), set()),
        ([extension(D(2029, 3, 2))], D(2029, 3, 2), {"extensions.0.until"}),
        (
            [extension(D(2028, 3, 1)), extension(D(2029, 3, 2), "home_care_allowance_part_time")],
            D(2029, 3, 1),
            {"extensions.1.until"},
        ),
        # the end must stay within the extension
        ([extension(D(2028, 3, 1))], D(2028, 3, 2), {"ends_on"}),
        # illness, injury, pregnancy or parental days: as long as they lasted, with a reason
        ([extension(D(2031, 1, 1), "illness_injury_pregnancy_parental")], D(2031, 1, 1), set()),
        (
            [extension(D(2031, 1, 1), "illness_injury_pregnancy_parental", reason="")],
            D(2031, 1, 1),
            {"extensions.0.reason"},
        ),
        # an extension that does not reach beyond the limit is a mistake
        ([extension(D(2027, 3, 1))], D(2027, 3, 1), {"extensions.0.until"}),
    ],
)
def test_extensions_move_the_two_year_limit(counsellor, extensions, ends_on, refused):
    plan = second_plan(counsellor, ends_on=ends_on, extensions=extensions)

    if refused:
        assert set(refusal(plan, counsellor)) == refused
    else:
        assert agree(plan, counsellor).status == "agreed"


@pytest.mark.parametrize(
    ("date_of_birth", "until", "refused"),
    [
        (D(2004, 1, 1), D(2028, 3, 1), set()),  # 23 at the limit: one more year
        (D(2004, 1, 1), D(2028, 3, 2), {"extensions.0.until"}),
        (D(1990, 1, 1), D(2028, 3, 1), {"extensions.0.reason_code"}),  # not under 25
    ],
)
def test_the_studies_extension_is_one_year_for_the_under_25s(
    counsellor, date_of_birth, until, refused
):
    plan = second_plan(
        counsellor,
        ends_on=until,
        extensions=[extension(until, "studies_under_25")],
        date_of_birth=date_of_birth,
    )

    if refused:
        assert set(refusal(plan, counsellor)) == refused
    else:
        assert agree(plan, counsellor).status == "agreed"


def job_seeker_plan(**fields):
    person = participant(job_seeker_since=today() - 10 * DAY)
    return draft(person, **fields)


def obligation(applications, period_months=1, reason=""):
    return {"applications": applications, "period_months": period_months, "reason": reason}


@pytest.mark.parametrize(
    ("job_search_obligation", "refused"),
    [
        (obligation(4), set()),
        (obligation(3), {"job_search_obligation.reason"}),
        (obligation(3, reason="Works part-time."), set()),
        (obligation(12, 3), set()),
        (obligation(11, 3), {"job_search_obligation.reason"}),
        (obligation(1, 3, reason="Laid off part-time."), set()),
        (None, {"job_search_obligation"}),
    ],
)
def test_a_job_seekers_plan_sets_a_job_search_obligation(
    counsellor, job_search_obligation, refused
):
    plan = job_seeker_plan(job_search_obligation=job_search_obligation)

    if refused:
        assert set(refusal(plan, counsellor)) == refused
    else:
        assert agree(plan, counsellor).status == "agreed"


def test_a_job_seekers_plan_needs_an_employment_or_entrepreneurship_goal(counsellor):
    goals = [
        {"horizon": "long_term", "kind": "language", "text": "B1", "achieved_on": None},
        {"horizon": "period", "kind": "integration", "text": "Civics", "achieved_on": None},
    ]
    plan = job_seeker_plan(goals=goals, job_search_obligation=obligation(4))

    assert set(refusal(plan, counsellor)) == {"goals"}

    goals = [*goals, {"horizon": "long_term", "kind": "entrepreneurship", "text": "Cafe"}]
    updated = services.plan_update(actor=counsellor, plan=plan, data={"goals": goals})
    assert agree(updated, counsellor).status == "agreed"


def test_under_25_without_an_education_goal_warns_but_agrees(counsellor):
    person = participant(date_of_birth=D(today().year - 20, 1, 1))
    plan = services.plan_create(
        actor=counsellor,
        participant=person,
        data={
            "kind": "integration",
            "starts_on": today(),
            "ends_on": today() + 100 * DAY,
            "goals": factories.plan_goals(),
            "services": factories.plan_services(),
            "rights_explained": True,
        },
    )
    assert [w["code"] for w in plan.warnings] == ["education_goal_missing"]

    assert agree(plan, counsellor).status == "agreed"

    with_education = [*plan.goals, {"horizon": "period", "kind": "education", "text": "Lukio"}]
    draft_two = services.plan_create(
        actor=counsellor, participant=person, data={"kind": "integration", "goals": with_education}
    )
    assert draft_two.warnings == []


def test_agreeing_ends_the_previous_agreed_plan_of_the_same_kind_only(counsellor):
    person = participant()
    old = agree(draft(person, starts_on=today() - 200 * DAY, ends_on=today()), counsellor)
    other_kind = agree(draft(person, kind="employment"), counsellor)
    new = draft(person, starts_on=today(), ends_on=today() + 100 * DAY)

    agree(new, counsellor)

    old.refresh_from_db()
    other_kind.refresh_from_db()
    assert (old.status, old.ended_on) == ("ended", today())
    assert old.history.latest("history_id").history_change_reason == (
        "replaced by a newly agreed plan"
    )
    assert other_kind.status == "agreed"


def test_plan_transitions(counsellor):
    plan = draft(participant())

    with pytest.raises(ValidationFailed):
        services.plan_transition(actor=counsellor, plan=plan, to="agreed", on=today() + DAY)
    ended = services.plan_transition(actor=counsellor, plan=plan, to="ended", reason="moved")

    assert (ended.status, ended.ended_on, ended.agreed_on) == ("ended", today(), None)
    assert ended.history.latest("history_id").history_change_reason == "moved"
    with pytest.raises(InvalidTransition):
        agree(ended, counsellor)
