"""Helpers for the few hand-written analytical statements (the dashboards, the candidate
ranking): SQL that differs between PostgreSQL and SQLite, and planner settings.

Planner settings (PostgreSQL only):

Polku's aggregate statements (the dashboards, the candidate ranking) read tens of thousands of
rows of one municipality on a two-core database that also serves requests. There a parallel
``Gather`` takes cores from concurrent requests and costs more than it saves, JIT compilation
costs more than a whole query, and a statement whose row estimates the planner cannot make
(window results, CTEs) may pick nested loops over tens of thousands of rows. ``planner_settings``
runs the enclosed queries in one transaction with ``SET LOCAL`` settings, which end with it (inside
an outer transaction it puts the previous values back when the block ends). On other databases it
does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction

#: "Latest" and "first" rows are the MAX/MIN of one integer key: days × KEY_SCALE + id × 100 + a
#: two-digit code (ids stay below 10¹⁰).
KEY_SCALE = 10**12


@dataclass(frozen=True)
class Dialect:
    """The few expressions whose SQL differs between PostgreSQL and SQLite."""

    vendor: str

    def day_number(self, column: str) -> str:
        """Days since 1900-01-01, an integer."""
        if self.vendor == "postgresql":
            return f"({column} - DATE '1900-01-01')"
        return f"CAST(julianday({column}) - julianday('1900-01-01') AS INTEGER)"

    def sort_key(self, date_column: str, code: str, id_column: str = "id") -> str:
        """An integer that orders rows by date, then id, and carries ``code`` (0–99) in its last
        two digits: ``MAX(key) % 100`` is the code of the latest row."""
        return (
            f"(CAST({self.day_number(date_column)} AS BIGINT) * {KEY_SCALE}"
            f" + {id_column} * 100 + {code})"
        )

    def days_between(self, later: str, earlier: str) -> str:
        """Whole days from ``earlier`` to ``later`` (either may be a ``%s`` date parameter)."""
        if self.vendor == "postgresql":
            return f"(CAST({later} AS DATE) - {earlier})"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def month(self, column: str) -> str:
        """``YYYY-MM`` of a date."""
        if self.vendor == "postgresql":
            return f"to_char({column}, 'YYYY-MM')"
        return f"substr({column}, 1, 7)"


#: No parallel workers, no JIT: what every analytical statement here runs with.
SERIAL = {"max_parallel_workers_per_gather": "0", "jit": "off", "random_page_cost": "1.1"}


@contextmanager
def planner_settings(using: str = "default", **settings: str) -> Iterator[None]:
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    values = {**SERIAL, **settings}
    nested = connection.in_atomic_block
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            previous = _set_local(cursor, values)
        yield
        if nested:  # SET LOCAL would outlive this block: put the previous values back
            with connection.cursor() as cursor:  # (after an error, the savepoint's rollback does)
                _set_local(cursor, previous)


def _set_local(cursor: Any, values: dict[str, str]) -> dict[str, str]:
    """Set them all in one statement; the values they had (read first: PostgreSQL evaluates a
    select list in order)."""
    cursor.execute(
        "SELECT "
        + ", ".join(["current_setting(%s)"] * len(values))
        + ", "
        + ", ".join(["set_config(%s, %s, true)"] * len(values)),
        [*values, *(part for item in values.items() for part in item)],
    )
    return dict(zip(values, cursor.fetchone()[: len(values)], strict=True))
