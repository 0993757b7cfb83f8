"""Salesforce record ids: 15 case-sensitive characters, plus a 3-character case-safe suffix.

A 15-character id is the object's key prefix (Account `001`, Contact `003`, ...), a pod
code, a reserved `0` and a base-62 counter. The suffix encodes which of the 15 characters are
uppercase letters, so an 18-character id survives case-insensitive systems (spreadsheets,
some databases) and its original case can be restored from the suffix alone.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_POD = "Dn0"  # pod code and the reserved character
_COUNTER_WIDTH = 15 - 3 - len(_POD)
_ID15 = re.compile(r"[0-9A-Za-z]{15}")
_SUFFIX_INDEX = {ch: i for i, ch in enumerate(SUFFIX_ALPHABET)}


class InvalidId(ValueError):
    """Raised for a string that is not a 15- or 18-character Salesforce id."""

    def __init__(self, value: str) -> None:
        super().__init__(f"invalid Salesforce id {value!r}")
        self.value = value


def case_suffix(id15: str) -> str:
    """The 3-character suffix of a 15-character id (one letter per 5-character chunk)."""
    chars = []
    for start in (0, 5, 10):
        bits = 0
        for i, ch in enumerate(id15[start : start + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << i
        chars.append(SUFFIX_ALPHABET[bits])
    return "".join(chars)


def to18(id15: str) -> str:
    return id15 + case_suffix(id15)


def make_id(prefix: str, counter: int) -> str:
    """The 18-character id numbered `counter` (1, 2, ...) for an object with key `prefix`."""
    if len(prefix) != 3 or counter < 0:
        raise ValueError(f"bad key prefix {prefix!r} or counter {counter}")
    digits = []
    n = counter
    for _ in range(_COUNTER_WIDTH):
        n, rem = divmod(n, 62)
        digits.append(_BASE62[rem])
    if n:
        raise ValueError(f"counter {counter} does not fit in an id")
    return to18(prefix + _POD + "".join(reversed(digits)))


def normalize_id(value: str) -> str:
    """Return the canonical 18-character form of a 15- or 18-character id.

    For an 18-character id the suffix is authoritative for letter case (as in Salesforce), so
    `001dn...` with the right suffix restores to `001Dn...`. Raises `InvalidId` otherwise.
    """
    if not isinstance(value, str):
        raise InvalidId(repr(value))
    if len(value) == 15 and _ID15.fullmatch(value):
        return to18(value)
    if len(value) != 18 or not _ID15.fullmatch(value[:15]):
        raise InvalidId(value)
    restored = []
    for chunk, suffix_char in enumerate(value[15:].upper()):
        bits = _SUFFIX_INDEX.get(suffix_char)
        if bits is None:
            raise InvalidId(value)
        for i, ch in enumerate(value[chunk * 5 : chunk * 5 + 5]):
            if bits & (1 << i):
                if not ch.isalpha():
                    raise InvalidId(value)
                restored.append(ch.upper())
            else:
                restored.append(ch.lower())
    return to18("".join(restored))


def key_prefix(record_id: str) -> str:
    return record_id[:3]


class IdAllocator:
    """Hands out fresh ids per key prefix, skipping any the caller says are taken.

    Counters only move forward, so ids of rolled-back writes are never reused (as in
    Salesforce) and a fresh app given the same calls allocates the same ids.
    """

    def __init__(self) -> None:
        self._next: dict[str, int] = {}
        self._lock = threading.Lock()

    def allocate(self, prefix: str, taken: Callable[[str], bool]) -> str:
        with self._lock:
            counter = self._next.get(prefix, 1)
            candidate = make_id(prefix, counter)
            while taken(candidate):
                counter += 1
                candidate = make_id(prefix, counter)
            self._next[prefix] = counter + 1
            return candidate
