"""CPU-bound request work one at a time, in the order it was asked for.

A mock serves its requests on threads of one Python process, which share one core (the
GIL). Several query executions side by side therefore share that core: each takes as long
as all of them together, and the first one asked is answered about when the last one is.
A vendor's servers answer each request on its own; the nearest a mock can come is to let
the work of the request asked first finish first. `Turns` hands out turns in arrival order
(a plain lock wakes its waiters in no set order). Waiting for a turn holds no other lock;
a fault plan's latency is served side by side, and counts the wait for a turn and the work
as part of the call's response time (`mocks.faults.effects.delayed`).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

__all__ = ["CPU_TURNS", "Turns"]

_T = TypeVar("_T")


class Turns:
    """A lock whose waiters get it first come, first served."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._busy = False

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._lock:
            mine: threading.Event | None = None
            if self._busy:
                mine = threading.Event()
                self._waiting.append(mine)
            self._busy = True
        if mine is not None:
            mine.wait()  # set by the holder before us, which hands the turn straight over
        try:
            yield
        finally:
            with self._lock:
                if self._waiting:
                    self._waiting.popleft().set()
                else:
                    self._busy = False

    def run(self, work: Callable[[], _T]) -> _T:
        """`work()` in its turn."""
        with self.turn():
            return work()


CPU_TURNS = Turns()  # one per process: the core the GIL shares is the process's
