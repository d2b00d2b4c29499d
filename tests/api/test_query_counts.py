"""docs/performance.md: every list endpoint runs the same number of queries for 1 row and for a full
page (authentication, permission checks and the access log included); a detail read runs at
most 10. Clients authenticate with real bearer tokens, as outside clients do."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import VacancyLicenceRequirement
from casework.services import participant_update
from core import audit
from core.access_log import record_access
from core.actors import system_actor
from tests import factories
from tests.api.conftest import TODAY, bearer_client

FULL_PAGE = 50
DETAIL_LIMIT = 10


@pytest.fixture
def jamsa_counsellor():
    return factories.counsellor("182", username="counsellor.jamsa")


@pytest.fixture
def employer():
    return factories.EmployerFactory()


def _vacancy(employer=None):
    vacancy = factories.VacancyFactory(**({"employer": employer} if employer else {}))
    audit.create(
        VacancyLicenceRequirement(vacancy=vacancy, licence_type=factories.licence_type()),
        actor=system_actor(),
        reason="test data",
    )
    return vacancy


def _candidate(employer, vacancy):
    """A match shared with the employer, of a participant with consent, a language
    assessment, a valid card and a skill assessment."""
    participant = factories.ParticipantFactory()
    factories.ConsentFactory(participant=participant)
    factories.LanguageAssessmentFactory(participant=participant)
    factories.LicenceCardFactory(participant=participant)
    factories.SkillAssessmentFactory(participant=participant)
    return factories.MatchFactory(
        vacancy=vacancy, participant=participant, status="interview", reached_shared_on=TODAY
    )


def _eligible_candidate():
    """An active participant of Jämsä who meets the default vacancy's language requirement."""
    participant = factories.ParticipantFactory(status="active")
    factories.LanguageAssessmentFactory(participant=participant)
    factories.SkillAssessmentFactory(participant=participant)
    return participant


def _card():
    enrolment = factories.EnrolmentFactory(status="passed")
    return factories.LicenceCardFactory(
        participant=enrolment.participant,
        enrolment=enrolment,
        verified_by=system_actor(),
        verified_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    )


def _outcome():
    match = factories.MatchFactory(status="hired", reached_shared_on=TODAY)
    return factories.OutcomeFactory(
        participant=match.participant, employer=match.employer, match=match
    )


class Context:
    """What a list case builds on: the caller and one participant for the nested lists."""

    def __init__(self, counsellor, employer):
        self.counsellor = counsellor
        self.employer = employer
        self.employer_user = None
        self.participant = None
        self.vacancy = None

    def the_participant(self):
        if self.participant is None:
            self.participant = factories.ParticipantFactory(counsellor=self.counsellor)
        return self.participant

    def open_vacancy(self):
        """A vacancy in Jämsä needing spoken Finnish A2.1 and no licence card."""
        if getattr(self, "_open_vacancy", None) is None:
            self._open_vacancy = factories.VacancyFactory()
        return self._open_vacancy

    def employer_vacancy(self):
        if self.vacancy is None:
            self.vacancy = _vacancy(self.employer)
        return self.vacancy


def _history_rows(ctx, n):
    created = ctx.participant is None
    participant = ctx.the_participant()  # its creation is the first history row
    for index in range(n - 1 if created else n):
        participant_update(
            actor=system_actor(), participant=participant, data={"phone": f"+35840{index:07d}"}
        )


def _access_log_rows(ctx, n):
    participant = ctx.the_participant()
    for _ in range(n):
        record_access(
            user=ctx.counsellor,
            role="counsellor",
            action="participants:detail",
            subjects=[(participant.pk, participant.municipality_id)],
        )


