"""The shared HTTP layer: retries, Retry-After, deadline, auth refresh, translation, guard."""

from __future__ import annotations

import email.utils
import logging
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI

from mocks.server import start_server
from mocks.tls import ensure_tls
from sync.connectors.base import ConnectionSettings
from sync.connectors.http import (
    ErrorPolicy,
    HttpResponse,
    HttpSession,
    VendorFault,
    parse_retry_after,
)
from sync.errors import (
    AuthError,
    ConfigError,
    FatalVendorError,
    ReadOnlyViolation,
    TransientVendorError,
    VendorError,
)

Step = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class Script:
    """A transport answering from a list of steps; the last step repeats."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, Exception):
            raise step
        if callable(step):
            return step(request)
        return step


class FakeTime:
    """A monotonic clock that only moves when the session sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def ok(body: Any = None, **kw: Any) -> httpx.Response:
    return httpx.Response(200, json=body if body is not None else {"ok": True}, **kw)


def status(code: int, body: Any = None, **headers: str) -> httpx.Response:
    return httpx.Response(code, json=body, headers=headers)


def _fault(status_code: int, body: Any) -> VendorFault:
    if isinstance(body, dict):
        return VendorFault(body.get("code"), str(body.get("message", "")))
    return VendorFault(None, str(body))


POLICY = ErrorPolicy(
    parse=_fault,
    retry_codes=frozenset({"LOCKED"}),
    defer_codes=frozenset({"QUOTA_SPENT"}),
)


def make_session(
    script: Script,
    fake: FakeTime | None = None,
    *,
    auth: Any = None,
    read_only: bool = False,
    max_retries: int = 3,
    **options: Any,
) -> HttpSession:
    fake = fake or FakeTime()
    settings = ConnectionSettings(
        vendor="acme",
        base_url="https://acme.test/api",
        read_only=read_only,
        max_retries=max_retries,
        options={"backoff_base": 1.0, "backoff_max": 8.0, **options},
    )
    client = httpx.Client(transport=httpx.MockTransport(script))
    return HttpSession(
        settings, client=client, auth=auth, errors=POLICY, sleep=fake.sleep, clock=fake.clock
    )


class StaticAuth:
    """An auth hook whose token changes on every refresh."""

    def __init__(self, renew: bool = True) -> None:
        self.token = 1
        self.renew = renew
        self.refreshes: list[Mapping[str, str]] = []
        self.urls: list[str] = []

    def headers(self, method: str, url: str) -> dict[str, str]:
        self.urls.append(url)
        return {"Authorization": f"Bearer secret-token-{self.token}"}

    def refresh(self, rejected: Mapping[str, str]) -> bool:
        self.refreshes.append(dict(rejected))
        self.token += 1
        return self.renew


# -- success, JSON, URL joining ---------------------------------------------------------------


def test_get_joins_base_url_and_decodes_json() -> None:
    script = Script(ok({"n": 1}, headers={"X-Thing": "a"}))
    session = make_session(script)
    response = session.get("/records", params={"q": "x y"})
    assert response.json() == {"n": 1}
    assert response.header("x-thing") == "a"
    assert str(script.requests[0].url) == "https://acme.test/api/records?q=x%20y"


def test_json_body_is_sent_with_orjson_and_content_type() -> None:
    script = Script(ok())
    session = make_session(script)
    when = datetime(2024, 1, 15, 10, 22, 33, tzinfo=UTC)
    session.request("POST", "/x", json={"amount": Decimal("1.5"), "at": when})
    sent = script.requests[0]
    assert sent.headers["content-type"] == "application/json"
    assert orjson.loads(sent.content) == {"amount": 1.5, "at": "2024-01-15T10:22:33+00:00"}


# -- retries ---------------------------------------------------------------------------------


def test_5xx_is_retried_with_full_jitter_backoff() -> None:
    script = Script(status(503), status(502), status(500), ok())
    fake = FakeTime()
    session = make_session(script, fake)
    assert session.get("/x").status == 200
    assert len(script.requests) == 4
    assert len(fake.sleeps) == 3
    for attempt, slept in enumerate(fake.sleeps, start=1):
        assert 0.0 <= slept <= min(8.0, 1.0 * 2 ** (attempt - 1))
    assert session.stats.retries == 3


