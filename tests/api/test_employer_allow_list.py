"""An allow-list of fields for every answer an employer user can get from the API (docs/access.md
"Field-level rules for employers", §5), on every employer route and at every match status.

Every JSON object in an employer-visible body is checked against the allow-list of its kind, at
every depth (nested candidate profiles, language levels, skills, licence lists, error fields).
Apart from the keys, the values are checked too: a participant's last name, identity code (plain
or masked), date of birth, public id, gender, citizenship and native language never reach an
employer, and first name, phone and email only on that participant's own match from `interview`
on while the `share_with_employers` consent is valid."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction

from casework import services
from casework.models import Consent, Match, Participant
from core import audit
from core.actors import system_actor
from tests import factories
from tests.api.conftest import TODAY, bearer_client, client_for, iso

DAY = datetime.timedelta(days=1)

# Shapes: what an allow-list says about a value -----------------------------------------------


class _Scalar:
    """A plain value (string, number, boolean or null), never an object or a list."""

    def __repr__(self) -> str:
        return "scalar"


class _Null:
    """Exactly null (a candidate the employer may not see)."""

    def __repr__(self) -> str:
        return "null"


class _CheckedBelow:
    """Anything: the test checks these values one by one with their own kinds."""

    def __repr__(self) -> str:
        return "checked below"


SCALAR = _Scalar()
NULL = _Null()
CHECKED_BELOW = _CheckedBelow()


@dataclass(frozen=True)
class Kind:
    """An object with a fixed allow-list of keys, each with the shape of its value."""

    name: str
    fields: dict[str, Any]

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.fields)


@dataclass(frozen=True)
class ListOf:
    item: Any


@dataclass(frozen=True)
class MapOf:
    """An object whose keys vary (a language, a skill, a field name) but come from a fixed set;
    ``key_of`` maps a key to the name that must be in the set (dotted error fields)."""

    name: str
    keys: frozenset[str]
    value: Any
    key_of: Callable[[str], str] = field(default=lambda key: key)


def assert_allowed(value: Any, shape: Any, where: str = "body") -> None:
    """Walk every dict and list of ``value``: each object's keys must be within the allow-list
    of its kind; null only where the shape is a scalar or exactly null."""
    if shape is CHECKED_BELOW:
        return
    if shape is NULL:
        assert value is None, f"{where}: must be null, got {value!r}"
        return
    if shape is SCALAR:
        assert not isinstance(value, dict | list), f"{where}: must be a plain value: {value!r}"
        return
    assert value is not None, f"{where}: null where {shape!r} is expected"
    if isinstance(shape, ListOf):
        assert isinstance(value, list), f"{where}: must be a list, got {value!r}"
        for index, item in enumerate(value):
            assert_allowed(item, shape.item, f"{where}[{index}]")
        return
    assert isinstance(value, dict), f"{where}: must be an object, got {value!r}"
    if isinstance(shape, MapOf):
        outside = sorted(key for key in value if shape.key_of(key) not in shape.keys)
        assert not outside, f"{where} ({shape.name}): keys outside the allow-list: {outside}"
        for key, item in value.items():
            assert_allowed(item, shape.value, f"{where}.{key}")
        return
    outside = sorted(set(value) - shape.keys)
    assert not outside, f"{where} ({shape.name}): keys outside the allow-list: {outside}"
    for key, item in value.items():
        assert_allowed(item, shape.fields[key], f"{where}.{key}")


def leaves(value: Any, where: str = "body") -> Iterator[tuple[str, str]]:
    """Every key and every plain value of a body, as text, with where it is."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{where} (key)", str(key)
            yield from leaves(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, f"{where}[{index}]")
    elif value is not None:
        yield where, str(value)


# The allow-lists -------------------------------------------------------------------------------

SKILLS = frozenset({"reading", "listening", "speaking", "writing"})
LANGUAGES = frozenset({"fi", "sv"})

EMPLOYER = Kind(
    "employer",
    dict.fromkeys(("id", "business_id", "name", "municipality", "industry", "version"), SCALAR),
)
VACANCY = Kind(
    "vacancy",
    {
        **dict.fromkeys(
            ("id", "employer", "employer_name", "title", "occupation_code", "municipality"),
            SCALAR,
        ),
        "required_licences": ListOf(SCALAR),
        "language": SCALAR,
        "language_requirements": MapOf("language requirements", SKILLS, SCALAR),
        **dict.fromkeys(("starts_on", "positions", "status", "version"), SCALAR),
    },
)
MUNICIPALITY = Kind(
    "municipality",
    dict.fromkeys(
        ("code", "name_fi", "name_sv", "region_code", "employment_area", "employment_area_name"),
        SCALAR,
    ),
)
LICENCE_TYPE = Kind(
    "licence type",
    dict.fromkeys(("code", "name_fi", "name_sv", "name_en", "issuer", "validity_years"), SCALAR),
)
PSEUDONYMOUS_FIELDS: dict[str, Any] = {
    "reference": SCALAR,
    "age_band": SCALAR,
    "municipality": SCALAR,
    "language_levels": MapOf(
        "language levels", LANGUAGES, MapOf("levels per skill", SKILLS, SCALAR)
    ),
    "licence_cards": ListOf(SCALAR),
    "skills": ListOf(
        Kind("skill", dict.fromkeys(("occupation_code", "level", "years_experience"), SCALAR))
    ),
    "available_from": SCALAR,
}
PSEUDONYMOUS_CANDIDATE = Kind("pseudonymous candidate", PSEUDONYMOUS_FIELDS)
CANDIDATE_WITH_CONTACTS = Kind(
    "candidate with contacts",
    {**PSEUDONYMOUS_FIELDS, **dict.fromkeys(("first_name", "phone", "email"), SCALAR)},
)


