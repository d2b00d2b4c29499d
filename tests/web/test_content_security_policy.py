"""Every page answers a Content-Security-Policy that allows no inline script (and no inline
style), and Polku's own pages carry no inline script or style for it to refuse (issue 9 item 7,
ADR 25). The browser half (no violation reported by Chromium) is in tests/browser/."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

#: (who, path): every kind of page Polku serves, anonymous ones included.
PAGES = [
    (None, "/accounts/login/"),
    (None, "/api/v1/docs/"),
    (None, "/api/v1/docs/?script="),
    (None, "/admin/login/"),
    ("manager", "/dashboard/182/"),
    ("coordinator", "/dashboard/"),
    ("coordinator", "/dashboard/pilot/"),
    ("manager", "/dashboard/992/"),  # the 404 page
    ("employer", "/dashboard/"),  # the 403 page
    ("admin", "/admin/"),
    ("admin", "/admin/casework/participant/"),
    ("admin", "/admin/core/accessevent/"),
    ("manager", "/api/v1/municipalities/"),
    (None, "/static/web/polku.css"),
]


def directives(header: str) -> dict[str, list[str]]:
    result = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            result[words[0]] = words[1:]
    return result


class InlineFinder(HTMLParser):
    """Inline scripts (a <script> without src that a browser would run), <style> blocks, style
    attributes and on* event handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        runs = (names.get("type") or "text/javascript") in ("text/javascript", "module")
        if tag == "script" and "src" not in names and runs:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, _value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")


@pytest.mark.parametrize(("who", "path"), PAGES)
def test_every_page_answers_a_policy_without_inline_script(client, users, who, path):
    if who:
        client.force_login(users[who])

    response = client.get(path)

    assert response.status_code < 500
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("who", "path"),
    [
        (who, path)
        for who, path in PAGES
        if not path.startswith(("/static/", "/api/v1/municipalities/")) and "script=" not in path
    ],
)
def test_the_pages_carry_no_inline_script_or_style(client, users, who, path):
    if who:
        client.force_login(users[who])
    finder = InlineFinder()

    finder.feed(client.get(path).content.decode())

    assert finder.found == []


def test_swagger_ui_loads_its_initialisation_as_a_script_file(client):
    page = client.get("/api/v1/docs/").content.decode()
    script = client.get("/api/v1/docs/?script=")

    assert '<script src="/api/v1/docs/?script="></script>' in page
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content
