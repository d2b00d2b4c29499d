"""Schemathesis over the whole OpenAPI schema, inside the test suite (docs/performance.md: zero 5xx
under fuzzing of the OpenAPI schema).

Every operation of ``/api/v1/schema/`` is called through the WSGI application with a real bearer
token: as a counsellor of Jämsä (the pilot dashboard and the ESF+ report as the coordinator),
against a small but complete caseload (participants with consents, assessments, cards and notes,
an employer, a vacancy, a training, an enrolment, a match and an outcome, and a participant of
another municipality). Requests come in both of Schemathesis' modes, positive (valid by the
schema) and negative (wrong types, missing fields, values out of range), plus Schemathesis'
coverage cases (boundary values, unexpected methods). Strings may hold NUL characters; on top of
that, bodies and query strings are sometimes given a NUL-laden or a 100,000-character string. To
get past the 404 and 400 answers into the services, path ids, references in bodies and If-Match
are often swapped for real ones, and generated fields are laid over a valid body.

Every response must: not be a 5xx; answer a status the schema documents for the operation; carry
the documented content type; match the documented body schema and response headers.

The run is deterministic (derandomized, one fixed seed per operation, no example database) and
bounded: ``POLKU_FUZZ_EXAMPLES`` examples per operation (default 25) plus the coverage cases.
``POLKU_FUZZ_SUMMARY=<file>`` writes the status codes seen per operation and the known bugs met.
"""

from __future__ import annotations

import datetime
import json
import os
import uuid
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.authentication import token_issue
from assessments.models import Enrolment, LanguageAssessment, LicenceCard, SkillAssessment, Training
from casework.models import CaseNote, Consent, Employer, Match, Outcome, Participant, Vacancy
from config.wsgi import application
from plans.models import Appointment, Plan, ServiceNeedsAssessment
from tests import factories

FUZZ_EXAMPLES = int(os.environ.get("POLKU_FUZZ_EXAMPLES", "25"))
PASSWORD = "secret-pass-123"  # tests.factories.UserFactory

schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/", application, headers={"Accept": "application/vnd.oai.openapi+json"}
)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=FUZZ_EXAMPLES,
    deterministic=True,
    allow_x00=True,
    # The real bearer token goes with every request; generated credentials would only get 401.
    with_security_parameters=False,
)
schema.config.seed = 20240601

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

# Real objects ------------------------------------------------------------------------------------

#: Filled per test by the ``caseload`` fixture; read by the hooks while Hypothesis generates.
KNOWN: dict[str, list[str]] = {}

_RESOURCE_BY_PREFIX = {
    "/api/v1/participants/": "participants",
    "/api/v1/consents/": "consents",
    "/api/v1/case-notes/": "case-notes",
    "/api/v1/language-assessments/": "language-assessments",
    "/api/v1/skill-assessments/": "skill-assessments",
    "/api/v1/trainings/": "trainings",
    "/api/v1/enrolments/": "enrolments",
    "/api/v1/licence-cards/": "licence-cards",
    "/api/v1/employers/": "employers",
    "/api/v1/vacancies/": "vacancies",
    "/api/v1/matches/": "matches",
    "/api/v1/outcomes/": "outcomes",
    "/api/v1/municipalities/": "municipalities",
    "/api/v1/licence-types/": "licence-types",
    "/api/v1/service-needs-assessments/": "service-needs-assessments",
    "/api/v1/plans/": "plans",
    "/api/v1/appointments/": "appointments",
}

#: Body fields that name another object, and where their real values come from.
_BODY_REFERENCES = {
    "participant": "participants",
    "vacancy": "vacancies",
    "employer": "employers",
    "training": "trainings",
    "match": "matches",
    "municipality": "municipalities",
    "licence_type": "licence-types",
    "counsellor": "usernames",
    "username": "usernames",
}

_MODELS = {
    "participants": Participant,
    "consents": Consent,
    "case-notes": CaseNote,
    "language-assessments": LanguageAssessment,
    "skill-assessments": SkillAssessment,
    "trainings": Training,
    "enrolments": Enrolment,
    "licence-cards": LicenceCard,
    "employers": Employer,
    "vacancies": Vacancy,
    "matches": Match,
    "outcomes": Outcome,
    "service-needs-assessments": ServiceNeedsAssessment,
    "plans": Plan,
    "appointments": Appointment,
}

#: Operations called as the coordinator; everything else as the counsellor of Jämsä.
COORDINATOR_PATHS = ("/api/v1/dashboard/", "/api/v1/reports/")

