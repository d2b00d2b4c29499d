"""Real races for the tests: concurrent writers on their own connections. SQLite serialises
whole transactions, so a race is only meaningful on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

#: Reference data (municipalities, licence types, ISCO-08) comes from migrations: a transactional
#: test restores it after its flush (serialized_rollback), which costs a serialisation of the test
#: database; only ask for it where the test runs.
real_race = (
    pytest.mark.django_db(transaction=True, serialized_rollback=True)
    if connection.vendor == "postgresql"
    else pytest.mark.skip(
        reason="a real race needs concurrent writers; SQLite serialises whole transactions "
        "(run with DATABASE_URL=postgres://…)"
    )
)


def race(*functions: Callable[[], Any]) -> list[Any]:
    """Start every function at once, each in its own thread and database connection; what each
    returned, or the exception it raised, in the order given."""
    barrier = threading.Barrier(len(functions))
    outcomes: list[Any] = [None] * len(functions)

    def run(index: int, function: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = function()
        except Exception as error:  # noqa: BLE001 - the caller asserts on every outcome
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, function))
        for index, function in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
