"""Keeps ``LatestLanguageLevels`` (derived data) equal to what the language assessments say.

Levels are kept as their ranks on the scale (0 = A1.1 … 12 = C2.2). ``sync(participant_ids)``
recomputes the rows of those participants (every language) in one
delete and one ``INSERT … SELECT``; ``sync()`` rebuilds the whole table (a migration, the bulk
loaders). "Latest" per skill is the assessment with the latest ``assessed_on`` (then the highest
id) that assessed that skill: the MAX of an integer key carrying the level's rank in its last
two digits, the same on PostgreSQL and SQLite. Callers run it inside the transaction of the
write it follows."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections

from assessments.language_levels import LEVELS, SKILLS
from assessments.models import LanguageAssessment, LatestLanguageLevels
from core.sql import Dialect

_RANK_OF = " ".join(f"WHEN '{level}' THEN {rank}" for rank, level in enumerate(LEVELS))


def sync(participant_ids: Iterable[int] | None = None, *, using: str = "default") -> None:
    connection = connections[using]
    quote = connection.ops.quote_name
    dialect = Dialect(connection.vendor)
    target = quote(LatestLanguageLevels._meta.db_table)
    source = quote(LanguageAssessment._meta.db_table)
    where, params = "", []
    if participant_ids is not None:
        ids = sorted(set(participant_ids))
        if not ids:
            return
        marks = ", ".join(["%s"] * len(ids))
        where, params = f"WHERE participant_id IN ({marks})", ids
        if connection.features.has_select_for_update:
            # Two writers of one participant's assessments must not both delete-then-insert its
            # rows: the second waits here until the first commits (SQLite serialises writers).
            # The participant table comes through the foreign key: assessments never import
            # casework.
            participant = LanguageAssessment._meta.get_field("participant").related_model
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id FROM {quote(participant._meta.db_table)} WHERE id IN ({marks})"
                    " ORDER BY id FOR UPDATE",
                    ids,
                )
    latest = ", ".join(
        f"MAX(CASE WHEN {skill} IS NOT NULL THEN"
        f" {dialect.sort_key('assessed_on', f'(CASE {skill} {_RANK_OF} END)')} END) %% 100"
        for skill in SKILLS
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {target} {where}", params)
        cursor.execute(
            f"INSERT INTO {target} (participant_id, municipality_id, language, {', '.join(SKILLS)})"
            f" SELECT participant_id, municipality_id, language, {latest} FROM {source} {where}"
            " GROUP BY participant_id, municipality_id, language",
            params,
        )
