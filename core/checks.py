"""System checks of the database Polku runs on (README "Deployment: the database")."""

from __future__ import annotations

from typing import Any

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError, connections


@register(Tags.database)
def autovacuum_is_on(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[Any]:
    """Warn when PostgreSQL's autovacuum is off: the read-access log and the history tables only
    grow, and plans made for empty tables stay (docs/adr/0020-access-log-statement.md)."""
    found = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        try:
            with connection.cursor() as cursor:
                cursor.execute("SHOW autovacuum")
                (value,) = cursor.fetchone()
        except DatabaseError:
            continue  # an unreachable database is reported by the database checks themselves
        if str(value).lower() != "on":
            found.append(
                Warning(
                    f"PostgreSQL autovacuum is {value} on database {alias!r}.",
                    hint="Turn it on (autovacuum = on in postgresql.conf); Polku's append-only "
                    "tables need fresh statistics. See README, Deployment: the database.",
                    id="polku.W001",
                )
            )
    return found
