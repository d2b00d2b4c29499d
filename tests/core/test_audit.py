"""core.audit: no history row without an actor and a reason, optimistic concurrency that loses
no update, and bulk helpers that write one history row per object."""

import datetime

import pytest
from django.db import transaction

from casework import services as casework_services
from casework.models import Consent, Employer, Participant
from core import audit
from core.audit import AuditError
from core.errors import PreconditionFailed
from municipalities.models import Municipality
from tests import factories
from tests.helpers import snapshot


def existing_participant():
    return factories.ParticipantFactory()


def existing_employer():
    return factories.EmployerFactory()


def existing_consent():
    return factories.ConsentFactory()


def existing_municipality():
    return factories.municipality("182")


EXISTING = [existing_participant, existing_employer, existing_consent, existing_municipality]
CHANGES = {
    Participant: ("first_name", "Changed"),
    Employer: ("name", "Changed Oy"),
    Consent: ("withdrawn_on", None),
    Municipality: ("name_fi", "Jämsä (changed)"),
}


@pytest.mark.parametrize("make", EXISTING)
def test_a_plain_save_without_an_actor_raises_audit_error(make):
    # given a row read fresh from the database (no actor attached)
    instance = type(make()).objects.get(pk=make().pk)
    field, value = CHANGES[type(instance)]
    setattr(instance, field, value)

    # when it is saved around the services / then the audit refuses it
    with pytest.raises(AuditError), transaction.atomic():
        instance.save()


def test_a_plain_insert_without_an_actor_raises_audit_error():
    employer = factories.EmployerFactory.build()

    with pytest.raises(AuditError), transaction.atomic():
        employer.save()

    assert not Employer.objects.filter(business_id=employer.business_id).exists()


def test_a_history_row_without_a_reason_is_refused(counsellor):
    participant = Participant.objects.get(pk=factories.ParticipantFactory().pk)
    participant.first_name = "Changed"
    participant._history_user = counsellor

    with pytest.raises(AuditError), transaction.atomic():
        participant.save()


@pytest.mark.parametrize("kind", ["update", "insert"])
def test_a_refused_plain_save_writes_nothing(kind):
    if kind == "update":
        participant = Participant.objects.get(pk=factories.ParticipantFactory().pk)
        before = snapshot(participant)
        participant.first_name = "Changed"
    else:
        participant = factories.ParticipantFactory.build()

    # when the save is refused and the caller carries on (no atomic block rolls it back)
    with pytest.raises(AuditError):
        participant.save()

    # then the database holds nothing of it
    if kind == "update":
        assert snapshot(participant) == before
    else:
        assert not Participant.objects.filter(uuid=participant.uuid).exists()


def test_a_plain_save_of_an_object_returned_by_a_service_raises_audit_error(counsellor):
    # given a participant just created through the service by a counsellor
    participant = casework_services.participant_create(
        actor=counsellor,
        municipality=factories.municipality("182"),
        first_name="Amina",
        last_name="Haddad",
        date_of_birth=datetime.date(1990, 3, 15),
        gender="female",
        labour_market_status="unemployed",
    )
    participant.last_name = "Changed by someone else"

    # when anybody saves that object again around the services / then the audit refuses it
    with pytest.raises(AuditError), transaction.atomic():
        participant.save()


@pytest.mark.parametrize(("actor", "reason"), [(None, "why"), ("counsellor", ""), ("unsaved", "x")])
def test_audit_create_needs_an_actor_and_a_reason(counsellor, actor, reason):
    actors = {None: None, "counsellor": counsellor, "unsaved": factories.UserFactory.build()}

    with pytest.raises(AuditError):
        audit.create(factories.EmployerFactory.build(), actor=actors[actor], reason=reason)

    assert not Employer.objects.exists()


def test_audit_create_writes_version_one_and_one_history_row(counsellor):
    employer = audit.create(factories.EmployerFactory.build(), actor=counsellor, reason="set up")

    row = employer.history.get()
    assert (employer.version, row.version, row.history_type) == (1, 1, "+")
    assert (row.history_user_id, row.history_change_reason) == (counsellor.pk, "set up")


