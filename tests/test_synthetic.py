"""bench/synthetic.py: synthetic data at national scale, run here at a tiny scale."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from assessments.models import LanguageAssessment, LicenceCard, SkillAssessment, Training
from bench import synthetic
from casework.access import access_of, employer_of, municipality_ids_for
from casework.management.commands.seed_demo import audited_models
from casework.models import Employer, Match, Outcome, Participant, Vacancy
from core.actors import SYSTEM_USERNAME
from municipalities.models import EmploymentArea, Municipality
from tests import factories

METHODS = ["orm", pytest.param("copy", marks=pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY needs PostgreSQL"))]  # fmt: skip


def generate(*arguments: str) -> tuple[dict, str]:
    out = StringIO()
    result = synthetic.main([*arguments, "--no-vacuum", "--no-progress"], out=out)
    if connection.vendor == "postgresql":
        # The test runs in one transaction: check the deferred foreign keys now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return result, out.getvalue()


def near(count: int, target: float) -> bool:
    return 0.7 * target <= count <= 1.3 * target


@pytest.mark.parametrize("method", METHODS)
def test_generator_writes_scaled_volumes_with_history(method):
    result, output = generate("--participants", "200", "--method", method)

    scale = 200 / 1_000_000
    assert Participant.objects.count() == 200
    working = Participant.objects.filter(status__in=["active", "job_seeking"]).count()
    assert 0.2 <= working / 200 <= 0.4
    assert Municipality.objects.count() == 9  # 300 scaled is less than the nine real ones
    assert Employer.objects.count() == 10
    assert Vacancy.objects.count() == 40
    assert Training.objects.count() == 9
    assert near(Match.objects.count(), 2_000_000 * scale)
    assert near(LanguageAssessment.objects.count(), 2_000_000 * scale)
    assert near(SkillAssessment.objects.count(), 1_500_000 * scale)
    assert near(LicenceCard.objects.count(), 1_500_000 * scale)
    assert LicenceCard.objects.exclude(enrolment=None).exists()
    assert Outcome.objects.exclude(match=None).exists()
    assert Participant.objects.exclude(identity_code_hash=None).exists()
    assert result["timings"]["participants"]["rows"] == 200
    assert "participants" in output and "database size" in output
    assert_every_row_has_history_naming_the_system_actor_and_a_reason()
    assert_bench_users_hold_their_roles()


def assert_every_row_has_history_naming_the_system_actor_and_a_reason():
    for model in audited_models():
        rows = model.objects.count()
        history = model.history.model.objects
        if model in (Municipality, EmploymentArea) or model._meta.model_name == "licencetype":
            continue  # reference data from the migrations
        assert history.count() >= rows, model
        assert not history.filter(history_user__isnull=True).exists(), model
        assert not history.filter(history_change_reason__isnull=True).exists(), model
        assert not history.filter(history_change_reason="").exists(), model
    # A participant's history retraces its transitions, one version each.
    for participant in Participant.objects.filter(status="exited")[:20]:
        rows = list(participant.history.order_by("history_id"))
        assert rows[0].history_type == "+" and rows[0].status == "referred"
        assert rows[-1].status == "exited" and rows[-1].exit_reason == participant.exit_reason
        assert [row.version for row in rows] == list(range(1, participant.version + 1))
        assert {row.history_user.username for row in rows} == {SYSTEM_USERNAME}
    hired = Match.objects.filter(status="hired").first()
    assert [row.status for row in hired.history.order_by("history_id")] == [
        "proposed", "shared", "interview", "hired"
    ]  # fmt: skip


def assert_bench_users_hold_their_roles():
    users = get_user_model().objects
    jyvaskyla = Municipality.objects.get(code="179")  # the largest municipality
    counsellor = users.get(username="bench.counsellor")
    manager = users.get(username="bench.manager")
    coordinator = users.get(username="bench.coordinator")
    employer = users.get(username="bench.employer")
    for user in (counsellor, manager, coordinator, employer):
        assert user.check_password("bench-pass")
    assert municipality_ids_for(counsellor, "counsellor") == {jyvaskyla.pk}
    assert municipality_ids_for(manager, "manager") == {jyvaskyla.pk}
    assert access_of(coordinator).is_pilot_coordinator
    assert employer_of(employer).municipality == jyvaskyla
    assert Participant.objects.filter(counsellor=counsellor, municipality=jyvaskyla).exists()


def test_extra_municipalities_get_unused_codes_and_employment_areas():
    generate("--participants", "50", "--municipalities", "20")

    assert Municipality.objects.count() == 20
    synthetic_areas = EmploymentArea.objects.filter(code__startswith="synteettinen-")
    assert synthetic_areas.count() == 2  # eleven new municipalities, seven to an area
    for area in synthetic_areas:
        assert area.lead_municipality.employment_area == area
    new = Municipality.objects.filter(employment_area__in=synthetic_areas)
    assert new.count() == 11
    assert all(len(m.code) == 3 and m.code.isdigit() for m in new)
    assert all(m.history.get().history_user.username == SYSTEM_USERNAME for m in new)
    assert Participant.objects.filter(municipality__in=new).exists()


def test_refuses_a_database_that_holds_participants():
    factories.ParticipantFactory()

    with pytest.raises(RuntimeError, match="already holds participants"):
        generate("--participants", "100")

    assert Participant.objects.count() == 1
