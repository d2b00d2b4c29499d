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


class _NotFinished:
    def __repr__(self) -> str:
        return "NOT_FINISHED"


#: The outcome of a thread that never got to return or raise (a function returning None is
#: still told apart from one that hung).
NOT_FINISHED = _NotFinished()
#: How long one racing thread may take before the race fails.
THREAD_TIMEOUT = 60


def race(*functions: Callable[[], Any]) -> list[Any]:
    """Start every function at once, each in its own thread and database connection; what each
    returned, or the exception it raised, in the order given. Fails when a thread has not ended
    within ``THREAD_TIMEOUT`` seconds (a deadlock or a lost wake-up), instead of letting a hung
    thread pass as a ``None`` outcome."""
    barrier = threading.Barrier(len(functions))
    outcomes: list[Any] = [NOT_FINISHED] * len(functions)

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
        thread.join(timeout=THREAD_TIMEOUT)
    hung = [index for index, thread in enumerate(threads) if thread.is_alive()]
    assert not hung, f"racing threads {hung} did not end within {THREAD_TIMEOUT} s"
    unfinished = [index for index, outcome in enumerate(outcomes) if outcome is NOT_FINISHED]
    assert not unfinished, f"racing threads {unfinished} ended without an outcome"
    return outcomes
