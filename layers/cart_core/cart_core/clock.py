"""The one clock: every timestamp and deadline the core writes or compares comes from a ``Clock``.

A clock is a callable returning Unix seconds (``time.time`` is the default everywhere), injected
where time is read: ``usecases.compose`` (the unit of work and every use case), the store
(``DynamoStore(clock=…)``: TTL filtering of reads), ``runtime.clock()`` for the workers. Tests
freeze or advance it (``FrozenClock``) instead of patching modules.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Clock = Callable[[], float]

system_clock: Clock = time.time


def ms(clock: Clock) -> int:
    """The clock's now in epoch milliseconds (the unit every ``*_ms`` field is in)."""
    return int(clock() * 1000)


class FrozenClock:
    """A clock that stands still until told to move (tests, replays)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
