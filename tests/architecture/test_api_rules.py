"""Rules for the API layer (STYLE.md "API layer", docs/access.md and docs/api.md):

- every URL under /api/v1/ resolves to a view whose every allowed method declares the capability
  it needs (the schema and docs pages are public by design); a view that declares none refuses
  everyone;
- every route appears in the generated OpenAPI schema, with every method it answers;
- every read (GET) and every custom action declares what it writes to the read-access log
  (core.read_log: a ``ReadLog``, ``NO_PERSONAL_DATA`` or ``WRITE_ANSWER``), and names only actions
  and methods the view has;
- the schema validates with no warnings (``manage.py spectacular --validate --fail-on-warn``).
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularSwaggerSplitView,
    SpectacularSwaggerView,
)
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from api.base import PolkuViewMixin, PolkuViewSet
from api.permissions import required_capability
from core.read_log import declared
from tests import factories

API_PREFIX = "api/v1/"
#: Public by design (docs/access.md: anyone may read the schema and the docs).
PUBLIC_VIEWS = {SpectacularAPIView, SpectacularSwaggerView, SpectacularSwaggerSplitView}
_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^()]*\)")  # re_path: (?P<id>[^/.]+)
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")  # path: <uuid:id>


def _api_routes():
    """(OpenAPI-style path, view class, {METHOD: action or None}) for every API URL."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    routes = []
    for route, callback in walk(get_resolver().url_patterns, ""):
        route = route.replace("^", "").replace("$", "")
        if not route.startswith(API_PREFIX):
            continue
        path = "/" + _CONVERTER.sub(
            lambda m: "{" + m.group(1) + "}",
            _NAMED_GROUP.sub(lambda m: "{" + m.group(1) + "}", route),
        )
        view_class = getattr(callback, "cls", None)
        assert view_class is not None, f"{path} is not a DRF view"
        actions = getattr(callback, "actions", None)
        if actions is not None:
            methods = {method.upper(): action for method, action in actions.items()}
        else:
            methods = {
                method.upper(): None
                for method in view_class.http_method_names
                if method not in ("head", "options") and hasattr(view_class, method)
            }
        allowed = {method.upper() for method in view_class.http_method_names}
        methods = {
            m: a for m, a in methods.items() if m in allowed and m not in ("HEAD", "OPTIONS")
        }
        routes.append((path, view_class, methods, getattr(callback, "initkwargs", {})))
    return routes


ROUTES = _api_routes()


def test_the_api_has_routes():
    paths = {path for path, *_ in ROUTES}
    assert "/api/v1/participants/" in paths
    assert "/api/v1/participants/{id}/transition/" in paths
    assert "/api/v1/auth/token/" in paths
    assert len(ROUTES) > 30


@pytest.mark.parametrize(
    ("path", "view_class", "methods", "initkwargs"),
    ROUTES,
    ids=[path for path, *_ in ROUTES],
)
def test_every_method_of_every_route_declares_a_capability(path, view_class, methods, initkwargs):
    if view_class in PUBLIC_VIEWS:
        return
    assert methods, f"{path} answers no method"
    for method, action in methods.items():
        view = view_class(**{k: v for k, v in initkwargs.items() if k != "detail"})
        view.action = action
        capability = required_capability(view, method)
        assert capability is not None, f"{method} {path} ({action}) declares no capability"


#: Viewset actions that write and answer the record written: a declaration is optional (none
#: means the answer is not logged as a read; the write is in the history).
STANDARD_WRITES = {"create", "partial_update", "update", "destroy"}
HTTP_METHODS = {"GET", "POST", "PATCH", "PUT", "DELETE"}


def _needs_read_log(method: str, action: str | None) -> bool:
    return method == "GET" or (action is not None and action not in STANDARD_WRITES)


@pytest.mark.parametrize(
    ("path", "view_class", "methods", "initkwargs"),
    ROUTES,
    ids=[path for path, *_ in ROUTES],
)
def test_every_read_and_custom_action_declares_its_access_log(
    path, view_class, methods, initkwargs
):
    if view_class in PUBLIC_VIEWS:
        return
    assert issubclass(view_class, PolkuViewMixin), f"{path} does not use the base view"
    for method, action in methods.items():
        if _needs_read_log(method, action):
            assert declared(view_class.read_log, action, method) is not None, (
                f"{method} {path} ({action}) declares nothing in read_log: a ReadLog, "
                "NO_PERSONAL_DATA or WRITE_ANSWER (docs/access.md)"
            )


def test_read_log_declarations_name_only_actions_and_methods_the_view_has():
    known: dict[type, set[str]] = {}
    for _, view_class, methods, _ in ROUTES:
        if view_class not in PUBLIC_VIEWS:
            known.setdefault(view_class, set(HTTP_METHODS)).update(
                action for action in methods.values() if action
            )
    for view_class, names in known.items():
        unknown = set(view_class.read_log) - names
        assert not unknown, f"{view_class.__name__}.read_log names {unknown}, not its actions"


class _Undeclared(PolkuViewSet):
    """A view that forgot to declare its capabilities."""

    def list(self, request):
        return Response({"secret": True})

    def create(self, request):
        return Response({"secret": True}, status=201)


class _HalfDeclared(_Undeclared):
    required_capabilities = {"GET": "participant.read"}


@pytest.mark.parametrize(
    ("view_class", "method", "action"),
    [
        (_Undeclared, "get", "list"),
        (_Undeclared, "post", "create"),
        (_HalfDeclared, "post", "create"),
    ],
)
@pytest.mark.parametrize("role", ["anonymous", "counsellor", "admin"])
def test_a_view_that_declares_no_capability_refuses_everyone(db, view_class, method, action, role):
    # given
    user = {
        "anonymous": lambda: None,
        "counsellor": lambda: factories.counsellor("182"),
        "admin": lambda: factories.admin_user(),
    }[role]()
    view = view_class.as_view({method: action})
    request = getattr(APIRequestFactory(), method)("/api/v1/undeclared/", {}, format="json")
    if user is not None:
        force_authenticate(request, user=user)

    # when
    response = view(request)

    # then
    assert response.status_code == (401 if user is None else 403)
    assert "secret" not in response.data


@pytest.fixture(scope="module")
def schema():
    GENERATOR_STATS.reset()
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_route_is_in_the_schema_with_every_method(schema):
    missing = []
    for path, view_class, methods, _ in ROUTES:
        if view_class in PUBLIC_VIEWS:
            continue
        documented = schema["paths"].get(path)
        if documented is None:
            missing.append(path)
            continue
        for method in methods:
            if method.lower() not in documented:
                missing.append(f"{method} {path}")
    assert not missing, missing


def test_the_schema_documents_no_route_that_does_not_exist(schema):
    routed = {path for path, *_ in ROUTES}
    assert set(schema["paths"]) <= routed


def test_every_operation_documents_the_error_envelope(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            assert "400" in responses, (method, path)
            if path != "/api/v1/auth/token/" or method != "post":
                assert "401" in responses and "403" in responses, (method, path)
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    content = response.get("content", {}).get("application/json", {})
                    assert content.get("schema") == {"$ref": "#/components/schemas/Error"}, (
                        method,
                        path,
                        status,
                    )


def test_the_schema_validates_without_warnings(tmp_path):
    GENERATOR_STATS.reset()
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yml"),
    )
    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3")