# (name, path, who reads, make n more rows, how many rows one page shows in the end)
LISTS = [
    (
        "participants",
        lambda ctx: "/api/v1/participants/",
        "counsellor",
        lambda ctx, n: factories.ParticipantFactory.create_batch(n, counsellor=ctx.counsellor),
    ),
    (
        "case-notes",
        lambda ctx: "/api/v1/case-notes/",
        "counsellor",
        lambda ctx, n: factories.CaseNoteFactory.create_batch(n, author=ctx.counsellor),
    ),
    (
        "language-assessments",
        lambda ctx: "/api/v1/language-assessments/",
        "counsellor",
        lambda ctx, n: factories.LanguageAssessmentFactory.create_batch(n, assessor=ctx.counsellor),
    ),
    (
        "skill-assessments",
        lambda ctx: "/api/v1/skill-assessments/",
        "counsellor",
        lambda ctx, n: factories.SkillAssessmentFactory.create_batch(n, assessor=ctx.counsellor),
    ),
    (
        "trainings",
        lambda ctx: "/api/v1/trainings/",
        "counsellor",
        lambda ctx, n: factories.TrainingFactory.create_batch(n),
    ),
    (
        "enrolments",
        lambda ctx: "/api/v1/enrolments/",
        "counsellor",
        lambda ctx, n: factories.EnrolmentFactory.create_batch(n),
    ),
    (
        "licence-cards",
        lambda ctx: "/api/v1/licence-cards/",
        "counsellor",
        lambda ctx, n: [_card() for _ in range(n)],
    ),
    (
        "employers",
        lambda ctx: "/api/v1/employers/",
        "counsellor",
        lambda ctx, n: factories.EmployerFactory.create_batch(n),
    ),
    (
        "vacancies",
        lambda ctx: "/api/v1/vacancies/",
        "counsellor",
        lambda ctx, n: [_vacancy() for _ in range(n)],
    ),
    (
        "vacancies (employer)",
        lambda ctx: "/api/v1/vacancies/",
        "employer",
        lambda ctx, n: [_vacancy(ctx.employer) for _ in range(n)],
    ),
    (
        "matches",
        lambda ctx: "/api/v1/matches/",
        "counsellor",
        lambda ctx, n: factories.MatchFactory.create_batch(n),
    ),
    (
        "matches (employer)",
        lambda ctx: "/api/v1/matches/",
        "employer",
        lambda ctx, n: [_candidate(ctx.employer, ctx.employer_vacancy()) for _ in range(n)],
    ),
    (
        "outcomes",
        lambda ctx: "/api/v1/outcomes/",
        "counsellor",
        lambda ctx, n: [_outcome() for _ in range(n)],
    ),
    (
        "vacancy candidates",
        lambda ctx: f"/api/v1/vacancies/{ctx.open_vacancy().uuid}/candidates/",
        "counsellor",
        lambda ctx, n: [_eligible_candidate() for _ in range(n)],
    ),
    (
        "worklist",
        lambda ctx: "/api/v1/worklist/",
        "counsellor",
        lambda ctx, n: factories.ParticipantFactory.create_batch(  # no contact for 100 days
            n, counsellor=ctx.counsellor, status="active"
        ),
    ),
    (
        "participant consents",
        lambda ctx: f"/api/v1/participants/{ctx.the_participant().uuid}/consents/",
        "counsellor",
        lambda ctx, n: factories.ConsentFactory.create_batch(n, participant=ctx.the_participant()),
    ),
    (
        "participant history",
        lambda ctx: f"/api/v1/participants/{ctx.the_participant().uuid}/history/",
        "counsellor",
        _history_rows,
    ),
    (
        "participant access log",
        lambda ctx: f"/api/v1/participants/{ctx.the_participant().uuid}/access-log/",
        "counsellor",
        _access_log_rows,
    ),
    (
        "service-needs-assessments",
        lambda ctx: "/api/v1/service-needs-assessments/",
        "counsellor",
        lambda ctx, n: factories.ServiceNeedsAssessmentFactory.create_batch(n, completed=True),
    ),
    (
        "plans",
        lambda ctx: "/api/v1/plans/",
        "counsellor",
        lambda ctx, n: factories.PlanFactory.create_batch(n),
    ),
    (
        "plan reviews",
        lambda ctx: f"/api/v1/plans/{_agreed_plan(ctx).uuid}/reviews/",
        "counsellor",
        lambda ctx, n: factories.PlanReviewFactory.create_batch(n, plan=_agreed_plan(ctx)),
    ),
    (
        "appointments",
        lambda ctx: "/api/v1/appointments/",
        "counsellor",
        lambda ctx, n: factories.AppointmentFactory.create_batch(n),
    ),
]


