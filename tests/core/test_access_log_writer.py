"""The read-access log's writer (core.access_log, docs/adr/0020-access-log-statement.md): one
event and one link row per participant shown, written by one statement on PostgreSQL, with no
model instances or signals."""

from django.db import connection
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext

from core.access_log import record_access
from core.models import AccessEvent, AccessEventSubject
from tests import factories


def test_one_event_and_one_link_per_participant_shown_in_one_statement():
    # given
    reader = factories.counsellor("182")
    participants = factories.ParticipantFactory.create_batch(3)
    subjects = [(p.pk, p.municipality_id) for p in participants]
    signals = []

    def spy(sender, **kwargs):
        signals.append(sender)

    pre_save.connect(spy)
    post_save.connect(spy)

    # when the same participant is named twice
    try:
        with CaptureQueriesContext(connection) as queries:
            record_access(
                user=reader, role="counsellor", action="participants:list", subjects=subjects * 2
            )
    finally:
        pre_save.disconnect(spy)
        post_save.disconnect(spy)

    # then
    event = AccessEvent.objects.get()
    assert (event.user_id, event.role, event.action, event.subject_count) == (
        reader.pk,
        "counsellor",
        "participants:list",
        3,
    )
    assert sorted(event.subjects.values_list("participant_id", "municipality_id")) == sorted(
        subjects
    )
    assert signals == []
    statements = [q["sql"] for q in queries if "INSERT" in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(queries) == 1, statements
        assert statements[0].startswith("WITH event AS (INSERT INTO")
    else:
        assert len(statements) == 2


def test_an_event_without_participants_has_no_links():
    reader = factories.counsellor("182")

    record_access(user=reader, role="counsellor", action="participants:list", subjects=[])

    assert AccessEvent.objects.get().subject_count == 0
    assert not AccessEventSubject.objects.exists()


def test_a_participants_log_is_one_indexed_query_through_the_subject_index():
    reader = factories.counsellor("182")
    participant = factories.ParticipantFactory()
    for _ in range(3):
        record_access(
            user=reader,
            role="counsellor",
            action="participants:detail",
            subjects=[(participant.pk, participant.municipality_id)],
        )

    from casework.history import participant_access_log

    with CaptureQueriesContext(connection) as queries:
        rows = list(participant_access_log(participant))

    assert len(rows) == 3 and len(queries) == 1
    assert [row.event.user_id for row in rows] == [reader.pk] * 3
