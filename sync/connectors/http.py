"""The connectors' one HTTP boundary: auth, retries, the read-only guard and error translation.

Only this module sees httpx exceptions and HTTP status codes. Everything above it gets an
`HttpResponse` for a 2xx answer or a `sync.errors` exception that says what to do next:

- 401 (after one credential refresh) -> `AuthError`;
- timeouts, connection resets, 408, 429, 5xx and vendor-declared transient codes -> retried
  with exponential backoff and full jitter (or exactly `Retry-After` when the vendor sends it),
  bounded by `max_retries` and a total deadline, then `TransientVendorError`;
- vendor codes declared "deferred" (a daily quota) -> `TransientVendorError` at once, unretried;
- any other 4xx -> `FatalVendorError`; an unexpected 1xx/3xx -> `VendorError`.

Every error carries the status, the vendor's code and the parsed body. Secrets never reach the
log: only the method, the path (no query string) and the status are logged. The shapes a pack
hands in and gets back (`ErrorPolicy`, `AuthHook`, `HttpResponse`, ...) are defined in
`http_contract` and exported from here too: packs import them from this module.
"""

from __future__ import annotations

import logging
import random
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import httpx
import orjson
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from sync.connectors.base import ConnectionSettings
from sync.connectors.circuit import DEFAULT_COOLDOWN, DEFAULT_THRESHOLD, CircuitBreaker
from sync.connectors.http_contract import (
    AuthHook,
    CallStats,
    ErrorPolicy,
    HttpResponse,
    VendorFault,
    parse_retry_after,
    url_path,
)
from sync.connectors.ratelimit import bucket_from_options
from sync.errors import (
    AuthError,
    ConfigError,
    FatalVendorError,
    ReadOnlyViolation,
    RecordError,
    TransientVendorError,
    VendorError,
)

__all__ = [
    "AuthHook",
    "CallStats",
    "ErrorPolicy",
    "HttpResponse",
    "HttpSession",
    "VendorFault",
    "parse_retry_after",
]

log = logging.getLogger(__name__)

READ_METHODS = frozenset({"GET", "HEAD"})
RETRY_STATUSES = frozenset({408, 429})
DEFAULT_DEADLINE = 120.0  # seconds one logical request may spend retrying
DEFAULT_BACKOFF_BASE = 0.5
DEFAULT_BACKOFF_MAX = 30.0
_USER_AGENT = "crm-erp-harness-sync/0.1"
# (method, url) -> what to call once the request is on the wire, or None: a vendor's pacing.
SendGate = Callable[[str, str], Callable[[], None] | None]


class _Retryable(TransientVendorError):
    """One failed attempt worth retrying; becomes a plain TransientVendorError when retries end."""


