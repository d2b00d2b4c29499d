"""``participants/{id}/history/`` (docs/access.md–5): field-level changes of the participant and of
everything attached to it, each with the actor's username and a reason, newest first, in pages;
the identity code only masked; no internal integer id anywhere."""

import datetime
import re

import pytest

from casework.identity_codes import CHECK_CHARACTERS
from tests import factories
from tests.api.conftest import TODAY, iso

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
#: Fields whose values are integers in their own right (not keys).
INTEGER_FIELDS = {"education_level", "score", "level", "positions", "seats"}
#: Foreign keys and how each is shown.
REFERENCES = {
    "municipality": re.compile(r"^\d{3}$"),
    "counsellor": re.compile(r"^counsellor\."),
    "recorded_by": re.compile(r"^counsellor\."),
    "assessor": re.compile(r"^counsellor\."),
    "author": re.compile(r"^counsellor\."),
    "licence_type": re.compile(r"^[a-z0-9_]+$"),
    "occupation_code": re.compile(r"^\d{4}$"),
    "participant": UUID,
    "vacancy": UUID,
    "employer": UUID,
    "enrolment": UUID,
    "match": UUID,
    "reference": UUID,
}


def identity_code(born: datetime.date, number: int) -> str:
    digits = f"{born:%d%m%y}"
    serial = f"{number:03d}"
    return f"{digits}-{serial}{CHECK_CHARACTERS[int(digits + serial) % 31]}"


BORN = datetime.date(1990, 3, 15)
FIRST_CODE = identity_code(BORN, 902)
SECOND_CODE = identity_code(BORN, 904)


@pytest.fixture
def story(api, counsellor):
    """A participant's first weeks, all through the API, by one counsellor."""

    def ok(response, status=200):
        assert response.status_code == status, response.content
        return response.json()

    participant = ok(
        api.post(
            "/api/v1/participants/",
            {
                "municipality": "182",
                "first_name": "Amina",
                "last_name": "Hassan",
                "date_of_birth": iso(BORN),
                "personal_identity_code": FIRST_CODE,
                "gender": "female",
                "labour_market_status": "unemployed",
                "counsellor": counsellor.username,
                "education_level": 3,
            },
            format="json",
        ),
        201,
    )
    url = f"/api/v1/participants/{participant['id']}/"
    ok(api.patch(url, {"phone": "+358401112233"}, format="json", HTTP_IF_MATCH='"1"'))
    ok(api.patch(url, {"personal_identity_code": SECOND_CODE}, format="json", HTTP_IF_MATCH='"2"'))
    ok(api.post(url + "transition/", {"to": "active", "reason": "first meeting"}, format="json"))
    ok(api.post(url + "transition/", {"to": "job_seeking", "reason": "ready"}, format="json"))
    consent = ok(
        api.post(url + "consents/", {"purpose": "share_with_employers"}, format="json"), 201
    )
    assessment = ok(
        api.post(
            "/api/v1/language-assessments/",
            {
                "participant": participant["id"],
                "language": "fi",
                "assessed_on": iso(TODAY),
                "instrument": "course_test",
                "speaking": "A2.1",
            },
            format="json",
        ),
        201,
    )
    ok(
        api.patch(
            f"/api/v1/language-assessments/{assessment['id']}/",
            {"speaking": "A2.2"},
            format="json",
            HTTP_IF_MATCH='"1"',
        )
    )
    card = ok(
        api.post(
            "/api/v1/licence-cards/",
            {
                "participant": participant["id"],
                "licence_type": "first_aid_1",
                "issued_on": iso(TODAY),
            },
            format="json",
        ),
        201,
    )
    vacancy = factories.VacancyFactory()
    match = ok(
        api.post(
            "/api/v1/matches/",
            {"vacancy": str(vacancy.uuid), "participant": participant["id"]},
            format="json",
        ),
        201,
    )
    ok(
        api.post(
            f"/api/v1/matches/{match['id']}/transition/",
            {"to": "shared", "reason": "good fit for the kitchen"},
            format="json",
        )
    )
    ok(
        api.post(
            f"/api/v1/consents/{consent['id']}/withdraw/",
            {"reason": "participant asked"},
            format="json",
        )
    )
    # Someone else's records never show up in this participant's history.
    factories.ConsentFactory()
    return {
        "url": url,
        "participant": participant,
        "consent": consent,
        "assessment": assessment,
        "card": card,
        "match": match,
        "vacancy": vacancy,
    }


def _history(api, story, **query):
    response = api.get(story["url"] + "history/", {"page_size": 200, **query})
    assert response.status_code == 200, response.content
    return response


def _entry(entries, object_name, action, index=0):
    found = [e for e in entries if e["object"] == object_name and e["action"] == action]
    return found[index]


def _changes(entry):
    return {change["field"]: (change["old"], change["new"]) for change in entry["changes"]}


