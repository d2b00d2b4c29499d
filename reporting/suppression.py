"""Disclosure control for every aggregate Polku publishes (docs/domain.md#dashboards-and-the-esf-report, docs/access.md).

Cells are counts of persons, addressed by dotted paths into the answer
(``funnel.matched``, ``language_levels.reading.A1``, ``monthly_trend.3.enrolled``,
``rows.0.women``).

**Primary suppression.** A count of 1–4 persons is hidden (``null``). Zero is shown.

**Secondary suppression.** A *group* declares that some cells add up to another one in the same
answer: the members of an *exhaustive* group add up to its total exactly (participants by status
→ enrolled); the members of a *bounded* group are disjoint parts of the total with an unpublished
rest (persons by contract type → employed, where some have no contract type recorded). A reader
who knows the relation sees the total (if shown) and the visible members, so the persons they
cannot see in the group number ``unseen = total − Σ visible members``. Every group must satisfy,
until nothing changes:

1. total shown: either no member is hidden, or at least **two** are hidden, ``unseen ≥ 5`` and
   ``unseen > hidden members``. One hidden member would be exactly ``total − Σ visible``; two or
   more hidden cells each lie anywhere in ``[1, unseen − (k − 1)]`` (a reader knows a hidden cell
   is not zero), a range of more than one value, and their sum is itself no small count.
2. total hidden: at least one member with persons in it is hidden too, so the total is not
   ``Σ members``.
3. a bounded group whose unpublished rest is ≥ 5 persons is protected by that rest: what a reader
   computes from it is off by at least 5 for any hidden cell. With a rest below 5 the group is
   treated as exhaustive (a reader could assume the rest is empty and be nearly right).

When a group breaks the rule the smallest visible member with persons in it is hidden as well
(ties in declaration order), or the total when no such member is left. Hiding only ever adds cells
with persons in them, so zeros are never hidden and the loop ends.

**Statistics** (rates, medians) are hidden when computed over 1–4 persons (over nobody they are
``null`` without being a suppression), and a rate is
hidden whenever one of the counts it is made of is hidden (otherwise ``rate × denominator`` would
give the hidden count back).

Every hidden path is listed, in answer order, in the answer's ``suppressed_cells``.

Not covered, and said so in docs/adr/0010: complements that are not published (e.g. enrolled
minus assessed) are not cells of their own; relations between groups are checked group by group,
not by solving them together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

#: Counts below this (and above zero) are hidden.
THRESHOLD = 5

RULE = _(
    "Counts of 1–4 persons are suppressed (empty); zero is shown. Where a total or a sum in the "
    "same table would reveal a suppressed cell, a second cell (the smallest remaining one, or the "
    "total) is suppressed too, so that every group hides either no cell or at least two cells "
    "holding at least 5 persons together. Rates and medians over fewer than 5 persons are "
    "suppressed."
)


@dataclass(frozen=True)
class Group:
    """``total`` = Σ ``members`` (exhaustive) or ``total`` ≥ Σ ``members`` (bounded)."""

    total: str
    members: tuple[str, ...]
    exhaustive: bool = True


@dataclass(frozen=True)
class Statistic:
    """A rate or median at ``path`` computed over ``population`` persons, made from the count
    cells ``made_of`` (a rate's numerator and denominator)."""

    path: str
    population: int
    made_of: tuple[str, ...] = ()


def is_small(value: int) -> bool:
    return 0 < value < THRESHOLD


def group_rest(group: Group, values: Mapping[str, int]) -> int:
    """The persons of the total that no member holds (0 for an exhaustive group)."""
    return values[group.total] - sum(values[member] for member in group.members)


def group_is_protected(group: Group, values: Mapping[str, int], hidden: set[str]) -> bool:
    """The rule of the module docstring for one group."""
    if not group.exhaustive and group_rest(group, values) >= THRESHOLD:
        return True
    hidden_members = [member for member in group.members if member in hidden]
    if group.total in hidden:
        return bool(hidden_members) or all(values[member] == 0 for member in group.members)
    unseen = values[group.total] - sum(
        values[member] for member in group.members if member not in hidden
    )
    count = len(hidden_members)
    if count == 0:
        return True
    return count >= 2 and unseen >= THRESHOLD and unseen > count


def _next_cell(group: Group, values: Mapping[str, int], hidden: set[str]) -> str | None:
    candidates = [
        (values[member], index, member)
        for index, member in enumerate(group.members)
        if member not in hidden and values[member] > 0
    ]
    if candidates:
        return min(candidates)[2]
    if group.total not in hidden and values[group.total] > 0:
        return group.total
    return None


def hidden_cells(values: Mapping[str, int], groups: Sequence[Group]) -> set[str]:
    """Primary, then secondary suppression until every group is protected."""
    hidden = {path for path, value in values.items() if is_small(value)}
    changed = True
    while changed:
        changed = False
        for group in groups:
            while not group_is_protected(group, values, hidden):
                cell = _next_cell(group, values, hidden)
                if cell is None:  # only with inconsistent input; nothing left to hide
                    break
                hidden.add(cell)
                changed = True
    return hidden


# Applying it to an answer -------------------------------------------------------------------------


def _split(path: str) -> list[str | int]:
    return [int(part) if part.isdigit() else part for part in path.split(".")]


def get_path(payload: Any, path: str) -> Any:
    node = payload
    for part in _split(path):
        node = node[part]
    return node


def set_path(payload: Any, path: str, value: Any) -> None:
    parts = _split(path)
    node = payload
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value


def count_cells(payload: Mapping[str, Any], sections: Iterable[str]) -> dict[str, int]:
    """Every integer leaf under the given top-level keys, by dotted path, in answer order."""
    cells: dict[str, int] = {}

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, bool):
            return
        if isinstance(node, int):
            cells[prefix] = node
        elif isinstance(node, Mapping):
            for key, value in node.items():
                walk(value, f"{prefix}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{prefix}.{index}")

    for section in sections:
        walk(payload[section], section)
    return cells


def protect(
    payload: dict[str, Any],
    *,
    sections: Iterable[str],
    groups: Sequence[Group] = (),
    statistics: Sequence[Statistic] = (),
) -> dict[str, Any]:
    """Hide what the rule hides (``None``) and list it in ``payload["suppressed_cells"]``."""
    values = count_cells(payload, sections)
    for group in groups:
        for path in (group.total, *group.members):
            if path not in values:
                raise KeyError(f"Group cell {path!r} is not a count in the answer.")
    hidden = hidden_cells(values, groups)
    suppressed = [path for path in values if path in hidden]
    for statistic in statistics:
        if is_small(statistic.population) or any(cell in hidden for cell in statistic.made_of):
            suppressed.append(statistic.path)
    for path in suppressed:
        set_path(payload, path, None)
    payload["suppressed_cells"] = suppressed
    return payload
