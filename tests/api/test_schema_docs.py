"""Every API operation says what it does and who may call it (docs/api.md): its own summary, a
description naming the roles allowed, transitions naming which role may move what, and never a
mixin's docstring standing in for it. New routes are held to it too."""

import inspect
from collections import Counter

import pytest
from drf_spectacular.generators import SchemaGenerator

from api.base import PolkuViewMixin

METHODS = ("get", "post", "patch", "put", "delete")


@pytest.fixture(scope="module")
def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_every_operation_has_its_own_summary(operations):
    missing = [(m, p) for m, p, op in operations if not (op.get("summary") or "").strip()]
    assert not missing
    counts = Counter(op["summary"] for _method, _path, op in operations)
    assert not [summary for summary, n in counts.items() if n > 1]


def test_every_description_names_the_roles_and_is_no_mixin_docstring(operations):
    mixin = inspect.getdoc(PolkuViewMixin)
    for method, path, operation in operations:
        description = operation.get("description") or ""
        assert description.strip(), (method, path)
        assert mixin not in description, (method, path)
        assert "**Roles:**" in description, (method, path)


def test_the_match_transition_says_which_role_moves_to_which_status(operations):
    [description] = [
        op["description"]
        for method, path, op in operations
        if (method, path) == ("POST", "/api/v1/matches/{id}/transition/")
    ]
    assert "- counsellor: `proposed` → `shared`, `withdrawn`" in description
    assert "- employer (its own vacancies' matches): `shared` → `interview`, `rejected`" in (
        description
    )
    assert "**Roles:** counsellor, employer" in description
