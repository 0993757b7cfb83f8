"""The nonces a NetSuite account has seen, so a replayed signed request is refused.

RFC 5849 section 3.3: a nonce must be unique among requests with the same timestamp and the
same client and token. A request is only accepted while its timestamp is within the skew
window of the server's clock, so a nonce needs remembering only until its timestamp leaves
that window: entries are kept `2 x window` after they were seen (a timestamp is at most one
window ahead of the clock when it is seen), then dropped. The cache is bounded; when it is
full of live entries the oldest goes first, so a flood of fresh requests (far beyond what a
mock serves in ten minutes) could make an old one replayable: documented, not hidden.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

NonceKey = tuple[str, str, str, str]  # consumer key, token id, nonce, timestamp
DEFAULT_CAPACITY = 200_000


class NonceCache:
    """Seen `(consumer key, token, nonce, timestamp)` keys with the time they can be dropped."""

    def __init__(self, keep_seconds: float, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self._keep = keep_seconds
        self._capacity = capacity
        self._seen: OrderedDict[NonceKey, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_use(self, key: NonceKey, now: float) -> bool:
        """Record `key` seen at `now`; False when it was seen already (a replay)."""
        with self._lock:
            self._forget_expired(now)
            if key in self._seen:
                return False
            while len(self._seen) >= self._capacity:
                self._seen.popitem(last=False)
            self._seen[key] = now + self._keep
            return True

    def __len__(self) -> int:
        with self._lock:
            return len(self._seen)

    def _forget_expired(self, now: float) -> None:
        # Insertion order is the order seen; with a clock that does not go back it is also
        # the order of expiry, so expired entries are all at the front.
        while self._seen:
            key, expires = next(iter(self._seen.items()))
            if expires > now:
                break
            del self._seen[key]


__all__ = ["DEFAULT_CAPACITY", "NonceCache", "NonceKey"]
