"""seed_demo gives each demo counsellor a worklist: some items overdue, some due soon, and some
participants clear (DESIGN §10, issue 11 item 9)."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

from plans.models import Appointment, Plan, PlanReview, ServiceNeedsAssessment
from tests.api.conftest import client_for


def test_every_demo_counsellor_opens_a_worklist_with_overdue_and_due_soon_items():
    call_command("seed_demo", "--per-municipality", "15", stdout=io.StringIO())
    assert {status for status in Plan.objects.values_list("status", flat=True)} == {
        "draft",
        "agreed",
        "ended",
    }
    assert ServiceNeedsAssessment.objects.exists() and PlanReview.objects.exists()
    assert set(Appointment.objects.values_list("status", flat=True)) >= {"held", "missed"}
    counsellors = get_user_model().objects.filter(username__startswith="counsellor.")
    assert counsellors.count() == 9
    for counsellor in counsellors:
        results = client_for(counsellor).get("/api/v1/worklist/", {"page_size": 200}).json()
        states = {item["state"] for item in results["results"]}
        assert {"overdue", "due_soon"} <= states, counsellor.username
    # running it again changes nothing
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "nothing changed" in out.getvalue()
