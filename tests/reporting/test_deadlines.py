"""The dashboards' ``deadlines`` block (docs/domain.md#plans-appointments-and-the-worklist): persons with an overdue worklist item per
rule, suppressed like every other count, numbers only, carried by the rollups."""

from __future__ import annotations

import datetime

from plans.worklist.rules import Rule
from reporting.dashboards import municipality_dashboard
from reporting.rollups import pilot_dashboard_precomputed, refresh_rollups
from tests import factories
from tests.api.conftest import client_for
from tests.reporting.conftest import TODAY, participant

DAY = datetime.timedelta(days=1)


def _caseload(jamsa):
    # five active persons without contact for 100 days (no_contact overdue), two of whom also
    # hold a card that expired last week (card_expiring overdue)
    people = [participant(jamsa, status="active", enrolled_on=TODAY - 100 * DAY) for _ in range(5)]
    for person in people[:2]:
        factories.LicenceCardFactory(
            participant=person, issued_on=TODAY - 900 * DAY, valid_until=TODAY - 7 * DAY
        )
    return people


def test_overdue_persons_per_rule_suppressed_like_every_count(jamsa):
    _caseload(jamsa)
    answer = municipality_dashboard(jamsa)
    assert set(answer["deadlines"]) == {rule.value for rule in Rule}
    assert answer["deadlines"]["no_contact"] == 5
    assert answer["deadlines"]["card_expiring"] is None  # two persons
    assert "deadlines.card_expiring" in answer["suppressed_cells"]
    assert answer["deadlines"]["plan_due"] == 0


def test_a_manager_sees_the_numbers_and_no_names(jamsa):
    people = _caseload(jamsa)
    response = client_for(factories.manager("182")).get("/api/v1/municipalities/182/dashboard/")
    assert response.status_code == 200
    assert response.json()["deadlines"]["no_contact"] == 5
    body = response.content.decode()
    for person in people:
        assert person.last_name not in body and str(person.uuid) not in body


def test_the_rollups_carry_the_deadlines(jamsa, aanekoski):
    _caseload(jamsa)
    _caseload(aanekoski)
    refresh_rollups()
    assert pilot_dashboard_precomputed()["deadlines"]["no_contact"] == 10
