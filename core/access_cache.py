"""The stamps that key the cached access of each user (docs/adr/0019-access-cache.md).

``casework.access`` caches a user's roles, municipalities and covers in Django's cache under
``(user id, the user's stamp, the stamp for everyone, today)``. Every service that changes what a
user may access calls ``invalidate_access(user)`` inside its transaction; a change that concerns
everyone (a new municipality, which a pilot-wide coordinator sees) calls
``invalidate_access(None)``. The stamps live in the database, so every worker process sees a
change on its very next request, whatever cache backend it uses.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import connection

from core.models import AccessStamp

#: The attribute ``casework.access`` memoises a user's access on, for one request.
ACCESS_ATTRIBUTE = "_polku_access"
#: The attribute the token authentication leaves the stamps it read on (no second query).
STAMPS_ATTRIBUTE = "_polku_access_stamps"
#: The holder of the stamp that concerns every user.
EVERYONE = 0


def new_stamp() -> int:
    """A random positive 62-bit stamp: never repeats, so a rolled-back change cannot revive a
    cache entry."""
    return secrets.randbits(62) + 1


def invalidate_access(user: Any | None) -> None:
    """The user's access changed (``None``: everyone's): replace the stamp, and forget what
    this process memoised on the user object."""
    holder = EVERYONE if user is None else int(getattr(user, "pk", user))
    AccessStamp.objects.bulk_create(
        [AccessStamp(holder=holder, stamp=new_stamp())],
        update_conflicts=True,
        unique_fields=["holder"],
        update_fields=["stamp"],
    )
    if user is not None and not isinstance(user, int):
        for attribute in (ACCESS_ATTRIBUTE, STAMPS_ATTRIBUTE):
            if hasattr(user, attribute):
                delattr(user, attribute)


def stamps_of(user_id: int) -> tuple[int | None, int | None]:
    """The user's stamp and the stamp for everyone, in one indexed query (None: never set)."""
    table = connection.ops.quote_name(AccessStamp._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT holder, stamp FROM {table} WHERE holder IN (%s, %s)", [user_id, EVERYONE]
        )
        found = dict(cursor.fetchall())
    return found.get(user_id), found.get(EVERYONE)