#: Replaced by the test with the version the addressed object has when the request is sent.
CURRENT_VERSION = "polku-current-version"

#: Strings nobody should ever get a 5xx for.
NASTY_STRINGS = [
    "\x00",
    "a\x00b",
    "x" * 100_000,
    "ä" * 50_000,
    "\U0001d518" * 10_000,
    "'; DROP TABLE casework_participant; --",
]


def _resource(path: str) -> str | None:
    for prefix, name in _RESOURCE_BY_PREFIX.items():
        if path.startswith(prefix):
            return name
    return None


def _day(offset: int) -> str:
    return (datetime.date.today() + datetime.timedelta(days=offset)).isoformat()


def _valid_bodies() -> dict[tuple[str, str], dict[str, Any]]:
    """A valid body per operation that takes one, naming objects of the caseload."""
    first = {name: values[0] for name, values in KNOWN.items() if values}
    return {
        ("POST", "/api/v1/auth/token/"): {"username": first["usernames"], "password": PASSWORD},
        ("POST", "/api/v1/participants/"): {
            "municipality": "182",
            "first_name": "Amina",
            "last_name": "Haddad",
            "date_of_birth": "1990-03-15",
            "gender": "female",
            "labour_market_status": "unemployed",
            "native_language": "ar",
            "citizenship": "SY",
            "phone": "+358401234567",
            "email": "amina@example.fi",
        },
        ("PATCH", "/api/v1/participants/{id}/"): {"phone": "+358401112233"},
        ("POST", "/api/v1/participants/reassign/"): {
            "participants": [first["participants"]],
            "to": KNOWN["usernames"][-1],
            "reason": "rebalancing the caseloads",
        },
        ("POST", "/api/v1/participants/{id}/transition/"): {
            "to": "active",
            "on": _day(0),
            "reason": "first meeting held",
        },
        ("POST", "/api/v1/participants/{id}/consents/"): {
            "purpose": "share_with_employers",
            "granted_on": _day(-1),
        },
        ("POST", "/api/v1/consents/{id}/withdraw/"): {"on": _day(0), "reason": "asked by phone"},
        ("POST", "/api/v1/case-notes/"): {
            "participant": first["participants"],
            "kind": "meeting",
            "occurred_at": f"{_day(-1)}T10:00:00+02:00",
            "text": "Discussed the hygiene passport course.",
        },
        ("PATCH", "/api/v1/case-notes/{id}/"): {"text": "Rescheduled."},
        ("POST", "/api/v1/language-assessments/"): {
            "participant": first["participants"],
            "language": "fi",
            "assessed_on": _day(-5),
            "instrument": "course_test",
            "reading": "A2.1",
            "listening": "A2.2",
            "speaking": "A2.1",
            "writing": "A1.3",
        },
        ("PATCH", "/api/v1/language-assessments/{id}/"): {"speaking": "A2.2"},
        ("POST", "/api/v1/skill-assessments/"): {
            "participant": first["participants"],
            "occupation_code": "9112",
            "level": 2,
            "years_experience": "3.0",
            "evidence": "work_history",
            "assessed_on": _day(-5),
        },
        ("PATCH", "/api/v1/skill-assessments/{id}/"): {"level": 3},
        ("POST", "/api/v1/trainings/"): {
            "licence_type": "hygiene_passport",
            "municipality": "182",
            "provider": "Gradia",
            "starts_on": _day(10),
            "ends_on": _day(11),
            "seats": 12,
        },
        ("PATCH", "/api/v1/trainings/{id}/"): {"seats": 20},
        ("POST", "/api/v1/enrolments/"): {
            "training": first["trainings"],
            "participant": first["participants"],
        },
        ("POST", "/api/v1/enrolments/{id}/transition/"): {"to": "attended", "reason": "was there"},
        ("POST", "/api/v1/licence-cards/"): {
            "participant": first["participants"],
            "licence_type": "forklift",
            "issued_on": _day(-10),
            "card_number": "T-123456",
        },
        ("PATCH", "/api/v1/licence-cards/{id}/"): {"card_number": "C-999999"},
        ("POST", "/api/v1/employers/"): {
            "business_id": "0112038-9",
            "name": "Jämsän Siivous Oy",
            "municipality": "182",
            "industry": "cleaning",
        },
        ("PATCH", "/api/v1/employers/{id}/"): {"industry": "facility services"},
        ("POST", "/api/v1/vacancies/"): {
            "employer": first["employers"],
            "title": "Cleaner",
            "occupation_code": "9112",
            "municipality": "182",
            "required_licences": ["hygiene_passport"],
            "language_requirements": {"speaking": "A2.1"},
            "starts_on": _day(30),
            "positions": 2,
        },
        ("PATCH", "/api/v1/vacancies/{id}/"): {"positions": 3},
        ("POST", "/api/v1/vacancies/{id}/transition/"): {"to": "filled", "reason": "hired"},
        ("POST", "/api/v1/matches/"): {
            "vacancy": first["vacancies"],
            "participant": first["participants"],
        },
        ("POST", "/api/v1/matches/{id}/transition/"): {"to": "shared", "reason": "consented"},
        ("POST", "/api/v1/outcomes/"): {
            "participant": first["participants"],
            "kind": "employment",
            "employer": first["employers"],
            "occupation_code": "9112",
            "contract_type": "fixed_term",
            "hours_per_week": "30.0",
            "starts_on": _day(-1),
        },
        ("PATCH", "/api/v1/outcomes/{id}/"): {"hours_per_week": "20.0"},
        ("POST", "/api/v1/service-needs-assessments/"): {
            "participant": first["participants"],
            "started_on": _day(-3),
            "language_used": "ar",
            "interpreter_used": True,
            "literacy": "Reads Latin script.",
            "further_steps": ["language_test"],
        },
        ("PATCH", "/api/v1/service-needs-assessments/{id}/"): {"strengths": "Languages."},
        ("POST", "/api/v1/plans/"): {
            "participant": first["participants"],
            "kind": "employment",
            "starts_on": _day(0),
            "ends_on": _day(180),
            "goals": [
                {"horizon": "long_term", "kind": "employment", "text": "Work as a cleaner."},
                {"horizon": "period", "kind": "language", "text": "Finnish A2.1."},
            ],
            "services": [
                {"kind": "guidance", "description": "Career guidance", "justification": "Goal"}
            ],
            "job_search_obligation": {"applications": 4, "period_months": 1},
            "rights_explained": True,
        },
        ("PATCH", "/api/v1/plans/{id}/"): {"follow_up": "Weekly."},
        ("POST", "/api/v1/plans/{id}/transition/"): {"to": "agreed", "reason": "agreed"},
        ("POST", "/api/v1/plans/{id}/reviews/"): {"summary": "On track."},
        ("POST", "/api/v1/appointments/"): {
            "participant": first["participants"],
            "kind": "job_search_discussion",
            "starts_at": f"{_day(3)}T10:00:00+02:00",
            "channel": "phone",
        },
        ("PATCH", "/api/v1/appointments/{id}/"): {"channel": "video"},
        ("POST", "/api/v1/appointments/{id}/transition/"): {"to": "cancelled", "reason": "ill"},
    }


