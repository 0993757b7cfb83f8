"""A circuit breaker for one vendor connection: stop hammering a system that keeps failing.

Retries with backoff ride out a blip; they make a sustained outage worse (every request burns
its whole retry budget, for minutes) and hide it. The breaker counts consecutive failed
attempts - timeouts, resets, 5xx, 429 - across every request of the connection. At
`threshold` it opens: every further request fails at once with `CircuitOpenError`, a fatal
error, so the engine stops the flow, marks the run failed with the reason, and keeps
everything already committed (the next run resumes from the watermark). After `cooldown`
seconds it lets one trial request through (half-open); a success closes it again.

Any success resets the count, so a 10% error rate never opens it (twenty failures in a row at
10% has a probability of 1e-20); a storm does, within `threshold` attempts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sync.errors import FatalError

State = Literal["closed", "open", "half-open"]

DEFAULT_THRESHOLD = 20
DEFAULT_COOLDOWN = 30.0


class CircuitOpenError(FatalError):
    """Too many consecutive failures on one vendor connection: the flow stops here."""

    def __init__(self, message: str, *, vendor: str, failures: int, last_error: str) -> None:
        super().__init__(message)
        self.vendor = vendor
        self.failures = failures
        self.last_error = last_error


@dataclass(frozen=True)
class BreakerSnapshot:
    state: State
    consecutive_failures: int
    times_opened: int
    last_error: str | None


class CircuitBreaker:
    """Thread-safe: the connectors fan requests out over a thread pool."""

    def __init__(
        self,
        vendor: str,
        *,
        threshold: int = DEFAULT_THRESHOLD,
        cooldown: float = DEFAULT_COOLDOWN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if threshold < 1:
            raise ValueError(f"circuit_breaker_threshold must be at least 1, got {threshold}")
        self.vendor = vendor
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._times_opened = 0
        self._trial_in_flight = False
        self._last_error: str | None = None

    def before_attempt(self) -> None:
        """Raise `CircuitOpenError` unless a request may be sent now."""
        with self._lock:
            if self._opened_at is None:
                return
            waited = self._clock() - self._opened_at
            if waited >= self.cooldown and not self._trial_in_flight:
                self._trial_in_flight = True  # half-open: one trial request
                return
            raise CircuitOpenError(
                f"{self.vendor} circuit open after {self._failures} consecutive failed "
                f"attempts (last: {self._last_error}); the flow stopped so as not to hammer a "
                f"failing system. Check its status and rerun: the next run resumes from the "
                f"last committed page",
                vendor=self.vendor,
                failures=self._failures,
                last_error=self._last_error or "",
            )

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_in_flight = False

    def record_failure(self, error: str) -> None:
        with self._lock:
            self._failures += 1
            self._last_error = error
            if self._trial_in_flight or (
                self._opened_at is None and self._failures >= self.threshold
            ):
                self._times_opened += 1
                self._opened_at = self._clock()
                self._trial_in_flight = False

    @property
    def snapshot(self) -> BreakerSnapshot:
        with self._lock:
            if self._opened_at is None:
                state: State = "closed"
            elif self._trial_in_flight:
                state = "half-open"
            else:
                state = "open"
            return BreakerSnapshot(state, self._failures, self._times_opened, self._last_error)
