"""The read-access log (docs/access.md): every read of participants' personal data appends exactly
one event (who, role, action, outcome) with one link per participant shown; reads of other
resources append none; a participant's log is readable newest first, in pages."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from api.base import PolkuViewSet
from core import read_log
from core.models import AccessEvent, AccessEventSubject
from core.read_log import ReadLog
from tests import factories
from tests.api.conftest import client_for


def _events_after(action_count_before):
    return list(AccessEvent.objects.order_by("id")[action_count_before:])


def _read(world, role, path):
    before = AccessEvent.objects.count()
    response = client_for(world.user(role)).get(path(world))
    assert response.status_code == 200, response.content
    return response, _events_after(before)


def _subjects(event):
    return set(event.subjects.values_list("participant_id", flat=True))


@pytest.mark.parametrize(
    ("path", "action"),
    [
        (lambda w: f"/api/v1/participants/{w.participant.uuid}/", "participants:detail"),
        (lambda w: f"/api/v1/participants/{w.participant.uuid}/history/", "participants:history"),
        (
            lambda w: f"/api/v1/participants/{w.participant.uuid}/access-log/",
            "participants:access_log",
        ),
        (
            lambda w: f"/api/v1/participants/{w.participant.uuid}/consents/",
            "participants:consents",
        ),
        (lambda w: f"/api/v1/case-notes/{w.case_note.uuid}/", "case_notes:detail"),
        (
            lambda w: f"/api/v1/language-assessments/{w.language_assessment.uuid}/",
            "language_assessments:detail",
        ),
        (
            lambda w: f"/api/v1/skill-assessments/{w.skill_assessment.uuid}/",
            "skill_assessments:detail",
        ),
        (lambda w: f"/api/v1/enrolments/{w.enrolment.uuid}/", "enrolments:detail"),
        (lambda w: f"/api/v1/licence-cards/{w.licence_card.uuid}/", "licence_cards:detail"),
        (lambda w: f"/api/v1/outcomes/{w.outcome.uuid}/", "outcomes:detail"),
        (lambda w: f"/api/v1/matches/{w.match.uuid}/", "matches:detail"),
    ],
    ids=[
        "participant",
        "history",
        "access log",
        "consents",
        "case note",
        "language assessment",
        "skill assessment",
        "enrolment",
        "licence card",
        "outcome",
        "match",
    ],
)
def test_a_read_of_one_participants_data_appends_one_event(world, path, action):
    # when
    _, events = _read(world, "counsellor", path)

    # then
    assert len(events) == 1
    event = events[0]
    assert event.user_id == world.counsellor.pk
    assert event.role == "counsellor"
    assert event.action == action
    assert event.outcome == "success"
    assert event.subject_count == 1
    assert _subjects(event) == {world.participant.pk}
    assert set(event.subjects.values_list("municipality_id", flat=True)) == {
        world.participant.municipality_id
    }


@pytest.mark.parametrize(
    ("path", "action", "factory"),
    [
        ("participants", "participants:list", None),
        ("case-notes", "case_notes:list", factories.CaseNoteFactory),
        ("language-assessments", "language_assessments:list", factories.LanguageAssessmentFactory),
        ("skill-assessments", "skill_assessments:list", factories.SkillAssessmentFactory),
        ("enrolments", "enrolments:list", factories.EnrolmentFactory),
        ("licence-cards", "licence_cards:list", factories.LicenceCardFactory),
        ("outcomes", "outcomes:list", factories.OutcomeFactory),
        ("matches", "matches:list", factories.MatchFactory),
    ],
)
def test_a_list_appends_one_event_naming_every_participant_on_the_page(
    world, path, action, factory
):
    # given three more participants with a record each (two pages of two)
    extra = factories.ParticipantFactory.create_batch(3)
    if factory is not None:
        for participant in extra:
            factory(participant=participant)
    client = client_for(world.counsellor)
    before = AccessEvent.objects.count()

    # when
    first = client.get(f"/api/v1/{path}/", {"page_size": 2})
    second = client.get(f"/api/v1/{path}/", {"page_size": 2, "page": 2})

    # then one event per page, naming exactly the participants on that page
    events = _events_after(before)
    assert [event.action for event in events] == [action, action]
    shown = [
        {row["id"] if path == "participants" else row["participant"] for row in page["results"]}
        for page in (first.json(), second.json())
    ]
    from casework.models import Participant

    for event, uuids in zip(events, shown, strict=True):
        assert event.role == "counsellor"
        expected = set(Participant.objects.filter(uuid__in=uuids).values_list("pk", flat=True))
        assert _subjects(event) == expected
        assert event.subject_count == len(expected)


def test_an_empty_list_still_records_the_read(world):
    before = AccessEvent.objects.count()
    response = client_for(world.counsellor).get("/api/v1/participants/", {"search": "nobody"})
    assert response.json()["count"] == 0
    events = _events_after(before)
    assert len(events) == 1
    assert events[0].subject_count == 0


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("counsellor", "/api/v1/licence-types/"),
        ("counsellor", "/api/v1/licence-types/forklift/"),
        ("counsellor", "/api/v1/municipalities/"),
        ("counsellor", "/api/v1/municipalities/182/"),
        ("counsellor", "/api/v1/employers/"),
        ("coordinator", "/api/v1/employers/"),
        ("employer_user", "/api/v1/employers/"),
        ("counsellor", "/api/v1/vacancies/"),
        ("employer_user", "/api/v1/vacancies/"),
        ("counsellor", "/api/v1/trainings/"),
        ("admin", "/api/v1/municipalities/"),
    ],
)
def test_reads_of_resources_without_personal_data_append_nothing(world, role, path):
    before = AccessEvent.objects.count()
    assert client_for(world.user(role)).get(path).status_code == 200
    assert AccessEvent.objects.count() == before


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("other_counsellor", lambda w: f"/api/v1/participants/{w.participant.uuid}/"),
        ("manager", lambda w: "/api/v1/participants/"),
        ("employer_user", lambda w: "/api/v1/case-notes/"),
        ("anonymous", lambda w: f"/api/v1/participants/{w.participant.uuid}/"),
    ],
    ids=["other counsellor", "manager", "employer", "anonymous"],
)
def test_a_refused_read_discloses_nothing_and_logs_no_read(world, role, path):
    before = AccessEventSubject.objects.filter(participant_id=world.participant.pk).count()
    assert client_for(world.user(role)).get(path(world)).status_code in (401, 403, 404)
    assert AccessEventSubject.objects.filter(participant_id=world.participant.pk).count() == before


def test_an_employer_reading_a_candidate_is_logged_as_employer(world):
    # when
    response, events = _read(world, "employer_user", lambda w: f"/api/v1/matches/{w.match.uuid}/")

    # then
    assert response.json()["candidate"] is not None
    assert len(events) == 1
    assert events[0].role == "employer"
    assert events[0].user_id == world.employer_user.pk
    assert _subjects(events[0]) == {world.participant.pk}


def test_an_employer_reading_a_match_without_a_candidate_logs_nothing(world):
    # given the consent was withdrawn: the employer sees no personal data
    client_for(world.counsellor).post(f"/api/v1/consents/{world.consent.uuid}/withdraw/", {})

    # when
    response, events = _read(world, "employer_user", lambda w: f"/api/v1/matches/{w.match.uuid}/")

    # then
    assert response.json()["candidate"] is None
    assert events == []


def test_the_admin_reading_the_access_log_is_logged_as_admin(world):
    _, events = _read(
        world, "admin", lambda w: f"/api/v1/participants/{w.participant.uuid}/access-log/"
    )
    assert len(events) == 1
    assert events[0].role == "admin"
    assert events[0].action == "participants:access_log"


def test_the_access_log_shows_who_read_newest_first_in_pages(world):
    # given reads by the counsellor, a colleague covering nothing else, and the admin
    colleague = factories.counsellor("182", username="counsellor.jamsa.2")
    url = f"/api/v1/participants/{world.participant.uuid}/"
    client_for(world.counsellor).get(url)
    client_for(colleague).get(url + "history/")
    client_for(world.counsellor).get("/api/v1/participants/")
    client_for(world.admin).get(url + "access-log/")

    # when
    first = client_for(world.counsellor).get(url + "access-log/", {"page_size": 3})
    second = client_for(world.counsellor).get(url + "access-log/", {"page_size": 3, "page": 2})

    # then
    assert first.status_code == 200
    page = first.json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 4
    assert page["next"] is not None
    assert [(e["user"], e["role"], e["action"]) for e in page["results"]] == [
        ("admin", "admin", "participants:access_log"),
        ("counsellor.jamsa", "counsellor", "participants:list"),
        ("counsellor.jamsa.2", "counsellor", "participants:history"),
    ]
    # reading page 1 was itself logged, so page 2 starts one entry later
    assert second.json()["count"] == 5
    assert [(e["user"], e["action"]) for e in second.json()["results"]] == [
        ("counsellor.jamsa.2", "participants:history"),
        ("counsellor.jamsa", "participants:detail"),
    ]
    entry = page["results"][0]
    assert set(entry) == {"at", "user", "role", "action", "outcome"}
    assert entry["outcome"] == "success"
    ats = [e["at"] for e in page["results"]]
    assert ats == sorted(ats, reverse=True)


def test_the_access_log_of_one_participant_leaves_out_reads_of_others(world):
    client_for(world.other_counsellor).get(f"/api/v1/participants/{world.other_participant.uuid}/")
    response = client_for(world.counsellor).get(
        f"/api/v1/participants/{world.participant.uuid}/access-log/"
    )
    assert response.json()["count"] == 0


def test_candidate_suggestions_log_one_event_naming_every_candidate_shown(world):
    # given two eligible candidates in Jämsä and one in Äänekoski, out of the caller's scope
    candidates = [
        factories.ParticipantFactory(status="active", municipality=m)
        for m in (world.participant.municipality, world.participant.municipality)
    ]
    outsider = factories.ParticipantFactory(
        status="active", municipality=world.other_participant.municipality
    )
    for participant in [*candidates, outsider]:
        factories.LanguageAssessmentFactory(participant=participant)

    # when
    response, events = _read(
        world, "counsellor", lambda w: f"/api/v1/vacancies/{w.vacancy2.uuid}/candidates/"
    )

    # then
    shown = {row["participant"] for row in response.json()["results"]}
    assert shown == {str(p.uuid) for p in candidates}
    assert len(events) == 1
    assert events[0].action == "vacancies:candidates"
    assert events[0].role == "counsellor"
    assert _subjects(events[0]) == {p.pk for p in candidates}


# The base view writes the event from the declaration ------------------------------------------


class _Shows(PolkuViewSet):
    """A view that shows one participant, declared as it should be."""

    required_capabilities = {"GET": "authenticated"}
    read_log = {"list": ReadLog("tests:list", subject=read_log.participant)}
    participant = None

    def list(self, request):
        self.shown([self.participant])
        return Response({"ok": True})


class _ForgetsToReport(_Shows):
    def list(self, request):
        return Response({"ok": True})


class _DeclaresNothing(_Shows):
    read_log = {}


def _call(view_class, user, participant):
    view_class.participant = participant
    request = APIRequestFactory().get("/api/v1/tests/")
    force_authenticate(request, user=user)
    return view_class.as_view({"get": "list"})(request)


def test_the_base_view_writes_the_declared_event_with_the_role_from_the_priority_table(world):
    # given a reader who is both admin and counsellor
    world.counsellor.is_staff = world.counsellor.is_superuser = True
    world.counsellor.save()
    before = AccessEvent.objects.count()

    # when
    response = _call(_Shows, world.counsellor, world.participant)

    # then
    assert response.status_code == 200
    (event,) = _events_after(before)
    assert (event.action, event.role, event.user_id) == (
        "tests:list",
        "counsellor",
        world.counsellor.pk,
    )
    assert _subjects(event) == {world.participant.pk}


@pytest.mark.parametrize("view_class", [_ForgetsToReport, _DeclaresNothing])
def test_a_view_that_does_not_report_what_it_declared_fails_loudly(world, view_class):
    # given a view that declares a ReadLog and never reports, or reports and declares nothing
    before = AccessEvent.objects.count()

    # when it answers, then the answer fails (a server error, never an unlogged read)
    try:
        status = _call(view_class, world.counsellor, world.participant).status_code
    except ImproperlyConfigured:
        status = 500
    assert status == 500
    assert AccessEvent.objects.count() == before