def match_kind(candidate: Any) -> Kind:
    return Kind(
        f"match ({candidate!r})",
        {
            **dict.fromkeys(("id", "vacancy", "status", "score", "reason", "reason_code"), SCALAR),
            "candidate": candidate,
            "version": SCALAR,
        },
    )


def page_of(item: Any) -> Kind:
    return Kind(
        "page",
        {"count": SCALAR, "next": SCALAR, "previous": SCALAR, "results": ListOf(item)},
    )


#: The fields an employer's request bodies can name (errors are keyed by them, nested ones dotted).
REQUEST_FIELDS = frozenset(
    {
        # vacancy create, patch and transition
        "employer", "title", "occupation_code", "municipality", "required_licences", "language",
        "language_requirements", "starts_on", "positions", "to", "reason",
        # match transition
        "reason_code", "contract_type", "hours_per_week",
        # the body as a whole
        "non_field_errors",
    }
)  # fmt: skip
ERROR = Kind(
    "error envelope",
    {
        "code": SCALAR,
        "detail": SCALAR,
        **dict.fromkeys(
            ("errors", "error_codes"),
            MapOf(
                "field errors", REQUEST_FIELDS, ListOf(SCALAR), key_of=lambda key: key.split(".")[0]
            ),
        ),
    },
)


# People and what must stay hidden ------------------------------------------------------------

_CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def identity_code(born: datetime.date, individual: int) -> str:
    """A valid henkilötunnus for someone born in the 1900s (docs/domain.md)."""
    stem = f"{born:%d%m%y}{individual:03d}"
    return f"{born:%d%m%y}-{individual:03d}{_CHECK_CHARACTERS[int(stem) % 31]}"


@dataclass(frozen=True)
class Person:
    """What an employer must not read about one participant."""

    never: frozenset[str]  # at no status
    contacts: frozenset[str]  # only on this person's own match, from interview on
    #: Values chosen by this module, distinctive enough to look for inside longer text too.
    distinctive: bool

    def check(self, body: Any, *, contacts_allowed: bool, where: str = "body") -> None:
        hidden = self.never if contacts_allowed else self.never | self.contacts
        for place, text in leaves(body, where):
            assert text not in hidden, f"{place} reveals {text!r}"
            if self.distinctive:
                for secret in hidden:
                    assert secret not in text, f"{place} reveals {secret!r} inside {text!r}"


def person_of(participant: Participant, code: str | None = None, distinctive=False) -> Person:
    stored = Participant.objects.get(pk=participant.pk)
    never = {
        stored.last_name,
        stored.date_of_birth.isoformat(),
        str(stored.uuid),
        stored.gender,
        stored.citizenship,
        stored.native_language,
    }
    if code:
        never |= {code, stored.identity_code_masked}
    contacts = {stored.first_name, stored.phone, stored.email}
    return Person(
        never=frozenset(value for value in never if value),
        contacts=frozenset(value for value in contacts if value),
        distinctive=distinctive,
    )


AMINA_BORN = datetime.date(1987, 11, 4)
AMINA_CODE = identity_code(AMINA_BORN, 123)


def candidate_amina(world) -> tuple[Participant, Consent, Person]:
    """A participant with everything an employer could be shown: an identity code, valid and
    expired cards, a language and a skill assessment, and consent to share with employers."""
    participant = services.participant_create(
        actor=world.counsellor,
        municipality=factories.municipality("182"),
        first_name="Amina",
        last_name="Qaderi",
        date_of_birth=AMINA_BORN,
        personal_identity_code=AMINA_CODE,
        gender="non_binary",
        citizenship="AF",
        native_language="prs",
        labour_market_status="long_term_unemployed",
        phone="+358 40 555 0199",
        email="amina.q@example.fi",
        available_from=TODAY + 14 * DAY,
        counsellor=world.counsellor,
    )
    participant = services.participant_transition(
        actor=world.counsellor, participant=participant, to="active", reason="first meeting"
    )
    factories.LanguageAssessmentFactory(participant=participant)
    factories.SkillAssessmentFactory(participant=participant)
    factories.LicenceCardFactory(participant=participant)
    factories.LicenceCardFactory(
        participant=participant,
        licence_type=factories.licence_type("forklift"),
        issued_on=TODAY - 400 * DAY,
        valid_until=TODAY - DAY,
    )
    consent = factories.ConsentFactory(participant=participant)
    return participant, consent, person_of(participant, AMINA_CODE, distinctive=True)