def test_retry_after_seconds_is_honoured_exactly() -> None:
    script = Script(status(429, {"code": "SLOW_DOWN"}, **{"Retry-After": "7"}), ok())
    fake = FakeTime()
    session = make_session(script, fake)
    session.get("/x")
    assert fake.sleeps == [7.0]


def test_retry_after_http_date_is_honoured() -> None:
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    script = Script(status(503, **{"Retry-After": when}), ok())
    fake = FakeTime()
    make_session(script, fake).get("/x")
    assert len(fake.sleeps) == 1
    assert 3.5 <= fake.sleeps[0] <= 5.5


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after("-4") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=lambda: 1445412470.0) == 10.0


def test_retries_exhausted_raise_transient_with_vendor_data() -> None:
    body = {"code": "BUSY", "message": "try later"}
    script = Script(status(503, body, **{"Retry-After": "1"}))
    session = make_session(script, max_retries=2)
    with pytest.raises(TransientVendorError) as info:
        session.get("/x")
    err = info.value
    assert (err.status, err.code, err.body, err.retry_after) == (503, "BUSY", body, 1.0)
    assert "3 attempt" in str(err)
    assert len(script.requests) == 3
    assert session.stats.retries == 2


def test_deadline_stops_a_retry_after_longer_than_it() -> None:
    script = Script(status(429, **{"Retry-After": "600"}), ok())
    fake = FakeTime()
    session = make_session(script, fake, retry_deadline=60)
    with pytest.raises(TransientVendorError) as info:
        session.get("/x")
    assert info.value.retry_after == 600.0
    assert fake.sleeps == []
    assert len(script.requests) == 1


def test_deadline_bounds_the_total_time_spent_retrying() -> None:
    script = Script(status(503, **{"Retry-After": "4"}))
    fake = FakeTime()
    session = make_session(script, fake, max_retries=50, retry_deadline=10)
    with pytest.raises(TransientVendorError):
        session.get("/x")
    assert fake.sleeps == [4.0, 4.0]  # a third wait would end past 10 s
    assert fake.now <= 10


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.ConnectTimeout("slow"),
        httpx.RemoteProtocolError("connection reset by peer"),
        httpx.ReadError("reset"),
    ],
    ids=["connect", "read-timeout", "connect-timeout", "reset", "read-error"],
)
def test_transport_failures_are_retried(error: Exception) -> None:
    script = Script(error, ok())
    session = make_session(script)
    assert session.get("/x").status == 200
    assert session.stats.total == 2


def test_transport_failures_never_leak_httpx_exceptions() -> None:
    script = Script(httpx.ConnectError("refused"))
    session = make_session(script, max_retries=1)
    with pytest.raises(TransientVendorError) as info:
        session.get("/x")
    assert not isinstance(info.value, httpx.HTTPError)
    assert info.value.code == "CONNECTION"


def test_tls_verification_failure_is_a_config_error() -> None:
    try:
        raise ssl.SSLCertVerificationError("unable to get local issuer certificate")
    except ssl.SSLError as cause:
        try:
            raise httpx.ConnectError("tls") from cause
        except httpx.ConnectError as err:
            error = err
    session = make_session(Script(error))
    with pytest.raises(ConfigError, match="ca_path"):
        session.get("/x")


def test_vendor_retry_code_on_a_4xx_is_retried() -> None:
    script = Script(status(400, {"code": "LOCKED", "message": "row lock"}), ok())
    assert make_session(script).get("/x").status == 200


def test_deferred_code_is_transient_but_not_retried() -> None:
    script = Script(status(403, {"code": "QUOTA_SPENT", "message": "daily limit"}), ok())
    session = make_session(script)
    with pytest.raises(TransientVendorError) as info:
        session.get("/x")
    assert (info.value.status, info.value.code) == (403, "QUOTA_SPENT")
    assert len(script.requests) == 1