def test_two_writers_of_the_same_version_the_second_is_refused(counsellor):
    # given two copies of one row, both read at version 1
    employer = factories.EmployerFactory(name="Original Oy")
    first = Employer.objects.get(pk=employer.pk)
    second = Employer.objects.get(pk=employer.pk)
    other = factories.counsellor("182")

    # when both save a change
    first.name = "First Oy"
    with transaction.atomic():
        audit.save_changes(first, actor=counsellor, reason="first edit")
    second.industry = "second edit"
    with pytest.raises(PreconditionFailed), transaction.atomic():
        audit.save_changes(second, actor=other, reason="second edit")

    # then the first change stands whole, at version 2, with exactly its own history row
    stored = Employer.objects.get(pk=employer.pk)
    assert (stored.name, stored.industry, stored.version) == ("First Oy", "cleaning", 2)
    rows = list(stored.history.order_by("history_id"))
    assert len(rows) == 2
    assert (rows[-1].history_user_id, rows[-1].history_change_reason) == (
        counsellor.pk,
        "first edit",
    )


def test_save_changes_claims_one_version_per_write(counsellor):
    employer = factories.EmployerFactory()
    copy = Employer.objects.get(pk=employer.pk)

    for expected in (2, 3, 4):
        copy.name = f"Name {expected}"
        with transaction.atomic():
            audit.save_changes(
                copy, actor=counsellor, reason="rename", expected_version=expected - 1
            )
        assert Employer.objects.get(pk=employer.pk).version == expected

    assert employer.history.count() == 4


def test_save_changes_with_a_stale_expected_version_changes_nothing(counsellor):
    employer = Employer.objects.get(pk=factories.EmployerFactory().pk)
    before = snapshot(employer)
    employer.name = "Stale Oy"

    with pytest.raises(PreconditionFailed), transaction.atomic():
        audit.save_changes(employer, actor=counsellor, reason="edit", expected_version=3)

    assert snapshot(employer) == before


def test_bulk_create_writes_one_history_row_per_object_with_the_actor(counsellor):
    employers = [factories.EmployerFactory.build() for _ in range(5)]

    created = audit.bulk_create(Employer, employers, actor=counsellor, reason="imported")

    assert len(created) == 5
    stored = Employer.objects.filter(business_id__in=[e.business_id for e in employers])
    assert stored.count() == 5
    for employer in stored:
        rows = list(employer.history.all())
        assert len(rows) == 1
        assert rows[0].history_type == "+"
        assert (rows[0].history_user_id, rows[0].history_change_reason) == (
            counsellor.pk,
            "imported",
        )
        assert employer.version == rows[0].version == 1


def fresh_employers(count):
    """Employers as a bulk job reads them: straight from the database."""
    created = [factories.EmployerFactory(industry="cleaning") for _ in range(count)]
    return list(Employer.objects.filter(pk__in=[e.pk for e in created]))


def employers_just_created(count):
    """Employers as returned by the audited create (the objects a caller already holds)."""
    return [factories.EmployerFactory(industry="cleaning") for _ in range(count)]


@pytest.mark.parametrize(
    "source",
    [
        fresh_employers,
        pytest.param(employers_just_created),
    ],
)
def test_bulk_update_writes_one_history_row_per_object_and_raises_the_versions(counsellor, source):
    employers = source(4)
    for employer in employers:
        employer.industry = "logistics"

    audit.bulk_update(Employer, employers, ["industry"], actor=counsellor, reason="recoded")

    for employer in employers:
        stored = Employer.objects.get(pk=employer.pk)
        assert (stored.industry, stored.version) == ("logistics", 2)
        rows = list(stored.history.order_by("history_id"))
        assert len(rows) == 2
        assert rows[-1].history_type == "~"
        assert (rows[-1].history_user_id, rows[-1].history_change_reason) == (
            counsellor.pk,
            "recoded",
        )
        assert rows[-1].version == 2


@pytest.mark.parametrize(("with_actor", "reason"), [(False, "why"), (True, "")])
def test_bulk_helpers_need_an_actor_and_a_reason(counsellor, with_actor, reason):
    actor = counsellor if with_actor else None
    existing = factories.EmployerFactory()
    before = snapshot(existing)
    existing.industry = "changed"

    with pytest.raises(AuditError):
        audit.bulk_create(Employer, [factories.EmployerFactory.build()], actor=actor, reason=reason)
    with pytest.raises(AuditError):
        audit.bulk_update(Employer, [existing], ["industry"], actor=actor, reason=reason)

    assert Employer.objects.count() == 1
    assert snapshot(existing) == before