def everyone() -> list[Person]:
    """Every participant in the database, with what must not reach an employer."""
    return [
        # only Amina has an identity code here, and only her values are distinctive
        person_of(p, AMINA_CODE if p.has_identity_code else None, p.has_identity_code)
        for p in Participant.objects.all()
    ]


def assert_no_personal_data(body: Any) -> None:
    for person in everyone():
        person.check(body, contacts_allowed=False)


# Reaching a match status ---------------------------------------------------------------------


def _ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


@dataclass
class Scene:
    """One match of Amina's with the world's employer, on ``vacancy2``."""

    world: Any
    participant: Participant
    consent: Consent
    amina: Person
    match_id: str
    counsellor: Any
    employer: Any

    def transition(self, client, body):
        return client.post(f"/api/v1/matches/{self.match_id}/transition/", body, format="json")


def _share(scene):
    _ok(scene.transition(scene.counsellor, {"to": "shared", "reason": "good fit"}))


def _interview(scene):
    _ok(scene.transition(scene.employer, {"to": "interview", "reason": "invited"}))


def _hire(scene):
    body = {"to": "hired", "starts_on": iso(TODAY + 7 * DAY), "contract_type": "permanent"}
    _ok(scene.transition(scene.employer, {**body, "hours_per_week": "37.5"}))


def _reject(scene):
    _ok(scene.transition(scene.employer, {"to": "rejected", "reason_code": "skills_mismatch"}))


def _decline(scene):
    body = {"to": "declined", "reason": "other plans", "reason_code": "candidate_withdrew"}
    _ok(scene.transition(scene.counsellor, body))


def _withdraw(scene):
    body = {"to": "withdrawn", "reason": "paused", "reason_code": "other"}
    _ok(scene.transition(scene.counsellor, body))


def _withdraw_consent(scene):
    _ok(scene.counsellor.post(f"/api/v1/consents/{scene.consent.uuid}/withdraw/", {}))


def _expire_consent(scene):
    """The consent ran out yesterday (test data changed through the audit module)."""
    with transaction.atomic():
        consent = Consent.objects.get(pk=scene.consent.pk)
        consent.expires_on = TODAY - DAY
        audit.save_changes(consent, actor=system_actor(), reason="test data: consent ran out")


STEPS = {
    "share": _share,
    "interview": _interview,
    "hire": _hire,
    "reject": _reject,
    "decline": _decline,
    "withdraw": _withdraw,
    "withdraw consent": _withdraw_consent,
    "expire consent": _expire_consent,
}

#: Every state in which an employer can see a match: the steps that lead there, the status, and
#: the kind of ``candidate`` the employer may read.
SCENARIOS = {
    "shared": (("share",), "shared", PSEUDONYMOUS_CANDIDATE),
    "interview": (("share", "interview"), "interview", CANDIDATE_WITH_CONTACTS),
    "hired": (("share", "interview", "hire"), "hired", CANDIDATE_WITH_CONTACTS),
    "rejected when shared": (("share", "reject"), "rejected", NULL),
    "rejected after interview": (("share", "interview", "reject"), "rejected", NULL),
    "declined after interview": (("share", "interview", "decline"), "declined", NULL),
    "withdrawn by the counsellor": (("share", "withdraw"), "withdrawn", NULL),
    "shared, consent withdrawn": (("share", "withdraw consent"), "shared", NULL),
    "interview, consent withdrawn": (
        ("share", "interview", "withdraw consent"), "interview", NULL,
    ),
    "hired, consent withdrawn": (
        ("share", "interview", "hire", "withdraw consent"), "hired", NULL,
    ),
    "shared, consent expired": (("share", "expire consent"), "shared", NULL),
    "interview, consent expired": (("share", "interview", "expire consent"), "interview", NULL),
    "hired, consent expired": (("share", "interview", "hire", "expire consent"), "hired", NULL),
}  # fmt: skip


def scene_at(world, scenario: str) -> Scene:
    participant, consent, amina = candidate_amina(world)
    counsellor = client_for(world.counsellor)
    proposed = counsellor.post(
        "/api/v1/matches/",
        {"vacancy": str(world.vacancy2.uuid), "participant": str(participant.uuid)},
        format="json",
    )
    scene = Scene(
        world=world,
        participant=participant,
        consent=consent,
        amina=amina,
        match_id=_ok(proposed, 201)["id"],
        counsellor=counsellor,
        employer=bearer_client(world.employer_user),
    )
    steps, status, _candidate = SCENARIOS[scenario]
    for step in steps:
        STEPS[step](scene)
    assert Match.objects.get(uuid=scene.match_id).status == status
    return scene


