"""History gets its actor and reason from ``core.audit`` only: no module outside ``core`` sets
simple-history's ``_history_user`` or ``_change_reason`` on an instance (that would let a service
write history past the audit helpers; write through ``core.audit.create/save_changes/update/delete``
instead)."""

from __future__ import annotations

import ast

import pytest

from tests.architecture.test_rules import LAYERS, ROOT, source_files

HISTORY_ATTRIBUTES = {"_history_user", "_change_reason"}


def history_attribute_writes(source: str, filename: str = "<source>") -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in HISTORY_ATTRIBUTES
        ):
            found.append(f"{filename}:{node.lineno}: setattr({node.args[1].value!r})")
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr in HISTORY_ATTRIBUTES:
                found.append(f"{filename}:{node.lineno}: .{target.attr} =")
    return found


@pytest.mark.parametrize(
    ("source", "is_forbidden"),
    [
        ("requirement._history_user = actor", True),
        ("obj._change_reason = 'x'", True),
        ("setattr(obj, '_history_user', actor)", True),
        ("audit.delete(requirement, actor=actor, reason='r')", False),
        ("row.history_change_reason == 'x'", False),
    ],
)
def test_the_scanner_finds_history_attributes_set_by_hand(source, is_forbidden):
    assert bool(history_attribute_writes(source)) is is_forbidden


@pytest.mark.parametrize("app", [app for app in LAYERS if app != "core"])
def test_no_module_outside_core_sets_the_history_actor_or_reason(app):
    found = []
    for path in source_files(app, include_migrations=False):
        found += history_attribute_writes(
            path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))
        )
    assert found == [], "write through core.audit instead:\n" + "\n".join(found)
