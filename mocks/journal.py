"""The request journal: what a client did to a mock, request by request.

Every request outside the admin API is recorded with its time, client, method, path,
operation kind, status, latency, the `Retry-After` the mock answered with, and the records
its writes touched (the store tells the journal through `mocks.store.WRITE_OBSERVER`). The
journal keeps the last `capacity` requests in a ring and exact totals over all of them, so
a long soak stays bounded in memory while its counts stay true.

`harness judge` reads it through `GET /__harness/journal` to say what an integration did
to the vendors: API calls per record, 429s drawn and whether it waited as asked, retries,
failed logins, and writes outside the scope of its mapping.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mocks.store import WRITE_OBSERVER, Change

DEFAULT_CAPACITY = 200_000
# A retry that waits this much less than `Retry-After` still honours it: the mock stamps the
# end of its answer, the client starts its wait a little later.
RETRY_SLACK_SECONDS = 0.01
Kinds = Callable[[str, str], str]  # (method, path) -> operation kind (a fault dialect's)


@dataclass(frozen=True, slots=True)
class WriteNote:
    """One store change a request made: the record, the kind of change, the fields written."""

    seq: int  # the change feed's sequence number
    obj: str
    id: str
    kind: str
    fields: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "object": self.obj,
            "id": self.id,
            "kind": self.kind,
            "fields": list(self.fields),
        }


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One request as the mock saw it; `client` never holds a secret (see `client_of`)."""

    seq: int
    at: float  # wall clock (epoch seconds) when the request arrived
    started: float  # the journal's monotonic clock when it arrived
    ended: float  # ... and when the answer was complete
    client: str
    method: str
    path: str
    kind: str
    status: int
    retry_after: float | None
    writes: tuple[WriteNote, ...] = ()

    @property
    def latency_ms(self) -> float:
        return round((self.ended - self.started) * 1000, 3)

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "client": self.client,
            "method": self.method,
            "path": self.path,
            "kind": self.kind,
            "status": self.status,
            "latency_ms": self.latency_ms,
            "retry_after": self.retry_after,
            "writes": [w.to_json() for w in self.writes],
        }


@dataclass
class _Totals:
    """Exact counts over every request ever recorded (the ring forgets, these do not)."""

    requests: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)
    auth_failures: int = 0
    records_written: Counter[str] = field(default_factory=Counter)  # object -> changes
    fields_written: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, entry: JournalEntry) -> None:
        self.requests += 1
        self.by_kind[entry.kind] += 1
        self.by_status[entry.status] += 1
        self.auth_failures += is_auth_failure(entry)
        _count_writes(entry.writes, self.records_written, self.fields_written)

    def to_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "by_kind": dict(self.by_kind),
            "by_status": {str(k): v for k, v in sorted(self.by_status.items())},
            "rate_limited": self.by_status[429],
            "auth_failures": self.auth_failures,
            "records_written": dict(self.records_written),
            "fields_written": {o: dict(c) for o, c in self.fields_written.items()},
        }


def is_auth_failure(entry: JournalEntry) -> bool:
    """A refused credential: any 401, or a login call answered with a client error."""
    return entry.status == 401 or (entry.kind == "auth" and 400 <= entry.status < 500)


def _count_writes(
    writes: Iterable[WriteNote], records: Counter[str], fields: dict[str, Counter[str]]
) -> None:
    for note in writes:
        records[note.obj] += 1
        fields.setdefault(note.obj, Counter()).update(note.fields)


