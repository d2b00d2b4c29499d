"""History is append-only (docs/access.md): the one exception, anonymisation under the retention
policy, lives in core/anonymise.py, and no other module edits or deletes a history row or a
read-access-log link."""

from __future__ import annotations

import ast

import pytest

from tests.architecture.test_rules import ROOT, source_files

ALLOWED = {"core/anonymise.py"}
APPS = ("core", "municipalities", "assessments", "casework", "plans", "reporting", "api", "web")
WRITES = {"update", "delete", "bulk_update", "bulk_create", "save", "create"}
PROTECTED = ("history", "historical", "accesseventsubject", "accessevent.")


def history_edits(source: str) -> list[str]:
    """Calls that write through an expression naming history rows or access-log links."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in WRITES:
            continue
        receiver = ast.unparse(node.func.value).lower()
        if any(name in receiver for name in PROTECTED):
            found.append(ast.unparse(node)[:120])
    return found


@pytest.mark.parametrize(
    ("source", "is_edit"),
    [
        ("Participant.history.filter(id=1).update(first_name='x')", True),
        ("model.history.model.objects.filter(pk=1).delete()", True),
        ("HistoricalParticipant.objects.bulk_update(rows, ['first_name'])", True),
        ("AccessEventSubject.objects.filter(participant_id=1).update(participant_id=2)", True),
        ("Participant.history.filter(id=1).order_by('history_date')", False),
        ("Participant.objects.filter(pk=1).first()", False),
    ],
)
def test_the_scanner_finds_history_edits(source, is_edit):
    assert bool(history_edits(source)) is is_edit


def _modules():
    for app in APPS:
        if not (ROOT / app).is_dir():
            continue
        for path in source_files(app, include_migrations=False):
            yield path.relative_to(ROOT).as_posix(), path


@pytest.mark.parametrize(("name", "path"), list(_modules()), ids=lambda value: str(value))
def test_only_core_anonymise_edits_history_rows_or_access_log_links(name, path):
    if name in ALLOWED or name == "core/access_log.py":
        # core/access_log.py appends (creates) the log; it never edits it (checked below).
        edits = [e for e in history_edits(path.read_text()) if "create" not in e]
        assert not edits or name in ALLOWED, edits
        return
    assert not history_edits(path.read_text()), f"{name} edits history: only {ALLOWED} may"
