"""The soak's one clock: simulated time every component of the sandbox reads.

The mocks' stores stamp records with it, the engine and the state store stamp runs,
watermarks and crosswalk rows with it, the scheduler decides what is due by it and the
retention window is measured against it. The soak moves it forward in jumps (to the next
churn event, to the next due run, to the next day) and, between jumps, lets it run at
`speed` simulated seconds per real second, so the real time a sync takes (retries waiting
on `Retry-After` during an incident, say) shows as simulated lag, scaled.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

__all__ = ["SoakClock"]


class SoakClock:
    """A settable, thread-safe, monotonic clock: `clock()` is the simulated now (UTC, cut to
    milliseconds like the vendors' stamps). It never goes back: a jump to an earlier time
    leaves it where it is (a run that overran its slot delays what comes after it)."""

    def __init__(
        self,
        start: datetime,
        *,
        speed: float = 0.0,
        wall: Callable[[], float] = time.monotonic,
    ) -> None:
        if start.tzinfo is None:
            raise ValueError("a soak clock starts at an aware datetime (UTC)")
        if speed < 0:
            raise ValueError(f"speed must be >= 0 simulated seconds per real second, not {speed}")
        self._lock = threading.Lock()
        self._wall = wall
        self._speed = float(speed)
        self._base = _cut(start.astimezone(UTC))
        self._wall_base = wall()
        self._last = self._base

    @property
    def speed(self) -> float:
        return self._speed

    def __call__(self) -> datetime:
        return self.now()

    def now(self) -> datetime:
        with self._lock:
            return self._read()

    def _read(self) -> datetime:
        """The current simulated time (lock held); never earlier than the last reading."""
        drift = (self._wall() - self._wall_base) * self._speed
        current = _cut(self._base + timedelta(seconds=drift))
        self._last = max(self._last, current)
        return self._last

    def advance_to(self, when: datetime) -> datetime:
        """Jump to `when` if it is later than now; returns the simulated now."""
        with self._lock:
            current = self._read()
            if when > current:
                self._base, self._wall_base = _cut(when), self._wall()
                self._last = self._base
            return self._last

    def advance(self, seconds: float) -> datetime:
        """Move `seconds` forward (at least one millisecond, so a waiting loop always ends)."""
        with self._lock:
            target = self._read() + timedelta(seconds=max(seconds, 0.001))
        return self.advance_to(target)


def _cut(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