class RequestJournal:
    """A bounded, thread-safe log of requests with exact totals; `clock` is monotonic."""

    def __init__(
        self,
        capacity: int = DEFAULT_CAPACITY,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.capacity = capacity
        self.clock, self.wall = clock, wall
        self._lock = threading.Lock()
        self._ring: deque[JournalEntry] = deque(maxlen=capacity)
        self._totals = _Totals()
        self._seq = 0
        self._last_ended: float | None = None
        self._fields: dict[tuple[str, ...], tuple[str, ...]] = {}  # shared field-name tuples
        self._clients: dict[str, str] = {}

    def next_seq(self) -> int:
        with self._lock:
            self._seq += 1
            return self._seq

    def intern(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """One tuple per distinct field list, so a million writes hold a handful of tuples."""
        with self._lock:
            return self._fields.setdefault(names, names)

    def client(self, headers: dict[bytes, bytes]) -> str:
        """`client_of(headers)`, one string per distinct client (a full ring holds few)."""
        name = client_of(headers)
        with self._lock:
            return self._clients.setdefault(name, name)

    def record(self, entry: JournalEntry) -> None:
        with self._lock:
            self._ring.append(entry)
            self._totals.add(entry)
            self._last_ended = max(self._last_ended or entry.ended, entry.ended)

    def clear(self) -> None:
        with self._lock:
            self._ring.clear()
            self._totals = _Totals()
            self._last_ended = None

    @property
    def quiet_seconds(self) -> float | None:
        """Seconds since the last request ended; None when none was recorded."""
        last = self._last_ended
        return None if last is None else max(0.0, self.clock() - last)

    def entries(self) -> list[JournalEntry]:
        with self._lock:
            return list(self._ring)

    def totals(self) -> dict[str, Any]:
        with self._lock:
            return self._totals.to_json()

    def read(self, query: JournalQuery, *, summary: bool = True) -> dict[str, Any]:
        """What `GET /__harness/journal` answers: totals, a summary and entries per `query`."""
        chosen = [e for e in self.entries() if query.admits(e)] if summary or query.limit else []
        shown = chosen[-query.limit :] if query.limit else []
        quiet = self.quiet_seconds
        return {
            "capacity": self.capacity,
            "kept": len(self._ring),
            "totals": self.totals(),
            "quiet_seconds": None if quiet is None else round(quiet, 3),
            "summary": summarize(chosen) if summary else None,
            "entries": [e.to_json() for e in shown],
        }


@dataclass(frozen=True)
class JournalQuery:
    """Filters of `GET /__harness/journal`; every given one must hold."""

    since: int = 0  # entries after this journal seq
    kind: str | None = None
    method: str | None = None
    path: str | None = None  # a glob, as fault plans match paths
    status: int | None = None
    client: str | None = None  # a substring of the client
    limit: int = 1000  # entries returned (the summary covers every admitted one); 0: none

    def admits(self, e: JournalEntry) -> bool:
        return (
            e.seq > self.since
            and (self.kind is None or e.kind == self.kind)
            and (self.method is None or e.method == self.method.upper())
            and (self.path is None or fnmatchcase(e.path, self.path))
            and (self.status is None or e.status == self.status)
            and (self.client is None or self.client in e.client)
        )


def summarize(entries: Sequence[JournalEntry]) -> dict[str, Any]:
    """Calls by kind, 429s drawn and how each was retried, retries, failed auths, and the
    writes by object and field, over `entries` (in arrival order)."""
    by_kind: Counter[str] = Counter(e.kind for e in entries)
    records: Counter[str] = Counter()
    fields: dict[str, Counter[str]] = {}
    _count_writes((w for e in entries for w in e.writes), records, fields)
    # What the client's own write calls changed, apart from what the vendor did by itself
    # while answering a read (a standard price book made on first use, say).
    asked: Counter[str] = Counter()
    updated: dict[str, Counter[str]] = {}
    _count_writes((w for e in entries if e.kind == "write" for w in e.writes), asked, {})
    notes = (w for e in entries if e.kind == "write" for w in e.writes if w.kind == "update")
    _count_writes(notes, Counter(), updated)
    retries = _retries(entries)
    limited = [e for e in entries if e.status == 429]
    waits = [r for r in retries if r["after_status"] == 429 and r["asked"] is not None]
    honoured = sum(1 for r in waits if r["waited"] + RETRY_SLACK_SECONDS >= r["asked"])
    return {
        "calls": len(entries),
        "calls_by_kind": dict(by_kind),
        "rate_limited": len(limited),
        "retry_after": {
            "retried": len(waits),
            "honoured": honoured,
            "ignored": len(waits) - honoured,
            "not_retried": len(limited) - sum(1 for r in retries if r["after_status"] == 429),
        },
        "retries": len(retries),
        "retry_detail": retries[:50],
        "auth_failures": sum(1 for e in entries if is_auth_failure(e)),
        "errors": sum(1 for e in entries if e.status >= 500),
        "records_written": dict(records),
        "fields_written": {o: dict(c) for o, c in fields.items()},
        "records_written_by_writes": dict(asked),
        # Fields its write calls changed on records that existed: what a client chose to
        # overwrite (a create also holds the defaults the vendor fills in itself).
        "fields_updated": {o: dict(c) for o, c in updated.items()},
    }


def _retries(entries: Sequence[JournalEntry]) -> list[dict[str, Any]]:
    """Requests repeating the same client's same method and path right after it failed
    (429 or 5xx): each with the wait the mock asked for and the wait the client took."""
    last: dict[tuple[str, str, str], JournalEntry] = {}
    found: list[dict[str, Any]] = []
    for e in entries:
        key = (e.client, e.method, e.path)
        before = last.get(key)
        if before is not None and (before.status == 429 or before.status >= 500):
            found.append(
                {
                    "seq": e.seq,
                    "method": e.method,
                    "path": e.path,
                    "after_status": before.status,
                    "asked": before.retry_after,
                    "waited": round(max(0.0, e.started - before.ended), 3),
                }
            )
        last[key] = e
    return found


# -- the client behind a request, without its secret ---------------------------------------

_OAUTH_TOKEN = re.compile(r'oauth_token="([^"]*)"')


def client_of(headers: dict[bytes, bytes]) -> str:
    """Who called: the user agent and a principal read from the credentials, never the
    secret: a Basic user name, else a short fingerprint of the bearer or OAuth 1.0 token, so
    the calls of one credential group together and the journal leaks nothing usable."""
    agent = headers.get(b"user-agent", b"").decode("latin-1")[:120] or "unknown agent"
    auth = headers.get(b"authorization", b"").decode("latin-1")
    principal = _principal(auth)
    return f"{agent} [{principal}]" if principal else agent


def _principal(auth: str) -> str | None:
    scheme, _, value = auth.partition(" ")
    scheme = scheme.lower()
    if scheme == "basic":
        try:
            user = base64.b64decode(value, validate=True).decode().partition(":")[0]
        except (ValueError, UnicodeDecodeError):
            return "basic:?"
        return f"basic:{user}"
    if scheme == "bearer" and value:
        return f"bearer:{_fingerprint(value)}"
    if scheme == "oauth":
        token = _OAUTH_TOKEN.search(value)
        return f"oauth1:{_fingerprint(token.group(1))}" if token else "oauth1:?"
    return None


def _fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:10]


def _retry_after(headers: Iterable[tuple[bytes, bytes]]) -> float | None:
    for name, value in headers:
        if name.lower() == b"retry-after":
            try:
                return float(value)
            except ValueError:  # an HTTP date: no vendor mock sends one
                return None
    return None


# -- the middleware -----------------------------------------------------------------------


class JournalMiddleware:
    """Records every request outside `skip_prefix` in `journal`; pure ASGI, outermost, so it
    also sees what the fault middleware answers in the app's place."""

    def __init__(
        self, app: ASGIApp, journal: RequestJournal, kinds: Kinds, skip_prefix: str
    ) -> None:
        self.app = app
        self.journal = journal
        self.kinds = kinds
        self.skip_prefix = skip_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.skip_prefix):
            await self.app(scope, receive, send)
            return
        journal = self.journal
        seq, at, started = journal.next_seq(), journal.wall(), journal.clock()
        answer: dict[str, Any] = {"status": 500, "retry_after": None}
        writes: list[WriteNote] = []

        def observe(change: Change, names: tuple[str, ...]) -> None:
            interned = journal.intern(tuple(sorted(names)))
            writes.append(WriteNote(change.seq, change.obj, change.id, change.kind, interned))

        async def watched(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                answer["retry_after"] = _retry_after(message.get("headers", ()))
            await send(message)

        token = WRITE_OBSERVER.set(observe)
        try:
            await self.app(scope, receive, watched)
        finally:
            WRITE_OBSERVER.reset(token)
            headers = dict(scope.get("headers") or ())
            method, path = scope["method"], scope["path"]
            journal.record(
                JournalEntry(
                    seq,
                    at,
                    started,
                    journal.clock(),
                    journal.client(headers),
                    method,
                    path,
                    self.kinds(method, path),
                    answer["status"],
                    answer["retry_after"],
                    tuple(writes),
                )
            )


__all__ = [
    "DEFAULT_CAPACITY",
    "JournalEntry",
    "JournalMiddleware",
    "JournalQuery",
    "RequestJournal",
    "WriteNote",
    "client_of",
    "is_auth_failure",
    "summarize",
]
