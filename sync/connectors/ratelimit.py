"""Polite reading: a token bucket that spaces requests to a vendor (a live system's API limits
are shared with its users; a reconcile must not starve them)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from sync.errors import ConfigError

RATE_OPTION = "max_requests_per_second"


class TokenBucket:
    """At most `rate` requests a second on average, with bursts of up to `burst`.

    Each `acquire` reserves the next slot under a lock and sleeps outside it, so threads
    sharing one bucket queue fairly and never exceed the rate together. `clock` and `sleep`
    are injected so tests run on a fake clock."""

    def __init__(
        self,
        rate: float,
        *,
        burst: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a token bucket needs a positive rate and a burst of at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = burst
        self._updated = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping until it is due; returns the seconds slept."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            self._tokens -= 1  # below zero: a slot reserved in the future
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if wait > 0:
            self._sleep(wait)
        return wait


def bucket_from_options(
    options: Mapping[str, Any],
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> TokenBucket | None:
    """The bucket a connection's `max_requests_per_second` option asks for; None (unlimited)
    when it is absent or null. Anything but a positive number is a ConfigError."""
    value = options.get(RATE_OPTION)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(
            f"{RATE_OPTION} must be a positive number of requests a second (got {value!r}); "
            "leave it out for no limit",
            key=f"options.{RATE_OPTION}",
        )
    return TokenBucket(float(value), clock=clock, sleep=sleep)
