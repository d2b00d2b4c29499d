"""The race harness (tests/races.py) reports every thread's outcome, and fails when a thread
does not end instead of passing its missing outcome off as ``None``."""

import threading

import pytest

from tests import races
from tests.races import NOT_FINISHED, race


def test_every_outcome_comes_back_in_order_exceptions_included():
    def fails():
        raise ValueError("no")

    outcomes = race(lambda: 1, fails, lambda: None)

    assert outcomes[0] == 1
    assert isinstance(outcomes[1], ValueError)
    assert outcomes[2] is None


def test_a_thread_that_does_not_end_fails_the_race(monkeypatch):
    monkeypatch.setattr(races, "THREAD_TIMEOUT", 0.3)
    release = threading.Event()
    try:
        with pytest.raises(AssertionError, match="did not end"):
            race(lambda: release.wait(10), lambda: None)
    finally:
        release.set()


def test_the_sentinel_is_not_none():
    assert NOT_FINISHED is not None
    assert repr(NOT_FINISHED) == "NOT_FINISHED"