def _when_on_wire(callback: Callable[[], None]) -> Callable[[str, dict[str, Any]], None]:
    """An httpcore `trace` hook calling `callback` once, as the request's headers start out:
    after any connection (TCP and TLS) it had to open first."""

    def trace(event: str, info: dict[str, Any]) -> None:
        if event.endswith("send_request_headers.started"):
            callback()

    return trace


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _connect_reason(exc: BaseException) -> str:
    """Why a connection failed, in words: refused, unknown host, or the error's own text."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return "connection refused (is it running, on that port?)"
        if isinstance(seen, socket.gaierror):
            return "host name not found"
        seen = seen.__cause__ or seen.__context__
    return str(exc) or type(exc).__name__


def _tls_verification_failed(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class HttpSession:
    """A thread-safe session over one `httpx.Client` for one vendor connection.

    Pass `client` to reuse an existing client (tests pass `TestClient(app)`); it then stays
    open on `close()`. Otherwise a client is built from `settings` (base URL, CA bundle,
    timeouts; HTTP/1.1). Relative paths are joined to `settings.base_url` when it is set.
    `settings.options` may tune `retry_deadline`, `backoff_base` and `backoff_max` (seconds),
    and cap the request rate with `max_requests_per_second` (default: unlimited), and set the
    circuit breaker's `circuit_breaker_threshold` (consecutive failed attempts) and
    `circuit_breaker_cooldown` (seconds) - see `sync.connectors.circuit`.
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        client: httpx.Client | None = None,
        auth: AuthHook | None = None,
        errors: ErrorPolicy | None = None,
        response_hook: Callable[[HttpResponse], None] | None = None,
        send_gate: SendGate | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        options = settings.options
        self.vendor = settings.vendor
        self._system = settings.system
        self.read_only = settings.read_only
        self.auth = auth
        self._base_url = settings.base_url.rstrip("/")
        self._errors = errors or ErrorPolicy()
        self._response_hook = response_hook
        # Called with (method, url) once a request holds its in-flight slot, the instant
        # before it goes out (a retry too), after the generic `max_requests_per_second` bucket:
        # a vendor's own window (HubSpot's, learnt from its headers) counted here is counted
        # as the vendor counts it, not while the request still queues for a slot. What it
        # returns, if anything, is called when the request's headers start on the wire.
        self._send_gate = send_gate
        self._max_retries = max(0, settings.max_retries)
        self._deadline = float(options.get("retry_deadline", DEFAULT_DEADLINE))
        self._backoff_base = float(options.get("backoff_base", DEFAULT_BACKOFF_BASE))
        self._backoff_max = float(options.get("backoff_max", DEFAULT_BACKOFF_MAX))
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()
        # Polite reading: `max_requests_per_second` spaces every request, retries included.
        self._bucket = bucket_from_options(options, clock=clock, sleep=sleep)
        self.breaker = CircuitBreaker(
            settings.vendor,
            threshold=int(options.get("circuit_breaker_threshold", DEFAULT_THRESHOLD)),
            cooldown=float(options.get("circuit_breaker_cooldown", DEFAULT_COOLDOWN)),
            clock=clock,
        )
        self._lock = threading.Lock()
        self._total = 0
        self._by_method: dict[str, int] = {}
        self._retries = 0
        self._refreshes = 0
        self._owns_client = client is None
        self._client = client if client is not None else self.build_client(settings)
        # `concurrency` caps requests in flight on this connection, whichever thread sends
        # them: a vendor that rejects excess concurrent calls at once (NetSuite's account
        # pool) must never see more than the account allows, lookups and writes together.
        self._in_flight = threading.BoundedSemaphore(max(1, settings.concurrency))
        self._listeners: list[Callable[[str, str, bytes | None], None]] = []

    @staticmethod
    def build_client(settings: ConnectionSettings, **kwargs: Any) -> httpx.Client:
        """The client a session builds for `settings` (`kwargs`: more httpx options, such as
        `event_hooks`): also what a benchmark's bare loop must use to be comparable."""
        workers = max(1, settings.concurrency)
        return httpx.Client(
            base_url=settings.base_url,
            verify=settings.ca_path if settings.ca_path else True,
            timeout=httpx.Timeout(settings.timeout, connect=min(settings.timeout, 10.0)),
            limits=httpx.Limits(
                max_connections=max(10, workers * 2), max_keepalive_connections=max(5, workers)
            ),
            http2=False,
            trust_env=False,  # the harness decides about proxies and CA bundles, not the shell
            **kwargs,
        )

    # -- public ------------------------------------------------------------------------------

    @property
    def stats(self) -> CallStats:
        with self._lock:
            return CallStats(self._total, dict(self._by_method), self._retries, self._refreshes)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        read: bool = False,
        authenticate: bool = True,
    ) -> HttpResponse:
        """Send one logical request (retrying as needed) and return its 2xx answer.

        `read=True` marks a non-GET request that only reads (SuiteQL, a token grant) so the
        read-only guard lets it through.
        """
        method = method.upper()
        url = self._url(path)
        if self.read_only and method not in READ_METHODS and not read:
            raise ReadOnlyViolation(
                f"{method} {url_path(url)} refused: the {self.vendor} connection is read-only"
            )
        # `content` is a body sent as it is (a CSV upload); its Content-Type is the caller's.
        content = self._encode(json) if json is not None else content
        send_headers = {"Accept": "application/json", "User-Agent": _USER_AGENT}
        if json is not None:
            send_headers["Content-Type"] = "application/json"
        send_headers.update(headers or {})

        def attempt() -> HttpResponse:
            return self._attempt(method, url, params, content, data, send_headers, authenticate)

        started = self._clock()
        retrying = Retrying(
            retry=retry_if_exception_type(_Retryable),
            wait=self._wait,
            stop=lambda state: self._stop(state, started),
            sleep=self._sleep,
            before_sleep=lambda state: self._before_sleep(state, method, url),
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _Retryable as exc:
            attempts = retrying.statistics.get("attempt_number", 1)
            raise TransientVendorError(
                f"{exc} (gave up after {attempts} attempt(s))",
                status=exc.status,
                code=exc.code,
                body=exc.body,
                retry_after=exc.retry_after,
            ) from exc

    def observe(self, listener: Callable[[str, str, bytes | None], None]) -> None:
        """Call `listener(method, url, body)` for every request sent, retries included: for
        benchmarks and debugging that attribute calls to the records they served."""
        self._listeners.append(listener)

    def ensure_writable(self, action: str) -> None:
        """Refuse a write operation up front on a read-only connection."""
        if self.read_only:
            raise ReadOnlyViolation(f"{action} refused: the {self.vendor} connection is read-only")

    def get(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("GET", path, **kwargs)

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> HttpSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one attempt -------------------------------------------------------------------------

    def _attempt(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        content: bytes | None,
        data: Mapping[str, str] | None,
        headers: dict[str, str],
        authenticate: bool,
    ) -> HttpResponse:
        self.breaker.before_attempt()
        try:
            response, sent = self._send(method, url, params, content, data, headers, authenticate)
            auth = self.auth if authenticate else None
            stale = auth is not None and self._errors.renew_session(response)
            if stale and auth is not None and auth.refresh(sent):
                with self._lock:
                    self._refreshes += 1
                response, _ = self._send(method, url, params, content, data, headers, True)
            checked = self._check(method, response)
        except _Retryable as exc:
            self.breaker.record_failure(str(exc))
            raise
        except VendorError:
            self.breaker.record_success()  # the system is up: it answered, if with a refusal
            raise
        self.breaker.record_success()
        return checked

    def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        content: bytes | None,
        data: Mapping[str, str] | None,
        headers: dict[str, str],
        authenticate: bool,
    ) -> tuple[HttpResponse, dict[str, str]]:
        try:
            request = self._client.build_request(
                method, url, params=params, content=content, data=data, headers=headers
            )
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise ConfigError(f"bad {self.vendor} URL {url!r}: {exc}", key="base_url") from exc
        sent = dict(headers)
        if authenticate and self.auth is not None:
            extra = self.auth.headers(method, str(request.url))
            request.headers.update(extra)
            sent.update(extra)
        with self._lock:
            self._total += 1
            self._by_method[method] = self._by_method.get(method, 0) + 1
        for listener in self._listeners:
            listener(method, str(request.url), content)
        where = f"{method} {url_path(url)}"
        try:
            with self._in_flight:
                # Rate windows count a request as it goes out, once it holds its slot: one
                # counted earlier could wait for a slot and leave with others, together.
                if self._bucket is not None:
                    self._bucket.acquire()
                if self._send_gate is not None:
                    on_wire = self._send_gate(method, str(request.url))
                    if on_wire is not None:
                        request.extensions["trace"] = _when_on_wire(on_wire)
                raw = self._client.send(request)
        except httpx.TimeoutException as exc:
            raise _Retryable(f"{where} timed out ({type(exc).__name__})", code="TIMEOUT") from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            if _tls_verification_failed(exc):
                raise ConfigError(
                    f"TLS verification failed for {self.vendor} at {url!r}; set ca_path to the"
                    " CA that signed the server certificate",
                    key="ca_path",
                ) from exc
            if isinstance(exc, httpx.ConnectError):
                raise _Retryable(self._unreachable(request, where, exc), code="CONNECTION") from exc
            raise _Retryable(f"{where} failed: {type(exc).__name__}", code="CONNECTION") from exc
        except httpx.UnsupportedProtocol as exc:
            raise ConfigError(f"bad {self.vendor} URL {url!r}: {exc}", key="base_url") from exc
        except httpx.HTTPError as exc:
            raise FatalVendorError(f"{where} failed: {type(exc).__name__}: {exc}") from exc
        response = HttpResponse(
            raw.status_code,
            str(raw.url),
            {k.lower(): v for k, v in raw.headers.items()},
            raw.content,
        )
        log.debug("%s -> %d", where, response.status)
        if self._response_hook is not None:
            self._response_hook(response)
        return response, sent

    def _unreachable(self, request: httpx.Request, where: str, exc: httpx.ConnectError) -> str:
        """Which system could not be reached, where, and why: a refused connection names the
        config's system (crm/erp), its vendor and host:port, so the user knows what to start."""
        who = f"{self._system} ({self.vendor})" if self._system else self.vendor
        url = request.url
        port = url.port or (443 if url.scheme == "https" else 80)
        return f"cannot reach {who} at {url.host}:{port}: {_connect_reason(exc)} ({where})"

    def _check(self, method: str, response: HttpResponse) -> HttpResponse:
        status = response.status
        if 200 <= status < 300:
            return self._decoded(method, response)
        body = self._error_body(response)
        code, message = self._errors.parse(status, body)
        text = (
            f"{method} {url_path(response.url)} -> {status}{f' {code}' if code else ''}: {message}"
        )
        if status == 401 or self._errors.renew_session(response):
            raise AuthError(f"{self.vendor} refused the credentials ({text}); check them")
        # A deferred answer first: a spent daily allowance comes as a 429 at some vendors
        # (HubSpot's DAILY policy), and retrying it within seconds is futile.
        if code in self._errors.defer_codes:
            raise TransientVendorError(text, status=status, code=code, body=body)
        if status in RETRY_STATUSES or status >= 500 or code in self._errors.retry_codes:
            retry_after = parse_retry_after(response.header("retry-after"))
            raise _Retryable(text, status=status, code=code, body=body, retry_after=retry_after)
        if 400 <= status < 500:
            raise FatalVendorError(text, status=status, code=code, body=body)
        raise VendorError(text, status=status, code=code, body=body)

    @staticmethod
    def _decoded(method: str, response: HttpResponse) -> HttpResponse:
        """Decode a JSON body now, so a malformed or truncated one is retried like a 5xx."""
        kind = response.header("content-type") or ""
        if not response.content or "json" not in kind:
            return response
        try:
            parsed = orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise _Retryable(
                f"{method} {url_path(response.url)} -> {response.status} with a malformed JSON "
                f"body ({len(response.content)} bytes: {exc})",
                status=response.status,
                code="MALFORMED_RESPONSE",
                body=response.content[:200].decode("utf-8", "replace"),
            ) from exc
        return HttpResponse(response.status, response.url, response.headers, response.content,
                            parsed)  # fmt: skip

    @staticmethod
    def _error_body(response: HttpResponse) -> Any:
        try:
            return orjson.loads(response.content) if response.content else None
        except orjson.JSONDecodeError:
            return response.content[:2000].decode("utf-8", "replace")

    # -- retry policy ------------------------------------------------------------------------

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return exc.retry_after
        ceiling = min(self._backoff_max, self._backoff_base * 2 ** (state.attempt_number - 1))
        return self._rng.uniform(0.0, ceiling)  # "full jitter"

    def _stop(self, state: RetryCallState, started: float) -> bool:
        if state.attempt_number > self._max_retries:
            return True
        return self._clock() - started + state.upcoming_sleep > self._deadline

    def _before_sleep(self, state: RetryCallState, method: str, url: str) -> None:
        with self._lock:
            self._retries += 1
        exc = state.outcome.exception() if state.outcome else None
        log.warning(
            "%s %s: %s; retry %d in %.2fs",
            method,
            url_path(url),
            getattr(exc, "code", None) or type(exc).__name__,
            state.attempt_number,
            state.upcoming_sleep,
        )

    # -- helpers -----------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")) or not self._base_url:
            return path
        return f"{self._base_url}/{path.lstrip('/')}"

    @staticmethod
    def _encode(payload: Any) -> bytes:
        try:
            return orjson.dumps(payload, default=_json_default)
        except orjson.JSONEncodeError as exc:
            raise RecordError(f"cannot send the request body as JSON: {exc}") from exc
