"""Two counsellors agree two drafts of one participant at the same moment (PostgreSQL): exactly
one plan of the kind ends up agreed. Either the second request met the first one's new plan and
answers a conflict changing nothing, or it ran after the first committed and replaced it."""

from core.errors import Conflict
from plans import services
from plans.models import Plan
from tests import factories
from tests.races import race, real_race


@real_race
def test_concurrent_agreements_leave_one_agreed_plan():
    counsellor = factories.counsellor("182")
    person = factories.ParticipantFactory()
    factories.ServiceNeedsAssessmentFactory(participant=person, completed=True)
    first, second = factories.PlanFactory.create_batch(2, participant=person)

    outcomes = race(
        lambda: services.plan_transition(actor=counsellor, plan=first, to="agreed"),
        lambda: services.plan_transition(actor=counsellor, plan=second, to="agreed"),
    )

    assert all(isinstance(o, Plan | Conflict) for o in outcomes), outcomes
    assert Plan.objects.filter(participant=person, status="agreed").count() == 1
    statuses = sorted(Plan.objects.filter(participant=person).values_list("status", flat=True))
    if any(isinstance(o, Conflict) for o in outcomes):
        assert statuses == ["agreed", "draft"]
        assert Plan.objects.get(status="draft", participant=person).version == 1
    else:
        assert statuses == ["agreed", "ended"]
