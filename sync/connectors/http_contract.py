"""What a vendor pack and the shared HTTP layer (`sync.connectors.http`) hand each other:
the answer a request gets (`HttpResponse`), how a vendor reports errors (`ErrorPolicy`,
`VendorFault`), how it authenticates (`AuthHook`), and what was sent (`CallStats`).

Free of httpx types, so a pack's dialect and auth can be written and tested against them
alone; `sync.connectors.http` re-exports the names packs use: their one import.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlsplit

import orjson

from sync.errors import VendorError

__all__ = [
    "AuthHook",
    "CallStats",
    "ErrorPolicy",
    "HttpResponse",
    "VendorFault",
    "parse_retry_after",
    "url_path",
]


class VendorFault(NamedTuple):
    """A vendor error body reduced to its code and message."""

    code: str | None
    message: str


def _generic_fault(status: int, body: Any) -> VendorFault:
    text = body if isinstance(body, str) else (orjson.dumps(body).decode() if body else "")
    return VendorFault(None, text[:500] or f"HTTP {status}")


def _unauthorized(response: HttpResponse) -> bool:
    return response.status == 401


@dataclass(frozen=True)
class ErrorPolicy:
    """How one vendor reports errors; the connector's dialect supplies `parse`.

    `renew_session` says which answer means "your session is stale: renew it and send again"
    (most vendors: 401; SAP: 403 with `x-csrf-token: Required` as well). Such an answer gets
    one credential refresh and one retry; if it comes again, the run stops with `AuthError`."""

    parse: Callable[[int, Any], VendorFault] = _generic_fault
    retry_codes: frozenset[str] = frozenset()  # transient even on a 4xx: retry here
    defer_codes: frozenset[str] = frozenset()  # transient, but retrying within seconds is futile
    renew_session: Callable[[HttpResponse], bool] = _unauthorized


class AuthHook(Protocol):
    """Adds credentials to each request and may renew them once when the vendor says the
    session is stale (`ErrorPolicy.renew_session`: a 401 unless the vendor says otherwise)."""

    def headers(self, method: str, url: str) -> dict[str, str]:
        """Headers to add to a request for the absolute `url` (query string included)."""
        ...

    def refresh(self, rejected: Mapping[str, str]) -> bool:
        """Renew credentials after `rejected` (the headers the stale-session answer answered);
        True to retry."""
        ...


_UNPARSED: Any = object()


@dataclass(frozen=True)
class HttpResponse:
    """A successful answer, free of httpx types. Header names are lower-case."""

    status: int
    url: str
    headers: Mapping[str, str]
    content: bytes
    # A JSON body is decoded once, inside the retry loop (a malformed one is retried).
    parsed: Any = field(default=_UNPARSED, compare=False, repr=False)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        """The body decoded with orjson; None for an empty body."""
        if self.parsed is not _UNPARSED:
            return self.parsed
        if not self.content:
            return None
        try:
            return orjson.loads(self.content)
        except orjson.JSONDecodeError as exc:
            raise VendorError(
                f"{url_path(self.url)} answered {self.status} with a body that is not JSON",
                status=self.status,
                body=self.content[:500].decode("utf-8", "replace"),
            ) from exc


@dataclass(frozen=True)
class CallStats:
    """Calls actually sent (retries and auth refreshes included), for the engine's metrics."""

    total: int
    by_method: Mapping[str, int]
    retries: int
    auth_refreshes: int


def parse_retry_after(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now())


def url_path(url: str) -> str:
    """A URL's path alone (what logs and errors may show: never its query string)."""
    return urlsplit(url).path or "/"
