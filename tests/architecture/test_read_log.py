"""The read-access log is declared, never remembered (docs/access.md, "Access log"):

- every page outside the API, the admin and Django's login pages declares what it writes to the
  log (``core.read_log.declare``), as tests/architecture/test_api_rules.py checks for the API;
- the log is written through ``core.read_log`` only: no module outside ``core`` imports
  ``core.access_log`` (``record_access``, ``record_access_for_queryset``).
"""

from __future__ import annotations

import ast

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.generic import RedirectView

from core.read_log import NO_PERSONAL_DATA, WRITE_ANSWER, ReadLog
from tests.architecture.test_rules import LAYERS, ROOT, source_files

#: Served by Django itself (the admin logs its own reads in core/admin.py; the login pages show
#: no participant) or by the API (checked per route in test_api_rules.py).
NOT_PAGES = ("admin/", "accounts/", "api/v1/")


def _pages() -> list[tuple[str, object]]:
    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    pages = []
    for route, callback in walk(get_resolver().url_patterns, ""):
        view_class = getattr(callback, "view_class", None)
        if route.startswith(NOT_PAGES) or (view_class and issubclass(view_class, RedirectView)):
            continue
        pages.append(("/" + route, callback))
    return pages


PAGES = _pages()


def test_the_pages_are_found():
    assert any(route.startswith("/dashboard/") for route, _ in PAGES)


@pytest.mark.parametrize(("route", "callback"), PAGES, ids=[route for route, _ in PAGES])
def test_every_page_declares_what_it_writes_to_the_access_log(route, callback):
    declaration = getattr(callback, "read_log", None)
    assert isinstance(declaration, ReadLog) or declaration in (NO_PERSONAL_DATA, WRITE_ANSWER), (
        f"{route} declares nothing: decorate it with core.read_log.declare(...) (docs/access.md)"
    )


def _imports_record_access(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "core.access_log"
            and any(alias.name.startswith("record_access") for alias in node.names)
        ):
            return True
        if isinstance(node, ast.Attribute) and node.attr.startswith("record_access"):
            return True
    return False


@pytest.mark.parametrize("app", [app for app in LAYERS if app != "core"])
def test_the_access_log_is_written_through_core_read_log_only(app):
    found = [
        str(path.relative_to(ROOT))
        for path in source_files(app, include_migrations=False)
        if _imports_record_access(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == [], "declare a ReadLog and let the base view (or read_log.write) write it"