def _agreed_plan(ctx):
    if getattr(ctx, "plan", None) is None:
        ctx.plan = factories.PlanFactory(participant=ctx.the_participant(), agreed=True)
    return ctx.plan


def _count_queries(client, path, page_size):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, {"page_size": page_size})
    assert response.status_code == 200, response.content
    return len(queries), response.json()


@pytest.mark.parametrize(("name", "path", "reader", "make"), LISTS, ids=[c[0] for c in LISTS])
def test_a_list_runs_as_many_queries_for_a_full_page_as_for_one_row(
    jamsa_counsellor, employer, name, path, reader, make
):
    # given one row
    ctx = Context(jamsa_counsellor, employer)
    ctx.employer_user = factories.employer_user(employer, username="employer1")
    client = bearer_client(ctx.counsellor if reader == "counsellor" else ctx.employer_user)
    make(ctx, 1)
    client.get("/api/v1/licence-types/")  # warm the process-wide caches (content types …)

    # when
    one_row, first = _count_queries(client, path(ctx), FULL_PAGE)
    make(ctx, FULL_PAGE - first["count"])
    full_page, page = _count_queries(client, path(ctx), FULL_PAGE)

    # then
    assert len(page["results"]) == FULL_PAGE
    print(f"\nQUERIES {name}: 1 row → {one_row}, {FULL_PAGE} rows → {full_page}")
    assert full_page == one_row


@pytest.mark.parametrize(
    ("path", "reader", "expected_rows"),
    [
        ("/api/v1/municipalities/", "coordinator", 9),
        ("/api/v1/municipalities/", "admin", 9),
        ("/api/v1/licence-types/", "counsellor", 9),
    ],
)
def test_a_catalogue_runs_as_many_queries_for_every_row_as_for_one(
    jamsa_counsellor, path, reader, expected_rows
):
    # given
    user = {
        "coordinator": factories.coordinator,
        "admin": factories.admin_user,
        "counsellor": lambda: jamsa_counsellor,
    }[reader]()
    client = bearer_client(user)
    client.get(path, {"page_size": 1})

    # when
    one_row, first = _count_queries(client, path, 1)
    every_row, page = _count_queries(client, path, FULL_PAGE)

    # then
    assert len(first["results"]) == 1
    assert len(page["results"]) == expected_rows
    print(f"\nQUERIES {path} ({reader}): 1 row → {one_row}, {expected_rows} rows → {every_row}")
    assert every_row == one_row


