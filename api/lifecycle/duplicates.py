"""Possible duplicates in the API: the warning on create and the list of pairs."""

from __future__ import annotations

from typing import Any

from casework import duplicates
from casework.models import Participant


def duplicate_warnings(user: Any, participant: Participant) -> list[dict[str, Any]]:
    """``possible_duplicate`` warnings for a participant just created (one indexed query)."""
    return [
        {"code": "possible_duplicate", "participant": other.uuid}
        for other in duplicates.possible_duplicates_of(user=user, participant=participant)
    ]


def _side(participant: Participant) -> dict[str, Any]:
    return {
        "id": participant.uuid,
        "municipality": participant.municipality.code,
        "first_name": participant.first_name,
        "last_name": participant.last_name,
        "date_of_birth": participant.date_of_birth,
        "status": participant.status,
    }


def pair_data(pair: tuple[Participant, Participant]) -> dict[str, Any]:
    first, second = pair
    return {
        "participant": _side(first),
        "duplicate": _side(second),
        "reason": "same_name_and_date_of_birth",
    }
