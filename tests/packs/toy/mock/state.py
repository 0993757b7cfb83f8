"""What one Toy CRM app holds besides its `MockContext`: the client credentials it accepts,
the tokens it issued, and the id counter (`app.state.toy`)."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from mocks.store import RecordStore
from tests.packs.toy.mock.schema import OBJECT

ID_PREFIX = "c_"


def make_id(number: int) -> str:
    """`c_000001`: zero-padded, so ids sort in creation order."""
    return f"{ID_PREFIX}{number:06d}"


class TokenBook:
    """Issued bearer tokens and when; expiry is decided at check time from the current TTL
    setting, so changing `token_ttl_seconds` while the app runs takes effect at once."""

    def __init__(self) -> None:
        self._issued: dict[str, float] = {}
        self._lock = threading.Lock()

    def issue(self) -> str:
        token = "toy_" + secrets.token_urlsafe(32)
        with self._lock:
            self._issued[token] = time.monotonic()
        return token

    def is_valid(self, token: str | None, ttl_seconds: float) -> bool:
        if not token:
            return False
        with self._lock:
            issued = self._issued.get(token)
        return issued is not None and time.monotonic() - issued < ttl_seconds

    def revoke_all(self) -> int:
        """Forget every token (a token-expiry fault); returns how many there were."""
        with self._lock:
            count = len(self._issued)
            self._issued.clear()
        return count


class IdCounter:
    """Hands out the next client id. A reseed or load resets the store (its `generation`
    moves), so the counter then starts again after the highest id the store holds."""

    def __init__(self) -> None:
        self._generation = -1
        self._last = 0

    def next(self, store: RecordStore) -> str:
        """Call with `ToyState.lock` held."""
        if store.generation != self._generation:
            self._generation = store.generation
            numbers = [
                int(r.id.removeprefix(ID_PREFIX))
                for r in store.records(OBJECT, include_deleted=True)
                if r.id.removeprefix(ID_PREFIX).isdigit()
            ]
            self._last = max(numbers, default=0)
        self._last += 1
        return make_id(self._last)


@dataclass
class ToyState:
    client_id: str
    client_secret: str
    tokens: TokenBook = field(default_factory=TokenBook)
    ids: IdCounter = field(default_factory=IdCounter)
    # One write at a time: an upsert's lookup by ref and its insert must not interleave.
    lock: threading.Lock = field(default_factory=threading.Lock)


__all__ = ["ID_PREFIX", "IdCounter", "TokenBook", "ToyState", "make_id"]