# -- translation -----------------------------------------------------------------------------


def test_4xx_is_fatal_and_carries_status_code_and_body() -> None:
    body = {"code": "BAD_FIELD", "message": "no such field"}
    session = make_session(Script(status(400, body)))
    with pytest.raises(FatalVendorError) as info:
        session.get("/x")
    err = info.value
    assert (err.status, err.code, err.body) == (400, "BAD_FIELD", body)
    assert "no such field" in str(err)


def test_plain_text_error_body_is_kept_as_text() -> None:
    session = make_session(Script(httpx.Response(404, text="not here")))
    with pytest.raises(FatalVendorError) as info:
        session.get("/x")
    assert info.value.body == "not here"


def test_unexpected_redirect_is_a_vendor_error() -> None:
    session = make_session(Script(httpx.Response(302, headers={"Location": "/elsewhere"})))
    with pytest.raises(VendorError) as info:
        session.get("/x")
    assert info.value.status == 302
    assert not isinstance(info.value, FatalVendorError | TransientVendorError)


def test_invalid_json_in_a_success_body_is_a_vendor_error() -> None:
    session = make_session(Script(httpx.Response(200, text="<html>")))
    with pytest.raises(VendorError):
        session.get("/x").json()


# -- auth ------------------------------------------------------------------------------------


def test_auth_hook_signs_the_absolute_url() -> None:
    auth = StaticAuth()
    script = Script(ok())
    make_session(script, auth=auth).get("/x", params={"a": "1"})
    assert auth.urls == ["https://acme.test/api/x?a=1"]
    assert script.requests[0].headers["authorization"] == "Bearer secret-token-1"


def test_401_refreshes_once_and_retries() -> None:
    auth = StaticAuth()
    script = Script(status(401, {"code": "EXPIRED"}), ok())
    session = make_session(script, auth=auth)
    assert session.get("/x").status == 200
    assert auth.refreshes == [
        {"Accept": "application/json", "User-Agent": "crm-erp-harness-sync/0.1",
         "Authorization": "Bearer secret-token-1"}
    ]  # fmt: skip
    assert script.requests[1].headers["authorization"] == "Bearer secret-token-2"
    assert session.stats.auth_refreshes == 1


def test_401_after_refresh_is_an_auth_error() -> None:
    auth = StaticAuth()
    script = Script(status(401, {"code": "EXPIRED", "message": "bad token"}))
    session = make_session(script, auth=auth)
    with pytest.raises(AuthError, match="EXPIRED"):
        session.get("/x")
    assert len(auth.refreshes) == 1
    assert len(script.requests) == 2


def test_401_without_renewable_credentials_fails_at_once() -> None:
    auth = StaticAuth(renew=False)
    script = Script(status(401))
    with pytest.raises(AuthError):
        make_session(script, auth=auth).get("/x")
    assert len(script.requests) == 1


def _csrf_stale(response: HttpResponse) -> bool:
    """A vendor (SAP) answering a stale session token with 403 and a `Required` header."""
    return response.status == 401 or (
        response.status == 403 and response.header("x-csrf-token") == "Required"
    )


def _session_with(policy: ErrorPolicy, script: Script, auth: Any) -> HttpSession:
    settings = ConnectionSettings(vendor="acme", base_url="https://acme.test/api")
    client = httpx.Client(transport=httpx.MockTransport(script))
    return HttpSession(settings, client=client, auth=auth, errors=policy, sleep=FakeTime().sleep)


def test_a_connector_says_which_answer_means_renew_the_session() -> None:
    auth = StaticAuth()
    stale = status(403, {"error": "CSRF token validation failed"}, **{"x-csrf-token": "Required"})
    script = Script(stale, ok({"done": True}))
    session = _session_with(replace(POLICY, renew_session=_csrf_stale), script, auth)
    assert session.request("POST", "/x", json={"a": 1}).json() == {"done": True}
    assert len(auth.refreshes) == 1 and session.stats.auth_refreshes == 1
    assert script.requests[1].headers["authorization"] == "Bearer secret-token-2"


