"""Helpers for the reporting tests: hand-made caseloads and the disclosure-control invariants."""

from __future__ import annotations

import datetime
from typing import Any

from casework.models import VacancyLicenceRequirement
from core import audit
from core.actors import system_actor
from reporting import suppression
from reporting.periods import add_months, month_start
from reporting.suppression import THRESHOLD, Group
from tests import factories

TODAY = factories.TODAY
#: The first days of the current month and of three and two months before it.
THIS_MONTH = month_start(TODAY)
MONTH_A = add_months(THIS_MONTH, -3)
MONTH_B = add_months(THIS_MONTH, -2)


def day(month: datetime.date, offset: int) -> datetime.date:
    return month + datetime.timedelta(days=offset)


def participant(municipality: Any, **fields: Any) -> Any:
    fields.setdefault("enrolled_on", day(MONTH_A, 2))
    fields.setdefault("status_changed_on", fields["enrolled_on"])
    if fields.get("status") == "exited":
        fields.setdefault("exited_on", day(MONTH_B, 3))
        fields.setdefault("exit_reason", "employed")
    return factories.ParticipantFactory(municipality=municipality, **fields)


def require_licence(vacancy: Any, code: str) -> None:
    audit.create(
        VacancyLicenceRequirement(vacancy=vacancy, licence_type=factories.licence_type(code)),
        actor=system_actor(),
        reason="test data",
    )


def check_protected(
    answer: dict[str, Any],
    raw: dict[str, int],
    groups: list[Group],
) -> None:
    """The disclosure-control invariants of reporting.suppression, on one suppressed answer
    (``answer``) and the raw counts it came from (``raw``, by dotted path)."""
    hidden = set(answer["suppressed_cells"])
    assert len(hidden) == len(answer["suppressed_cells"]), "a path is listed twice"
    for path, value in raw.items():
        shown = suppression.get_path(answer, path)
        if path in hidden:
            assert shown is None, path
            assert value > 0, f"{path} hides a zero"
        else:
            assert shown == value, path
            assert not suppression.is_small(value), f"{path} shows {value}"
    if not any(suppression.is_small(value) for value in raw.values()):
        assert not hidden & set(raw), "cells hidden although no count is 1–4"
    for group in groups:
        total = raw[group.total]
        hidden_members = [m for m in group.members if m in hidden]
        visible_sum = sum(raw[m] for m in group.members if m not in hidden)
        rest = total - sum(raw[m] for m in group.members)
        assert rest >= 0 and (rest == 0 or not group.exhaustive), f"{group} does not add up"
        if group.total not in hidden:
            unseen = total - visible_sum
            if len(hidden_members) == 1:
                # total − Σ visible would give the hidden cell back (to within the rest).
                assert unseen - raw[hidden_members[0]] >= THRESHOLD, group
            elif hidden_members:
                assert unseen >= THRESHOLD and unseen > len(hidden_members), group
        elif not hidden_members:
            # Σ members would give the hidden total back (to within the rest).
            assert rest >= THRESHOLD or visible_sum == 0, group