def check_match(body: dict[str, Any], candidate: Any, person: Person, where="match") -> None:
    """One employer-visible match: allow-listed keys at every depth, the candidate of the
    expected kind (exactly its keys), and nothing of the person beyond what that kind allows."""
    assert_allowed(body, match_kind(candidate), where)
    if isinstance(candidate, Kind):
        assert set(body["candidate"]) == candidate.keys, where
        # the nested structures are really there, so the walk above looked inside them
        assert body["candidate"]["language_levels"] and body["candidate"]["skills"], where
    person.check(body, contacts_allowed=candidate is CANDIDATE_WITH_CONTACTS, where=where)


# The checker itself can fail -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "shape"),
    [
        ({"id": "x", "participant": "y"}, EMPLOYER),
        ({"count": 1, "next": None, "previous": None, "results": [{"extra": 1}]}, page_of(VACANCY)),
        ({"language_requirements": {"speaking": "A2.1", "gender": "female"}}, VACANCY),
        ({"candidate": {"reference": "r", "last_name": "Qaderi"}}, match_kind(CANDIDATE_WITH_CONTACTS)),
        ({"candidate": {"reference": "r", "first_name": "Amina"}}, match_kind(PSEUDONYMOUS_CANDIDATE)),
        ({"candidate": {"skills": [{"occupation_code": "9112", "notes": "x"}]}}, match_kind(PSEUDONYMOUS_CANDIDATE)),
        ({"candidate": {"language_levels": {"fi": {"speaking": "A2.1", "dob": "x"}}}}, match_kind(PSEUDONYMOUS_CANDIDATE)),
        ({"candidate": {"language_levels": {"prs": {}}}}, match_kind(PSEUDONYMOUS_CANDIDATE)),
        ({"candidate": {"reference": "r"}}, match_kind(NULL)),
        ({"candidate": None}, match_kind(PSEUDONYMOUS_CANDIDATE)),
        ({"title": {"nested": "object"}}, VACANCY),
        ({"code": "x", "detail": "y", "errors": {"last_name": ["bad"]}}, ERROR),
        ({"code": "x", "detail": "y", "participant": "z"}, ERROR),
    ],
)  # fmt: skip
def test_the_allow_list_checker_refuses_a_key_or_shape_at_any_depth(body, shape):
    with pytest.raises(AssertionError):
        assert_allowed(body, shape)


@pytest.mark.parametrize(
    ("body", "contacts_allowed"),
    [
        ({"reason": "Qaderi"}, True),
        ({"reason": "call Amina Qaderi"}, True),
        ({"x": [{"y": AMINA_CODE}]}, True),
        ({"x": "041187-****"}, True),
        ({"x": "1987-11-04"}, True),
        ({"x": "AF"}, True),
        ({"x": "prs"}, True),
        ({"x": {"+358 40 555 0199": 1}}, False),
        ({"x": "amina.q@example.fi"}, False),
        ({"x": "Amina"}, False),
    ],
)
def test_the_personal_data_checker_finds_a_value_at_any_depth(world, body, contacts_allowed):
    _participant, _consent, amina = candidate_amina(world)
    with pytest.raises(AssertionError):
        amina.check(body, contacts_allowed=contacts_allowed)


# Matches: list and detail at every status ------------------------------------------------------