# Hooks: steer the generated requests towards real objects -----------------------------------------


def _label(context: schemathesis.HookContext) -> tuple[str, str]:
    operation = context.operation
    return (operation.method.upper(), operation.path) if operation else ("", "")


def _with_nasty_string(value: dict[str, Any]) -> st.SearchStrategy:
    keys = sorted(value)
    if not keys:
        return st.just(value)
    return st.tuples(st.sampled_from(keys), st.sampled_from(NASTY_STRINGS)).map(
        lambda pair: {**value, pair[0]: pair[1]}
    )


@schema.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any]
) -> st.SearchStrategy:
    """Two generated path ids in three are swapped for ids of the caseload."""
    known = KNOWN.get(_resource(_label(context)[1]) or "")
    if not known or not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    name = "code" if "code" in path_parameters else "id"
    if name not in path_parameters:
        return st.just(path_parameters)
    real = st.sampled_from(known).map(lambda value: {**path_parameters, name: value})
    return st.one_of(st.just(path_parameters), real, real)


@schema.hook
def flatmap_body(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy:
    """The generated body as it is; a valid body, or one with one or two generated fields laid over it;
    generated references swapped for real objects; or one field given a nasty string."""
    if not isinstance(body, dict):
        return st.just(body)
    options = [st.just(body)]
    valid = _valid_bodies().get(_label(context))
    if valid is not None:
        options.append(st.just(valid))
        keys = sorted(body)
        options.append(
            st.lists(st.sampled_from(keys), unique=True, max_size=2).map(
                lambda chosen: {**valid, **{key: body[key] for key in chosen}}
            )
            if keys
            else st.just(valid)
        )
        options.append(_with_nasty_string(valid))
    swaps = {
        field: KNOWN[source]
        for field, source in _BODY_REFERENCES.items()
        if field in body and KNOWN.get(source)
    }
    if swaps:
        options.append(
            st.fixed_dictionaries(
                {field: st.sampled_from(values) for field, values in swaps.items()}
            ).map(lambda replaced: {**body, **replaced})
        )
    return st.one_of(*options)


@schema.hook
def flatmap_query(context: schemathesis.HookContext, query: Any) -> st.SearchStrategy:
    """Query strings sometimes carry a NUL-laden or a huge value."""
    if not isinstance(query, dict) or not query:
        return st.just(query)
    return st.one_of(st.just(query), st.just(query), _with_nasty_string(query))


@schema.hook
def flatmap_headers(context: schemathesis.HookContext, headers: Any) -> st.SearchStrategy:
    """If-Match is often the version the object has right now, so PATCHes get through."""
    if not isinstance(headers, dict) or "If-Match" not in headers:
        return st.just(headers)
    return st.one_of(st.just(headers), st.just({**headers, "If-Match": CURRENT_VERSION}))


def _current_version(path: str) -> str:
    model = _MODELS.get(_resource(path) or "")
    parts = [part for part in path.split("/") if part]
    if model is None or len(parts) < 4:
        return '"0"'
    try:
        object_id = uuid.UUID(parts[3])
    except ValueError:
        return '"0"'
    row = model.objects.filter(uuid=object_id).values("version").first()
    return f'"{row["version"]}"' if row else '"0"'


_COVERAGE_SEEN: dict[str, int] = {}


def _steer_coverage_case(case: Any) -> None:
    """Schemathesis' coverage cases bypass the hooks; two in three of those with a path id get
    a real one, so their boundary values and wrong types reach the object's validation."""
    if case.meta is None or case.meta.phase.name != TestPhase.COVERAGE:
        return
    known = KNOWN.get(_resource(case.operation.path) or "")
    parameters = case.path_parameters or {}
    name = "code" if "code" in parameters else "id"
    if not known or name not in parameters or parameters[name] in known:
        return
    seen = _COVERAGE_SEEN[case.operation.label] = _COVERAGE_SEEN.get(case.operation.label, 0) + 1
    if seen % 3:
        parameters[name] = known[seen % len(known)]


# Fixtures -----------------------------------------------------------------------------------------


@pytest.fixture
def _keep_test_connection():
    """Django's test client keeps the test's connection (and its transaction) open across
    requests; the plain WSGI handler that Schemathesis calls would close it after each one."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def caseload(_keep_test_connection):
    """A counsellor of Jämsä with a real bearer token and one of everything to act on, and the
    pilot's coordinator for the whole-pilot dashboard and the ESF+ report (counsellors get 403
    there)."""
    user = factories.counsellor("182", username="counsellor.jamsa")
    colleague = factories.counsellor("182", username="counsellor.jamsa2")
    token, _ = token_issue(user=user)
    participants = [
        factories.ParticipantFactory(counsellor=user, status="job_seeking"),
        factories.ParticipantFactory(status="active"),
        factories.ParticipantFactory(),
    ]
    consents = [factories.ConsentFactory(participant=p) for p in participants[:2]]
    notes = [factories.CaseNoteFactory(participant=p) for p in participants[:2]]
    language = [factories.LanguageAssessmentFactory(participant=p) for p in participants]
    skills = [factories.SkillAssessmentFactory(participant=p) for p in participants[:2]]
    cards = [factories.LicenceCardFactory(participant=p) for p in participants[:2]]
    employer = factories.EmployerFactory()
    vacancy = factories.VacancyFactory(employer=employer)
    training = factories.TrainingFactory()
    enrolment = factories.EnrolmentFactory(training=training, participant=participants[1])
    match = factories.MatchFactory(vacancy=vacancy, participant=participants[0])
    # shared with the employer (participants[1] consents), for the employer's run
    shared = factories.MatchFactory(
        vacancy=vacancy,
        participant=participants[1],
        status="shared",
        reached_shared_on=datetime.date.today(),
    )
    employer_token, _ = token_issue(user=factories.employer_user(employer))
    outcome = factories.OutcomeFactory(participant=participants[2], employer=employer)
    needs = [
        factories.ServiceNeedsAssessmentFactory(participant=participants[0], completed=True),
        factories.ServiceNeedsAssessmentFactory(participant=participants[1]),
    ]
    plans = [
        factories.PlanFactory(participant=participants[0]),
        factories.PlanFactory(participant=participants[1], agreed=True),
    ]
    appointments = [factories.AppointmentFactory(participant=p) for p in participants[:2]]
    # Outside the counsellor's scope, so that 404 and does_not_exist are exercised too.
    elsewhere = factories.ParticipantFactory(municipality=factories.municipality("992"))

    def ids(objects: list[Any]) -> list[str]:
        return [str(obj.uuid) for obj in objects]

    KNOWN.clear()
    KNOWN.update(
        {
            "participants": ids([*participants, elsewhere]),
            "consents": ids(consents),
            "case-notes": ids(notes),
            "language-assessments": ids(language),
            "skill-assessments": ids(skills),
            "trainings": ids([training]),
            "enrolments": ids([enrolment]),
            "licence-cards": ids(cards),
            "employers": ids([employer]),
            "vacancies": ids([vacancy]),
            "matches": ids([match, shared]),
            "outcomes": ids([outcome]),
            "service-needs-assessments": ids(needs),
            "plans": ids(plans),
            "appointments": ids(appointments),
            "municipalities": ["182", "992"],
            "licence-types": ["hygiene_passport", "occupational_safety", "forklift"],
            "usernames": [user.username, colleague.username],
        }
    )
    coordinator_token, _ = token_issue(user=factories.coordinator(username="coordinator"))
    yield {
        "counsellor": {"Authorization": f"Bearer {token}"},
        "coordinator": {"Authorization": f"Bearer {coordinator_token}"},
        "employer": {"Authorization": f"Bearer {employer_token}"},
    }
    KNOWN.clear()


# Known bugs ---------------------------------------------------------------------------------------
# Each entry names one reported bug and recognises exactly the requests and answers it explains;
# such an answer is not validated (every other answer of the run still is). When the bug is fixed
# the entry simply stops matching; delete it then.


KNOWN_BUGS: dict[str, Any] = {}

#: The known bugs the run met, and the status codes seen per operation.
MET: dict[str, int] = {}
STATUSES: dict[str, dict[int, int]] = {}


def _known_bug(case: Any, response: Any) -> str | None:
    for name, matches in KNOWN_BUGS.items():
        if matches(case, response):
            MET[name] = MET.get(name, 0) + 1
            return name
    return None


@pytest.fixture(scope="module", autouse=True)
def _summary():
    yield
    target = os.environ.get("POLKU_FUZZ_SUMMARY")
    if target:
        with open(target, "w", encoding="utf-8") as handle:
            json.dump({"known_bugs": MET, "statuses": STATUSES}, handle, indent=1, sort_keys=True)


# The test -----------------------------------------------------------------------------------------


@schema.parametrize()
@hypothesis.settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    # No shrinking: a failure's request is printed as a curl command, and CI time is bounded.
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@pytest.mark.slow  # CI runs it once (the SQLite run); make test-fast leaves it out
def test_operation_conforms_to_schema(case, caseload):
    _steer_coverage_case(case)
    if case.headers and case.headers.get("If-Match") == CURRENT_VERSION:
        case.headers["If-Match"] = _current_version(case.formatted_path)
    role = "coordinator" if case.path.startswith(COORDINATOR_PATHS) else "counsellor"
    headers = caseload[role]
    response = case.call(headers=headers)
    counts = STATUSES.setdefault(f"{case.operation.method.upper()} {case.operation.path}", {})
    counts[response.status_code] = counts.get(response.status_code, 0) + 1
    if _known_bug(case, response):
        return
    case.validate_response(response, checks=CHECKS, headers=headers)


#: The operations an employer user may call (docs/access.md), run as that employer: their answers
#: (the pseudonymised ``EmployerMatch`` among them) must conform to the schema as well.
employer_schema = schema.include(
    path_regex=r"^/api/v1/(matches|vacancies|employers|municipalities|licence-types)/"
).exclude(path_regex=r"candidates|dashboard")


@employer_schema.parametrize()
@hypothesis.settings(
    max_examples=max(FUZZ_EXAMPLES // 3, 5),
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_an_employers_answers_conform_to_schema(case, caseload):
    _steer_coverage_case(case)
    if case.headers and case.headers.get("If-Match") == CURRENT_VERSION:
        case.headers["If-Match"] = _current_version(case.formatted_path)
    headers = caseload["employer"]
    response = case.call(headers=headers)
    counts = STATUSES.setdefault(
        f"employer {case.operation.method.upper()} {case.operation.path}", {}
    )
    counts[response.status_code] = counts.get(response.status_code, 0) + 1
    if _known_bug(case, response):
        return
    case.validate_response(response, checks=CHECKS, headers=headers)
