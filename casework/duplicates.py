"""Possible duplicates (docs/domain.md#data-lifecycle): two participants whose first and last names, compared
case-, accent-, hyphen- and space-insensitively, and dates of birth agree.

The comparison is carried by one stored, indexed column, ``Participant.duplicate_key``: the keyed
hash (core.crypto) of the normalised names and the date of birth. Finding a participant's possible
duplicates is then one equality look-up on an index, whatever the number of participants, and the
column reveals nothing without the key. The participant services keep it up to date; retention
clears it (an anonymised record is nobody's duplicate).
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db import connection

from casework.access import municipality_ids_for
from casework.models import Participant
from core import crypto
from core.access import Role

#: Bump when the normalisation changes, so that a backfill can tell old keys from new ones.
KEY_PREFIX = "polku-duplicate-key-v1:"


def normalise_name(value: str) -> str:
    """Lower case, accents stripped (``é`` → ``e``, ``ä`` → ``a``), and everything that is not a
    letter or a digit dropped (hyphens, spaces, apostrophes, dots)."""
    decomposed = unicodedata.normalize("NFKD", (value or "").casefold())
    return "".join(
        character
        for character in decomposed
        if not unicodedata.combining(character) and character.isalnum()
    )


def duplicate_key(
    first_name: str, last_name: str, date_of_birth: datetime.date | None
) -> str | None:
    """The stored comparison key, or None when there is nothing to compare."""
    first, last = normalise_name(first_name), normalise_name(last_name)
    if not (first and last and date_of_birth):
        return None
    return crypto.keyed_hash(f"{KEY_PREFIX}{first}|{last}|{date_of_birth.isoformat()}")


# Reads ---------------------------------------------------------------------------------------------


def possible_duplicates_of(*, user: Any, participant: Participant) -> list[Participant]:
    """The other participants in the caller's municipalities with the same key (one indexed
    look-up). Participants elsewhere are never named."""
    if not participant.duplicate_key:
        return []
    return list(
        Participant.objects.filter(
            duplicate_key=participant.duplicate_key,
            municipality_id__in=municipality_ids_for(user, Role.COUNSELLOR),
        )
        .exclude(pk=participant.pk)
        .order_by("id")
        .only("id", "uuid")
    )


def possible_duplicates_for_key(
    *, municipality_ids: Iterable[int], key: str | None
) -> list[Participant]:
    """The participants of these municipalities with this key (for the import's report)."""
    if not key:
        return []
    return list(
        Participant.objects.filter(duplicate_key=key, municipality_id__in=list(municipality_ids))
        .order_by("id")
        .only("id", "uuid")
    )


class DuplicatePairs:
    """The pairs of possible duplicates in the caller's municipalities, as a sliceable list for
    the paginator: ``count()`` is one query, a slice is two (the page of pairs, then its
    participants), whatever the page size."""

    def __init__(self, municipality_ids: Iterable[int]) -> None:
        self.municipality_ids = sorted(municipality_ids)
        table = Participant._meta.db_table
        marks = ", ".join(["%s"] * len(self.municipality_ids))
        self._from = (
            f"FROM {table} a JOIN {table} b ON b.duplicate_key = a.duplicate_key AND b.id > a.id"
            f" WHERE a.duplicate_key IS NOT NULL AND a.municipality_id IN ({marks})"
            f" AND b.municipality_id IN ({marks})"
        )
        self._params = [*self.municipality_ids, *self.municipality_ids]

    def count(self) -> int:
        if not self.municipality_ids:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) {self._from}", self._params)
            return int(cursor.fetchone()[0])

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[tuple[Participant, Participant]]:
        if not isinstance(window, slice):
            raise TypeError("DuplicatePairs takes slices only")
        if not self.municipality_ids:
            return []
        start = window.start or 0
        limit = (window.stop - start) if window.stop is not None else 10**9
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT a.id, b.id {self._from} ORDER BY a.id, b.id LIMIT %s OFFSET %s",
                [*self._params, limit, start],
            )
            pairs = cursor.fetchall()
        ids = {pk for pair in pairs for pk in pair}
        by_id = Participant.objects.select_related("municipality").in_bulk(ids)
        return [(by_id[first], by_id[second]) for first, second in pairs]


def duplicate_pairs(*, user: Any) -> DuplicatePairs:
    return DuplicatePairs(municipality_ids_for(user, Role.COUNSELLOR))
