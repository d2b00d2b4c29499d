"""``GET worklist/``: scope, filters, order, pagination, the access log and bad input."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AccessEvent, AccessEventSubject
from tests import factories
from tests.api.conftest import bearer_client
from tests.worklist.builders import BUILDERS, participant
from tests.worklist.conftest import TODAY

DAY = datetime.timedelta(days=1)
URL = "/api/v1/worklist/"


def _get(api, **params):
    response = api.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_items_are_ordered_by_due_date_then_participant(api, counsellor):
    # given items due on three days, two on the same day
    late = participant(counsellor, last_name="Aalto", enrolled_on=TODAY - 61 * DAY)
    early = participant(counsellor, last_name="Virtanen", enrolled_on=TODAY - 70 * DAY)
    same_day = participant(counsellor, last_name="Korhonen", enrolled_on=TODAY - 61 * DAY)
    # when
    results = _get(api, rule="no_contact")["results"]
    # then
    assert [item["participant"] for item in results] == [
        str(early.uuid),
        str(late.uuid),
        str(same_day.uuid),
    ]
    assert results[0] == {
        "participant": str(early.uuid),
        "participant_name": f"{early.first_name} Virtanen",
        "rule": "no_contact",
        "due_on": (TODAY - 10 * DAY).isoformat(),
        "state": "overdue",
        "detail": "No contact with the client",
        "object": {"type": "participant", "id": str(early.uuid)},
    }


def test_counsellor_me_any_and_a_colleague(api, counsellor):
    # given my participant, a colleague's, and an unassigned one, all overdue
    colleague = factories.counsellor("182", username="colleague.jamsa")
    mine = participant(counsellor, enrolled_on=TODAY - 100 * DAY)
    theirs = participant(colleague, enrolled_on=TODAY - 100 * DAY)
    nobodys = participant(None, enrolled_on=TODAY - 100 * DAY)

    # when / then
    def ids(**params):
        return {item["participant"] for item in _get(api, rule="no_contact", **params)["results"]}

    assert ids() == {str(mine.uuid)}
    assert ids(counsellor="me") == {str(mine.uuid)}
    assert ids(counsellor="colleague.jamsa") == {str(theirs.uuid)}
    assert ids(counsellor="any") == {str(mine.uuid), str(theirs.uuid), str(nobodys.uuid)}


def test_another_municipality_stays_out_even_for_any(api, counsellor):
    # given an overdue participant in Äänekoski, outside the caller's municipalities
    other = factories.counsellor("992", username="counsellor.aanekoski")
    participant(other, municipality=factories.municipality("992"), enrolled_on=TODAY - 99 * DAY)
    # then
    assert _get(api, counsellor="any")["count"] == 0


def test_municipality_state_and_due_before_filters(api, counsellor):
    # given items overdue, due soon and upcoming
    overdue, _ = BUILDERS["no_contact"](counsellor, TODAY - DAY, TODAY)
    soon, _ = BUILDERS["no_contact"](counsellor, TODAY + 3 * DAY, TODAY)
    later, _ = BUILDERS["no_contact"](counsellor, TODAY + 20 * DAY, TODAY)

    def ids(**params):
        return [item["participant"] for item in _get(api, rule="no_contact", **params)["results"]]

    # then
    assert ids() == [str(overdue.uuid), str(soon.uuid), str(later.uuid)]
    assert ids(state="overdue") == [str(overdue.uuid)]
    assert ids(state="due_soon") == [str(soon.uuid)]
    assert ids(state="upcoming") == [str(later.uuid)]
    assert ids(due_before=(TODAY + 3 * DAY).isoformat()) == [str(overdue.uuid), str(soon.uuid)]
    assert ids(municipality="182") == [str(overdue.uuid), str(soon.uuid), str(later.uuid)]


def test_the_default_horizon_is_thirty_days(api, counsellor):
    inside, _ = BUILDERS["no_contact"](counsellor, TODAY + 30 * DAY, TODAY)
    BUILDERS["no_contact"](counsellor, TODAY + 31 * DAY, TODAY)
    assert [i["participant"] for i in _get(api)["results"]] == [str(inside.uuid)]


@pytest.mark.parametrize(
    "params,field",
    [
        ({"rule": "nonsense"}, "rule"),
        ({"state": "late"}, "state"),
        ({"due_before": "31.12.2026"}, "due_before"),
        ({"due_before": "2026-02-30"}, "due_before"),
        ({"municipality": "992"}, "municipality"),  # not the caller's
        ({"municipality": "999"}, "municipality"),
        ({"counsellor": "nobody"}, "counsellor"),
        ({"counsellor": "counsellor.aanekoski"}, "counsellor"),  # not a colleague
    ],
)
def test_a_bad_filter_answers_400_in_the_envelope(api, params, field):
    factories.counsellor("992", username="counsellor.aanekoski")
    response = api.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in body["errors"]
    assert AccessEvent.objects.count() == 0


def test_pages_and_counts(api, counsellor):
    people = [participant(counsellor, enrolled_on=TODAY - (70 + n) * DAY) for n in range(5)]
    first = _get(api, page_size=2)
    assert first["count"] == 5 and len(first["results"]) == 2 and first["next"]
    last = _get(api, page_size=2, page=3)
    assert last["count"] == 5 and len(last["results"]) == 1 and last["previous"]
    assert last["results"][0]["participant"] == str(people[0].uuid)
    assert api.get(URL, {"page_size": 2, "page": 4}).status_code == 404


def test_the_read_is_access_logged_for_each_participant_shown(api, counsellor):
    shown = [participant(counsellor, enrolled_on=TODAY - 100 * DAY) for _ in range(2)]
    _get(api)
    event = AccessEvent.objects.get()
    assert (event.action, event.role, event.user_id) == (
        "worklist:list",
        "counsellor",
        counsellor.pk,
    )
    assert set(AccessEventSubject.objects.values_list("participant_id", flat=True)) == {
        p.pk for p in shown
    }


def test_any_runs_as_many_queries_for_a_full_page_as_for_one_row(counsellor):
    client = bearer_client(counsellor)
    participant(None, enrolled_on=TODAY - 100 * DAY)
    client.get("/api/v1/licence-types/")

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, {"counsellor": "any", "page_size": 20})
        return len(captured), len(response.json()["results"])

    one, rows = queries()
    assert rows == 1
    for _ in range(25):
        participant(None, enrolled_on=TODAY - 100 * DAY)
    full, rows = queries()
    assert rows == 20
    assert full == one
