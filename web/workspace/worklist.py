"""Beside the statutory deadlines (``plans.worklist``), what else waits for the counsellor on the
workspace's first page, each item linked to its participant: proposed matches not yet shared and
trainings without a result. Built from the API's selectors."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from assessments.selectors import enrolment_list
from casework import access, selectors

#: Items per group on the first page; the group links to the full list where one exists.
GROUP_SIZE = 10


@dataclass(frozen=True)
class Item:
    participant_id: int
    municipality_id: int
    participant_uuid: Any
    name: str
    detail: str
    due: Any = None


@dataclass
class Group:
    key: str
    title: Any
    items: list[Item] = field(default_factory=list)


def _name(participant: Any) -> str:
    return f"{participant.first_name} {participant.last_name}"


def worklist_groups(user: Any, *, on: datetime.date) -> list[Group]:
    """A few small indexed queries, each scoped like the API's lists."""
    proposed = Group("proposed", _("Matches proposed, not yet shared with the employer"))
    for match in (
        selectors.match_list(user=user)
        .filter(status="proposed")
        .select_related("vacancy__employer")
        .order_by("created_at", "id")[:GROUP_SIZE]
    ):
        proposed.items.append(
            Item(
                match.participant_id,
                match.municipality_id,
                match.participant.uuid,
                _name(match.participant),
                f"{match.vacancy.title} · {match.vacancy.employer.name}",
            )
        )
    results = Group("results", _("Trainings attended, result not recorded"))
    for enrolment in (
        enrolment_list(scope=access.participant_scope(user, "participant_id"))
        .filter(status="attended")
        .select_related("training__licence_type", "participant")
        .order_by("training__ends_on", "id")[:GROUP_SIZE]
    ):
        results.items.append(
            Item(
                enrolment.participant_id,
                enrolment.municipality_id,
                enrolment.participant.uuid,
                _name(enrolment.participant),
                enrolment.training.licence_type.name,
                enrolment.training.ends_on,
            )
        )
    return [proposed, results]