@pytest.mark.parametrize("view", ["list", "detail"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_an_employer_reads_only_allow_listed_match_fields(world, scenario, view):
    # given Amina's match in this state, beside the world's shared match of another participant
    scene = scene_at(world, scenario)
    _steps, status, candidate = SCENARIOS[scenario]
    expected = {
        scene.match_id: (candidate, scene.amina),
        str(world.match.uuid): (PSEUDONYMOUS_CANDIDATE, person_of(world.participant)),
    }

    # when
    if view == "list":
        body = _ok(scene.employer.get("/api/v1/matches/"))
    else:
        body = _ok(scene.employer.get(f"/api/v1/matches/{scene.match_id}/"))

    # then
    if view == "list":
        assert_allowed(body, page_of(CHECKED_BELOW))
        assert {m["id"] for m in body["results"]} == set(expected)
        matches = body["results"]
    else:
        matches = [body]
    for match in matches:
        kind, person = expected[match["id"]]
        check_match(match, kind, person, where=f"match {match['id']}")
    mine = next(m for m in matches if m["id"] == scene.match_id)
    assert mine["status"] == status
    for other in everyone():
        if other not in (scene.amina, person_of(world.participant)):
            other.check(body, contacts_allowed=False)


def second_shared_match(scene: Scene) -> str:
    """Amina's second match, on the world's first vacancy, shared with the employer."""
    vacancy = scene.world.vacancy
    proposed = scene.counsellor.post(
        "/api/v1/matches/",
        {"vacancy": str(vacancy.uuid), "participant": str(scene.participant.uuid)},
        format="json",
    )
    match_id = _ok(proposed, 201)["id"]
    _ok(
        scene.counsellor.post(
            f"/api/v1/matches/{match_id}/transition/", {"to": "shared"}, format="json"
        )
    )
    return match_id


def test_contacts_go_with_the_interview_match_only(world):
    # given Amina at interview for one vacancy and only shared for another of the same employer
    scene = scene_at(world, "interview")
    shared = second_shared_match(scene)

    # when
    body = _ok(scene.employer.get("/api/v1/matches/"))

    # then
    by_id = {m["id"]: m for m in body["results"]}
    check_match(by_id[scene.match_id], CANDIDATE_WITH_CONTACTS, scene.amina)
    check_match(by_id[shared], PSEUDONYMOUS_CANDIDATE, scene.amina)
    # and the two matches of one person cannot be linked
    assert (
        by_id[scene.match_id]["candidate"]["reference"] != by_id[shared]["candidate"]["reference"]
    )


# Matches: every answer to an employer's transition --------------------------------------------

_HIRE = {"to": "hired", "starts_on": iso(TODAY + 7 * DAY), "contract_type": "fixed_term"}


@pytest.mark.parametrize(
    ("scenario", "body", "status", "candidate"),
    [
        ("shared", {"to": "interview", "reason": "invited"}, 200, CANDIDATE_WITH_CONTACTS),
        ("shared", {"to": "rejected", "reason_code": "language_insufficient"}, 200, NULL),
        ("interview", _HIRE, 200, CANDIDATE_WITH_CONTACTS),
        ("interview", {"to": "rejected", "reason_code": "no_show"}, 200, NULL),
        ("shared, consent withdrawn", {"to": "interview"}, 200, NULL),
        ("shared, consent expired", {"to": "interview"}, 200, NULL),
        ("interview, consent withdrawn", _HIRE, 200, NULL),
        ("interview, consent expired", _HIRE, 200, NULL),
        ("interview, consent expired", {"to": "rejected", "reason_code": "other"}, 200, NULL),
        # refused: the error envelope
        ("shared", {"to": "hired"}, 409, ERROR),
        ("shared", {"to": "rejected"}, 400, ERROR),
        ("shared", {"to": "interview", "reason_code": "other"}, 400, ERROR),
        ("shared", {"to": "nonsense"}, 400, ERROR),
        ("shared", {"to": "withdrawn", "reason_code": "other"}, 403, ERROR),
        ("interview", {"to": "declined", "reason_code": "other"}, 403, ERROR),
        ("interview", {**_HIRE, "contract_type": "zero_hours"}, 400, ERROR),
        ("interview", {**_HIRE, "hours_per_week": "99"}, 400, ERROR),
        ("hired", {"to": "rejected", "reason_code": "other"}, 409, ERROR),
        ("hired, consent withdrawn", {"to": "rejected", "reason_code": "other"}, 409, ERROR),
        ("rejected after interview", {"to": "interview"}, 409, ERROR),
        ("declined after interview", _HIRE, 409, ERROR),
        ("withdrawn by the counsellor", {"to": "interview"}, 409, ERROR),
    ],
)
def test_every_answer_to_an_employer_transition_is_allow_listed(
    world, scenario, body, status, candidate
):
    # given
    scene = scene_at(world, scenario)

    # when
    response = scene.transition(scene.employer, body)

    # then
    assert response.status_code == status, response.content
    answer = response.json()
    if candidate is ERROR:
        assert_allowed(answer, ERROR)
        assert_no_personal_data(answer)
        return
    assert answer["status"] == body["to"]
    check_match(answer, candidate, scene.amina)
    # and a fresh read agrees with the answer
    check_match(
        _ok(scene.employer.get(f"/api/v1/matches/{scene.match_id}/")), candidate, scene.amina
    )


def test_a_stale_if_match_on_a_transition_answers_412_without_personal_data(world):
    scene = scene_at(world, "shared")
    response = scene.employer.post(
        f"/api/v1/matches/{scene.match_id}/transition/",
        {"to": "interview"},
        format="json",
        HTTP_IF_MATCH='"99"',
    )
    assert response.status_code == 412, response.content
    assert_allowed(response.json(), ERROR)
    assert_no_personal_data(response.json())


@pytest.mark.parametrize("afterwards", ["withdraw consent", "expire consent", "withdraw"])
def test_a_replayed_transition_answer_shows_no_more_than_a_fresh_read(world, afterwards):
    # given the employer invited Amina to an interview with an Idempotency-Key
    scene = scene_at(world, "shared")
    url = f"/api/v1/matches/{scene.match_id}/transition/"
    first = scene.employer.post(url, {"to": "interview"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    check_match(_ok(first), CANDIDATE_WITH_CONTACTS, scene.amina)
    # and then the employer lost the right to see her
    STEPS[afterwards](scene)
    fresh = _ok(scene.employer.get(url.removesuffix("transition/")))
    check_match(fresh, NULL, scene.amina, where="fresh read")

    # when the employer's client retries the same request
    retry = scene.employer.post(url, {"to": "interview"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")

    # then the answer shows no more than a fresh read would
    assert retry.status_code in (200, 409), retry.content
    answer = retry.json()
    if retry.status_code == 200:
        check_match(answer, NULL, scene.amina, where="replayed answer")
    else:
        assert_allowed(answer, ERROR)
        assert_no_personal_data(answer)


# The other employer routes -------------------------------------------------------------------


def _vacancy_body(**overrides):
    return {
        "title": "Warehouse worker",
        "occupation_code": "9333",
        "municipality": "182",
        "required_licences": ["occupational_safety", "forklift"],
        "language_requirements": {"speaking": "A2.2", "reading": "A2.1"},
        "starts_on": iso(TODAY + 45 * DAY),
        "positions": 3,
        **overrides,
    }


# (name, method, path, body, status, shape)
ROUTES = [
    ("employers list", "get", lambda c: "/api/v1/employers/", None, 200, page_of(EMPLOYER)),
    ("employer detail", "get", lambda c: f"/api/v1/employers/{c.employer}/", None, 200, EMPLOYER),
    ("vacancies list", "get", lambda c: "/api/v1/vacancies/", None, 200, page_of(VACANCY)),
    ("vacancy detail", "get", lambda c: f"/api/v1/vacancies/{c.vacancy}/", None, 200, VACANCY),
    ("vacancy create", "post", lambda c: "/api/v1/vacancies/", _vacancy_body(), 201, VACANCY),
    (
        "vacancy patch",
        "patch",
        lambda c: f"/api/v1/vacancies/{c.vacancy}/",
        {"title": "Cleaner, mornings", "required_licences": ["hygiene_passport"]},
        200,
        VACANCY,
    ),
    (
        "vacancy transition",
        "post",
        lambda c: f"/api/v1/vacancies/{c.vacancy}/transition/",
        {"to": "filled", "reason": "all positions taken"},
        200,
        VACANCY,
    ),
    ("licence types list", "get", lambda c: "/api/v1/licence-types/", None, 200, page_of(LICENCE_TYPE)),
    ("licence type detail", "get", lambda c: "/api/v1/licence-types/forklift/", None, 200, LICENCE_TYPE),
    ("municipalities list", "get", lambda c: "/api/v1/municipalities/", None, 200, page_of(MUNICIPALITY)),
    ("municipality detail", "get", lambda c: "/api/v1/municipalities/182/", None, 200, MUNICIPALITY),
]  # fmt: skip


@dataclass
class Context:
    """Public ids for the routes: the employer's own, another employer's, and Amina's."""

    employer: str
    vacancy: str
    other_employer: str
    other_vacancy: str
    other_match: str
    participant: str
    consent: str
    proposed_match: str
    case_note: str
    outcome: str


@pytest.fixture
def context(world) -> Context:
    participant, consent, _amina = candidate_amina(world)
    proposed = factories.MatchFactory(vacancy=world.vacancy2, participant=participant)
    other_employer = world.other_employer_user.employer_membership.employer
    other_vacancy = factories.VacancyFactory(employer=other_employer)
    factories.ConsentFactory(participant=world.other_participant)
    other_match = factories.MatchFactory(
        vacancy=other_vacancy,
        participant=world.other_participant,
        status="interview",
        reached_shared_on=TODAY - DAY,
    )
    return Context(
        employer=str(world.employer.uuid),
        vacancy=str(world.vacancy.uuid),
        other_employer=str(other_employer.uuid),
        other_vacancy=str(other_vacancy.uuid),
        other_match=str(other_match.uuid),
        participant=str(participant.uuid),
        consent=str(consent.uuid),
        proposed_match=str(proposed.uuid),
        case_note=str(world.case_note.uuid),
        outcome=str(world.outcome.uuid),
    )


def _send(client, context, method, path, body, **headers):
    """``path`` is a function of the context's ids; ``body`` None, a dict or such a function."""
    if callable(body):
        body = body(context)
    if body is None:
        return getattr(client, method)(path(context), **headers)
    return getattr(client, method)(path(context), body, format="json", **headers)


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "shape"),
    [pytest.param(*case[1:], id=case[0]) for case in ROUTES],
)
def test_every_other_employer_route_answers_only_allow_listed_fields(
    world, context, method, path, body, status, shape
):
    # given
    employer = bearer_client(world.employer_user)
    headers = {"HTTP_IF_MATCH": '"1"'} if method == "patch" else {}

    # when
    response = _send(employer, context, method, path, body, **headers)

    # then
    assert response.status_code == status, response.content
    answer = response.json()
    assert_allowed(answer, shape)
    if shape.name == "page":
        assert answer["results"], "an empty page would check nothing"
    assert_no_personal_data(answer)


_IF_MATCH = {"HTTP_IF_MATCH": '"1"'}

# (name, method, path, body, headers, status, code)
ERRORS = [
    ("employer create", "post", lambda c: "/api/v1/employers/", {"business_id": "0112038-9", "name": "X", "municipality": "182"}, {}, 403, "permission_denied"),
    ("own employer patch", "patch", lambda c: f"/api/v1/employers/{c.employer}/", {"name": "X"}, _IF_MATCH, 403, "permission_denied"),
    ("other employer detail", "get", lambda c: f"/api/v1/employers/{c.other_employer}/", None, {}, 404, "not_found"),
    ("other vacancy detail", "get", lambda c: f"/api/v1/vacancies/{c.other_vacancy}/", None, {}, 404, "not_found"),
    ("other vacancy patch", "patch", lambda c: f"/api/v1/vacancies/{c.other_vacancy}/", {"title": "X"}, _IF_MATCH, 404, "not_found"),
    ("vacancy patch without If-Match", "patch", lambda c: f"/api/v1/vacancies/{c.vacancy}/", {"title": "X"}, {}, 428, "precondition_required"),
    ("vacancy patch with a stale If-Match", "patch", lambda c: f"/api/v1/vacancies/{c.vacancy}/", {"title": "X"}, {"HTTP_IF_MATCH": '"99"'}, 412, "precondition_failed"),
    ("vacancy create, invalid shape", "post", lambda c: "/api/v1/vacancies/", _vacancy_body(positions=0, starts_on="soon"), {}, 400, "validation_error"),
    ("vacancy create, invalid values", "post", lambda c: "/api/v1/vacancies/", _vacancy_body(occupation_code="93", language_requirements={"speaking": "D1.1"}, required_licences=["jetpack"]), {}, 400, "validation_error"),
    ("vacancy patch, invalid level", "patch", lambda c: f"/api/v1/vacancies/{c.vacancy}/", {"language_requirements": {"speaking": "D1.1"}, "required_licences": ["jetpack"]}, _IF_MATCH, 400, "validation_error"),
    ("vacancy create, municipality out of area", "post", lambda c: "/api/v1/vacancies/", _vacancy_body(municipality="992"), {}, 400, "validation_error"),
    ("vacancy create, not JSON", "post", lambda c: "/api/v1/vacancies/", None, {}, 415, "unsupported_media_type"),
    ("vacancy transition, invalid", "post", lambda c: f"/api/v1/vacancies/{c.vacancy}/transition/", {"to": "open"}, {}, 409, "invalid_transition"),
    ("vacancy put", "put", lambda c: f"/api/v1/vacancies/{c.vacancy}/", _vacancy_body(), {}, 405, "method_not_allowed"),
    ("vacancy candidates", "get", lambda c: f"/api/v1/vacancies/{c.vacancy}/candidates/", None, {}, 403, "permission_denied"),
    ("match create", "post", lambda c: "/api/v1/matches/", lambda c: {"vacancy": c.vacancy, "participant": c.participant}, {}, 403, "permission_denied"),
    ("proposed match detail", "get", lambda c: f"/api/v1/matches/{c.proposed_match}/", None, {}, 404, "not_found"),
    ("proposed match transition", "post", lambda c: f"/api/v1/matches/{c.proposed_match}/transition/", {"to": "interview"}, {}, 404, "not_found"),
    ("other employer's match detail", "get", lambda c: f"/api/v1/matches/{c.other_match}/", None, {}, 404, "not_found"),
    ("other employer's match transition", "post", lambda c: f"/api/v1/matches/{c.other_match}/transition/", {"to": "hired"}, {}, 404, "not_found"),
    ("match detail, not a uuid", "get", lambda c: "/api/v1/matches/not-a-uuid/", None, {}, 404, "not_found"),
    ("matches options", "options", lambda c: "/api/v1/matches/", None, {}, 405, "method_not_allowed"),
    ("participants list", "get", lambda c: "/api/v1/participants/", None, {}, 403, "permission_denied"),
    ("participant detail", "get", lambda c: f"/api/v1/participants/{c.participant}/", None, {}, 403, "permission_denied"),
    ("participant history", "get", lambda c: f"/api/v1/participants/{c.participant}/history/", None, {}, 403, "permission_denied"),
    ("participant access log", "get", lambda c: f"/api/v1/participants/{c.participant}/access-log/", None, {}, 403, "permission_denied"),
    ("participant consents", "get", lambda c: f"/api/v1/participants/{c.participant}/consents/", None, {}, 403, "permission_denied"),
    ("consent withdraw", "post", lambda c: f"/api/v1/consents/{c.consent}/withdraw/", {}, {}, 403, "permission_denied"),
    ("case note detail", "get", lambda c: f"/api/v1/case-notes/{c.case_note}/", None, {}, 403, "permission_denied"),
    ("outcome detail", "get", lambda c: f"/api/v1/outcomes/{c.outcome}/", None, {}, 403, "permission_denied"),
    *[
        (f"{path} list", "get", lambda c, path=path: f"/api/v1/{path}/", None, {}, 403, "permission_denied")
        for path in ("case-notes", "language-assessments", "skill-assessments", "trainings", "enrolments", "licence-cards", "outcomes")
    ],
    ("municipality dashboard", "get", lambda c: "/api/v1/municipalities/182/dashboard/", None, {}, 403, "permission_denied"),
    ("pilot dashboard", "get", lambda c: "/api/v1/dashboard/", None, {}, 403, "permission_denied"),
    ("esf report", "get", lambda c: "/api/v1/reports/esf/", None, {}, 403, "permission_denied"),
    ("another municipality", "get", lambda c: "/api/v1/municipalities/992/", None, {}, 404, "not_found"),
    ("no such licence type", "get", lambda c: "/api/v1/licence-types/jetpack/", None, {}, 404, "not_found"),
    ("no such route", "get", lambda c: "/api/v1/nothing-here/", None, {}, 404, "not_found"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status", "code"),
    [pytest.param(*case[1:], id=case[0]) for case in ERRORS],
)
def test_every_error_an_employer_gets_is_the_bare_envelope(
    world, context, method, path, body, headers, status, code
):
    # given
    employer = bearer_client(world.employer_user)

    # when
    if code == "unsupported_media_type":
        response = employer.post(path(context), "title=x", content_type="text/plain")
    else:
        response = _send(employer, context, method, path, body, **headers)

    # then
    assert response.status_code == status, response.content
    answer = response.json()
    assert answer["code"] == code
    assert_allowed(answer, ERROR)
    assert ("errors" in answer) == ("error_codes" in answer) == (status == 400)
    assert_no_personal_data(answer)


# Free text: a counsellor's words never reach an employer (docs/domain.md Match, ADR 13) ------------

#: Every free-text field an employer route could show, and who writes it (a new one fails below).
FREE_TEXT_FIELDS = {
    "casework.CaseNote.text": "counsellor",
    "casework.Vacancy.status_reason": "counsellor or employer",
    "casework.Match.reason": "counsellor",
    "casework.Match.employer_reason": "employer (the only free text an employer reads back)",
    "assessments.Enrolment.status_reason": "counsellor",
}


def test_every_free_text_field_is_listed():
    from django.apps import apps
    from django.db import models

    found = {
        f"{model._meta.label}.{model_field.name}"
        for model in apps.get_models()
        if model._meta.app_label in ("casework", "assessments")
        and not model.__name__.startswith("Historical")
        for model_field in model._meta.get_fields()
        if isinstance(model_field, models.TextField)
        and not model_field.choices
        and model_field.name != "identity_code_encrypted"
    }
    assert found == set(FREE_TEXT_FIELDS)


def test_no_free_text_of_a_counsellor_reaches_an_employer(world):
    # given Amina, with a counsellor's words in every free-text field and every history reason
    from assessments import services as assessment_services
    from casework.models import Vacancy

    participant, _consent, _amina = candidate_amina(world)
    counsellor = client_for(world.counsellor)
    employer = bearer_client(world.employer_user)
    secret = iter(f"SECRET-{n}-counsellor-words" for n in range(100))
    services.participant_transition(
        actor=world.counsellor, participant=participant, to="job_seeking", reason=next(secret)
    )
    services.case_note_create(
        actor=world.counsellor,
        participant=participant,
        kind="meeting",
        occurred_at=datetime.datetime.now(datetime.UTC),
        text=next(secret),
    )
    enrolment = assessment_services.enrolment_create(
        actor=world.counsellor, training=world.training, participant=participant
    )
    assessment_services.enrolment_transition(
        actor=world.counsellor, enrolment=enrolment, to="cancelled", reason=next(secret)
    )
    services.vacancy_transition(
        actor=world.counsellor,
        vacancy=Vacancy.objects.get(pk=world.vacancy.pk),
        to="filled",
        reason=next(secret),
    )
    services.vacancy_transition(
        actor=world.counsellor,
        vacancy=Vacancy.objects.get(pk=world.vacancy.pk),
        to="open",
        reason=next(secret),
    )
    answers = []
    match_ids = []
    for vacancy in (world.vacancy2, world.vacancy):
        body = {"vacancy": str(vacancy.uuid), "participant": str(participant.uuid)}
        proposed = counsellor.post(
            "/api/v1/matches/", {**body, "reason": next(secret)}, format="json"
        )
        match_ids.append(_ok(proposed, 201)["id"])
    hired, declined = (f"/api/v1/matches/{match_id}/transition/" for match_id in match_ids)
    for url in (hired, declined):
        _ok(counsellor.post(url, {"to": "shared", "reason": next(secret)}, format="json"))
    answers.append(
        _ok(employer.post(hired, {"to": "interview", "reason": "Our words."}, format="json"))
    )
    answers.append(_ok(employer.post(declined, {"to": "interview"}, format="json")))
    decline = {"to": "declined", "reason": next(secret), "reason_code": "candidate_withdrew"}
    _ok(counsellor.post(declined, decline, format="json"))
    answers.append(_ok(employer.post(hired, {"to": "hired"}, format="json")))

    # when the employer reads all it can
    reads = [
        _ok(employer.get(path))
        for path in (
            "/api/v1/matches/",
            *(f"/api/v1/matches/{match_id}/" for match_id in match_ids),
            "/api/v1/vacancies/",
            f"/api/v1/vacancies/{world.vacancy.uuid}/",
            f"/api/v1/vacancies/{world.vacancy2.uuid}/",
            "/api/v1/employers/",
            f"/api/v1/employers/{world.employer.uuid}/",
        )
    ]

    # then no counsellor's words are in any answer, and the employer's own are
    for body in answers + reads:
        for place, text in leaves(body):
            assert "SECRET-" not in text, f"{place} reveals {text!r}"
    assert _ok(employer.get(f"/api/v1/matches/{match_ids[0]}/"))["reason"] == "Our words."