def test_a_stale_session_answer_after_renewal_stops_the_run() -> None:
    auth = StaticAuth()
    stale = status(403, {"error": "CSRF"}, **{"x-csrf-token": "Required"})
    script = Script(stale, stale)
    session = _session_with(replace(POLICY, renew_session=_csrf_stale), script, auth)
    with pytest.raises(AuthError, match="refused the credentials"):
        session.request("POST", "/x", json={})
    assert len(auth.refreshes) == 1 and len(script.requests) == 2


def test_a_plain_403_is_not_a_stale_session_by_default() -> None:
    auth = StaticAuth()
    script = Script(status(403, {"code": "FORBIDDEN"}, **{"x-csrf-token": "Required"}))
    with pytest.raises(FatalVendorError):
        make_session(script, auth=auth).get("/x")
    assert auth.refreshes == []


def test_unauthenticated_request_skips_the_hook() -> None:
    auth = StaticAuth()
    script = Script(ok())
    make_session(script, auth=auth).request("POST", "/token", data={"a": "b"}, authenticate=False)
    assert "authorization" not in script.requests[0].headers
    assert auth.urls == []


# -- read-only guard and counters ------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_read_only_session_refuses_writes(method: str) -> None:
    script = Script(ok())
    session = make_session(script, read_only=True)
    with pytest.raises(ReadOnlyViolation, match="read-only"):
        session.request(method, "/x", json={})
    assert script.requests == []
    assert session.stats.total == 0


def test_read_only_session_allows_gets_and_marked_reads() -> None:
    script = Script(ok())
    session = make_session(script, read_only=True)
    session.get("/x")
    session.request("HEAD", "/x")
    session.request("POST", "/query", json={"q": "SELECT 1"}, read=True)
    assert len(script.requests) == 3


def test_call_counter_counts_every_send_by_method() -> None:
    script = Script(status(503), ok(), ok(), ok())
    session = make_session(script)
    session.get("/a")
    session.request("PATCH", "/b", json={})
    session.request("DELETE", "/c")
    stats = session.stats
    assert stats.total == 4
    assert dict(stats.by_method) == {"GET": 2, "PATCH": 1, "DELETE": 1}
    assert stats.retries == 1


def test_observers_see_every_attempt_with_its_body() -> None:
    script = Script(status(503), ok(), ok())
    session = make_session(script)
    seen: list[tuple[str, str, bytes | None]] = []
    session.observe(lambda method, url, body: seen.append((method, url, body)))
    session.request("PUT", "/records/7", json={"name": "x"})
    session.get("/records")
    assert seen == [
        ("PUT", "https://acme.test/api/records/7", b'{"name":"x"}'),
        ("PUT", "https://acme.test/api/records/7", b'{"name":"x"}'),  # the retry
        ("GET", "https://acme.test/api/records", None),
    ]


def test_concurrency_caps_requests_in_flight_across_threads() -> None:
    """A vendor that rejects excess concurrent calls (NetSuite) never sees more than the
    connection's `concurrency`, whichever threads send them."""
    lock = threading.Lock()
    in_flight, peak = 0, 0

    def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(0.02)
        with lock:
            in_flight -= 1
        return ok({"ok": True})

    settings = ConnectionSettings(vendor="acme", base_url="https://acme.test", concurrency=2)
    client = httpx.Client(transport=httpx.MockTransport(slow))
    session = HttpSession(settings, client=client, errors=POLICY)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda i: session.get(f"/r/{i}").json(), range(24)))
    assert answers == [{"ok": True}] * 24
    assert 1 <= peak <= 2


def test_secrets_never_reach_the_log(caplog: pytest.LogCaptureFixture) -> None:
    auth = StaticAuth()
    script = Script(status(503), status(401), ok())
    session = make_session(script, auth=auth)
    with caplog.at_level(logging.DEBUG, logger="sync.connectors.http"):
        session.request("POST", "/token", data={"client_secret": "hunter2"}, params={"k": "v"})
    assert caplog.records, "retries are logged"
    assert "secret-token" not in caplog.text
    assert "hunter2" not in caplog.text


