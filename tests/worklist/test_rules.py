"""Every worklist rule on its boundary days (due yesterday → overdue, today + 14 → due_soon,
today + 15 → upcoming), and the event that clears it (docs/domain.md#plans-appointments-and-the-worklist)."""

from __future__ import annotations

import datetime

import pytest

from plans.worklist.rules import Rule
from tests.worklist.builders import BUILDERS
from tests.worklist.conftest import TODAY

DAY = datetime.timedelta(days=1)

BOUNDARIES = [
    pytest.param(-1, "overdue", id="yesterday-overdue"),
    pytest.param(0, "due_soon", id="today-due_soon"),
    pytest.param(14, "due_soon", id="plus14-due_soon"),
    pytest.param(15, "upcoming", id="plus15-upcoming"),
]


def items_of(api, rule: str, **params) -> list[dict]:
    response = api.get("/api/v1/worklist/", {"rule": rule, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_every_rule_has_a_builder():
    assert set(BUILDERS) == {rule.value for rule in Rule}


@pytest.mark.parametrize("offset,state", BOUNDARIES)
@pytest.mark.parametrize("rule", [rule.value for rule in Rule])
def test_rule_on_its_boundary_days(api, counsellor, rule, offset, state):
    # given data that make the rule due on the boundary day
    due = TODAY + offset * DAY
    person, _ = BUILDERS[rule](counsellor, due, TODAY)
    # when the counsellor reads the worklist
    found = [item for item in items_of(api, rule) if item["participant"] == str(person.uuid)]
    # then the item is there with its due date and state (a consent that expired yesterday is
    # no longer valid, so there is nothing to renew)
    if rule == Rule.CONSENT_EXPIRING and offset < 0:
        assert found == []
        return
    assert [(item["rule"], item["due_on"], item["state"]) for item in found] == [
        (rule, due.isoformat(), state)
    ]
    assert found[0]["participant_name"] == f"{person.first_name} {person.last_name}"
    assert found[0]["detail"]


@pytest.mark.parametrize("rule", [rule.value for rule in Rule if rule is not Rule.RETENTION_DUE])
def test_the_event_that_clears_the_rule(api, counsellor, rule):
    # given an overdue item (a consent due in three days: an expired one is not valid)
    due = TODAY + 3 * DAY if rule == Rule.CONSENT_EXPIRING else TODAY - 3 * DAY
    person, clear = BUILDERS[rule](counsellor, due, TODAY)
    mine = lambda: [i for i in items_of(api, rule) if i["participant"] == str(person.uuid)]  # noqa: E731
    assert len(mine()) == 1
    # when the counsellor does what is due
    clear()
    # then the item is gone (the next deadline of the kind lies beyond the default horizon)
    assert mine() == []


def test_exited_participants_leave_every_rule_but_follow_up_and_retention(api, counsellor):
    # given a participant with items under several rules
    person, _ = BUILDERS["no_contact"](counsellor, TODAY - DAY, TODAY)
    BUILDERS["card_expiring"](counsellor, TODAY + DAY, TODAY)
    assert items_of(api, "no_contact")
    # when they exit
    from tests.worklist.builders import change

    change(person, status="exited", exited_on=TODAY, exit_reason="moved_away")
    # then their items go, apart from the follow-up and retention rules
    assert [i for i in items_of(api, "no_contact") if i["participant"] == str(person.uuid)] == []