def test_history_shows_field_level_changes_of_the_participant(api, story, counsellor):
    entries = _history(api, story).json()["results"]
    created = _entry(entries, "participant", "created")
    assert created["user"] == counsellor.username
    assert created["reason"] == "participant created"
    assert _changes(created)["first_name"] == (None, "Amina")
    assert _changes(created)["municipality"] == (None, "182")
    assert _changes(created)["counsellor"] == (None, counsellor.username)
    assert _changes(created)["education_level"] == (None, 3)

    changes = [_changes(e) for e in entries if e["object"] == "participant"]
    assert {"phone": ("", "+358401112233")} in changes
    assert {"status": ("referred", "active")} in changes
    transition = next(e for e in entries if _changes(e).get("status") == ("active", "job_seeking"))
    assert transition["reason"] == "ready"
    assert transition["user"] == counsellor.username


def test_a_changed_identity_code_is_a_change_shown_only_masked(api, story):
    response = _history(api, story)
    entries = response.json()["results"]
    code_changes = [
        _changes(e)["personal_identity_code"]
        for e in entries
        if "personal_identity_code" in _changes(e)
    ]
    assert code_changes == [("150390-****", "150390-****"), (None, "150390-****")]
    for code in (FIRST_CODE, SECOND_CODE):
        assert code.encode() not in response.content
        assert code[-4:].encode() not in response.content
    assert b"identity_code_hash" not in response.content
    assert b"identity_code_encrypted" not in response.content


@pytest.mark.parametrize(
    ("object_kind", "action", "reason", "expected"),
    [
        ("consent", "created", "consent recorded", {"purpose": (None, "share_with_employers")}),
        ("consent", "changed", "participant asked", {"withdrawn_on": (None, iso(TODAY))}),
        ("assessment", "created", "language assessment recorded", {"speaking": (None, "A2.1")}),
        ("assessment", "changed", "language assessment corrected", {"speaking": ("A2.1", "A2.2")}),
        ("card", "created", "licence card recorded", {"licence_type": (None, "first_aid_1")}),
        ("match", "created", "match proposed", {"status": (None, "proposed")}),
        ("match", "changed", "good fit for the kitchen", {"status": ("proposed", "shared")}),
    ],
)
def test_history_shows_changes_of_attached_records(
    api, story, counsellor, object_kind, action, reason, expected
):
    # given
    prefix = {
        "consent": "consent",
        "assessment": "language_assessment",
        "card": "licence_card",
        "match": "match",
    }[object_kind]
    entries = _history(api, story).json()["results"]

    # when
    entry = _entry(entries, f"{prefix}:{story[object_kind]['id']}", action)

    # then
    assert entry["user"] == counsellor.username
    assert entry["reason"] == reason
    assert expected.items() <= _changes(entry).items()
    if action == "created":
        assert _changes(entry)["participant"] == (None, story["participant"]["id"])


def test_history_is_newest_first_and_names_only_this_participant(api, story):
    entries = _history(api, story).json()["results"]
    ats = [entry["at"] for entry in entries]
    assert ats == sorted(ats, reverse=True)
    assert entries[0]["object"] == f"consent:{story['consent']['id']}"
    assert entries[-1]["object"] == "participant"
    assert entries[-1]["action"] == "created"
    objects = {entry["object"].split(":")[-1] for entry in entries} - {"participant"}
    assert objects == {story[kind]["id"] for kind in ("consent", "assessment", "card", "match")}
    for entry in entries:
        assert set(entry) == {"at", "user", "object", "action", "reason", "changes"}
        assert entry["reason"]
        assert entry["user"] == "counsellor.jamsa"


def test_history_is_paginated(api, story):
    everything = _history(api, story).json()
    first = api.get(story["url"] + "history/", {"page_size": 4}).json()
    second = api.get(story["url"] + "history/", {"page_size": 4, "page": 2}).json()
    assert first["count"] == everything["count"] == 12
    assert first["next"] is not None and first["previous"] is None
    assert first["results"] + second["results"] == everything["results"][:8]


def test_no_internal_integer_id_leaves_in_the_history(api, story):
    for entry in _history(api, story).json()["results"]:
        for change in entry["changes"]:
            field = change["field"]
            assert field != "id" and not field.endswith("_id"), field
            for value in (change["old"], change["new"]):
                if isinstance(value, bool) or value is None:
                    continue
                if isinstance(value, int):
                    assert field in INTEGER_FIELDS, (entry["object"], field, value)
                if field in REFERENCES:
                    assert isinstance(value, str), (field, value)
                    assert REFERENCES[field].match(value), (field, value)


def test_history_by_the_system_names_the_system_user(api, counsellor):
    participant = factories.ParticipantFactory(counsellor=counsellor)
    factories.LicenceCardFactory(participant=participant)
    entries = api.get(f"/api/v1/participants/{participant.uuid}/history/").json()["results"]
    assert {entry["user"] for entry in entries} == {"polku-system"}
    assert {entry["reason"] for entry in entries} == {"test data"}