# -- a real socket: own client, TLS with the local CA ----------------------------------------


def test_own_client_verifies_tls_with_ca_path(tmp_path: Path) -> None:
    app = FastAPI()

    @app.get("/ping")
    def ping() -> dict[str, str]:
        return {"pong": "yes"}

    tls = ensure_tls(tmp_path / "tls")
    with start_server(app, tls=tls) as server:
        settings = ConnectionSettings(
            vendor="acme", base_url=server.url, ca_path=str(tls.ca_path), timeout=5
        )
        with HttpSession(settings) as session:
            assert session.get("/ping").json() == {"pong": "yes"}
        untrusted = ConnectionSettings(vendor="acme", base_url=server.url, timeout=5)
        with HttpSession(untrusted) as session, pytest.raises(ConfigError, match="ca_path"):
            session.get("/ping")


def test_the_send_gate_sees_every_attempt_once_it_holds_its_slot() -> None:
    """A vendor's rate window is counted as each attempt goes out, a retry after a 429
    included, and only once the attempt holds one of the connection's in-flight slots."""
    script = Script(status(429, **{"Retry-After": "1"}), ok())
    settings = ConnectionSettings(vendor="acme", base_url="https://acme.test/api",
                                  concurrency=1)  # fmt: skip
    gated: list[tuple[str, str, bool]] = []
    session: HttpSession

    def gate(method: str, url: str) -> None:
        # The one slot is taken by this very attempt when the gate is asked.
        gated.append((method, url, session._in_flight._value == 0))

    client = httpx.Client(transport=httpx.MockTransport(script))
    session = HttpSession(settings, client=client, sleep=FakeTime().sleep, send_gate=gate)
    assert session.request("POST", "/things", json={"a": 1}).status == 200
    assert gated == [("POST", "https://acme.test/api/things", True)] * 2


def test_the_rate_bucket_waits_once_a_request_holds_its_slot() -> None:
    """`max_requests_per_second` is counted as a request goes out: a request waiting for the
    bucket already holds its in-flight slot, so requests counted apart cannot queue for a
    slot and then leave together."""
    fake = FakeTime()
    session: HttpSession
    waits: list[bool] = []

    def sleep(seconds: float) -> None:
        waits.append(session._in_flight._value == 0)  # the one slot is held while it waits
        fake.sleep(seconds)

    one_a_second = {"max_requests_per_second": 1}
    settings = ConnectionSettings(vendor="acme", base_url="https://acme.test/api",
                                  concurrency=1, options=one_a_second)  # fmt: skip
    client = httpx.Client(transport=httpx.MockTransport(Script(ok())))
    session = HttpSession(settings, client=client, sleep=sleep, clock=fake.clock)
    for _ in range(3):
        assert session.request("GET", "/things").status == 200
    assert waits and all(waits)


def test_what_the_send_gate_returns_is_called_as_each_attempt_goes_on_the_wire() -> None:
    """A vendor's pacing counts a request from the instant its headers go out (after the
    connection it had to open), once per attempt, after the gate let it through."""
    app = FastAPI()
    arrived: list[float] = []

    @app.get("/ping")
    def ping() -> dict[str, str]:
        arrived.append(time.monotonic())
        return {"pong": "yes"}

    events: list[tuple[str, float]] = []

    def gate(method: str, url: str) -> Callable[[], None]:
        events.append(("gate", time.monotonic()))
        return lambda: events.append(("wire", time.monotonic()))

    with start_server(app) as server:
        settings = ConnectionSettings(vendor="acme", base_url=server.url, timeout=5)
        with HttpSession(settings, send_gate=gate) as session:
            for _ in range(3):
                assert session.get("/ping").json() == {"pong": "yes"}
    assert [kind for kind, _ in events] == ["gate", "wire"] * 3
    wires = [at for kind, at in events if kind == "wire"]
    assert all(w <= a for w, a in zip(wires, arrived, strict=True))