def _detail_cases():
    def match_for_employer(ctx):
        return f"/api/v1/matches/{_candidate(ctx.employer, ctx.employer_vacancy()).uuid}/"

    return [
        ("participant", "counsellor", lambda ctx: f"/api/v1/participants/{ctx.p.uuid}/"),
        ("case note", "counsellor", lambda ctx: f"/api/v1/case-notes/{ctx.note.uuid}/"),
        (
            "language assessment",
            "counsellor",
            lambda ctx: (
                f"/api/v1/language-assessments/"
                f"{factories.LanguageAssessmentFactory(participant=ctx.p).uuid}/"
            ),
        ),
        (
            "skill assessment",
            "counsellor",
            lambda ctx: (
                f"/api/v1/skill-assessments/"
                f"{factories.SkillAssessmentFactory(participant=ctx.p).uuid}/"
            ),
        ),
        (
            "training",
            "counsellor",
            lambda ctx: f"/api/v1/trainings/{factories.TrainingFactory().uuid}/",
        ),
        (
            "enrolment",
            "counsellor",
            lambda ctx: f"/api/v1/enrolments/{factories.EnrolmentFactory(participant=ctx.p).uuid}/",
        ),
        ("licence card", "counsellor", lambda ctx: f"/api/v1/licence-cards/{_card().uuid}/"),
        ("employer", "counsellor", lambda ctx: f"/api/v1/employers/{ctx.employer.uuid}/"),
        ("employer (own)", "employer", lambda ctx: f"/api/v1/employers/{ctx.employer.uuid}/"),
        ("vacancy", "counsellor", lambda ctx: f"/api/v1/vacancies/{_vacancy().uuid}/"),
        (
            "vacancy (employer)",
            "employer",
            lambda ctx: f"/api/v1/vacancies/{ctx.employer_vacancy().uuid}/",
        ),
        (
            "match",
            "counsellor",
            lambda ctx: f"/api/v1/matches/{factories.MatchFactory(participant=ctx.p).uuid}/",
        ),
        ("match (employer)", "employer", match_for_employer),
        ("outcome", "counsellor", lambda ctx: f"/api/v1/outcomes/{_outcome().uuid}/"),
        ("municipality", "counsellor", lambda ctx: "/api/v1/municipalities/182/"),
        ("licence type", "counsellor", lambda ctx: "/api/v1/licence-types/forklift/"),
    ]


DETAILS = _detail_cases()


@pytest.mark.parametrize(("name", "reader", "path"), DETAILS, ids=[c[0] for c in DETAILS])
def test_a_detail_read_runs_at_most_ten_queries(jamsa_counsellor, employer, name, reader, path):
    # given
    ctx = Context(jamsa_counsellor, employer)
    ctx.employer_user = factories.employer_user(employer, username="employer1")
    ctx.p = factories.ParticipantFactory(counsellor=jamsa_counsellor)
    factories.ConsentFactory(participant=ctx.p)
    ctx.note = factories.CaseNoteFactory(participant=ctx.p)
    url = path(ctx)
    client = bearer_client(jamsa_counsellor if reader == "counsellor" else ctx.employer_user)
    client.get("/api/v1/licence-types/")  # warm the process-wide caches

    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    # then
    assert response.status_code == 200, response.content
    print(f"\nQUERIES detail {name}: {len(queries)}")
    assert len(queries) <= DETAIL_LIMIT, [q["sql"] for q in queries]


def test_the_participant_list_counts_without_joins(jamsa_counsellor):
    factories.ParticipantFactory.create_batch(3)
    client = bearer_client(jamsa_counsellor)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/participants/")
    assert response.status_code == 200
    assert response.json()["count"] == 3
    (count,) = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert "JOIN" not in count.upper(), count


#: The hot paths' statements, pinned (issue 15): the token with the user and the access stamps,
#: the page, the count, the read-access log (one statement on PostgreSQL, two inserts elsewhere);
#: the caller's roles and scope come from the cache. Transaction control is not counted.
PINNED = {
    ("participant list", "postgresql"): 4,
    ("participant list", "sqlite"): 5,
    ("participant detail", "postgresql"): 3,
    ("participant detail", "sqlite"): 4,
}


def _statements(queries):
    return [
        q["sql"]
        for q in queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT"))
    ]


@pytest.mark.parametrize("name", ["participant list", "participant detail"])
def test_the_hot_paths_run_their_pinned_number_of_statements(jamsa_counsellor, name):
    # given a caller whose access is cached by an earlier request
    participants = factories.ParticipantFactory.create_batch(3, counsellor=jamsa_counsellor)
    client = bearer_client(jamsa_counsellor)
    client.get("/api/v1/licence-types/")
    path = (
        "/api/v1/participants/"
        if name == "participant list"
        else f"/api/v1/participants/{participants[0].uuid}/"
    )

    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)

    # then
    assert response.status_code == 200
    statements = _statements(queries)
    assert len(statements) == PINNED[(name, connection.vendor)], statements
