"""The HTTP layer under sustained failure: the circuit breaker, and malformed 2xx bodies."""

from __future__ import annotations

import httpx
import pytest

from sync.connectors.circuit import CircuitBreaker, CircuitOpenError
from sync.errors import FatalError, TransientVendorError
from tests.sync.connectors.test_http import FakeTime, Script, make_session, ok, status


def test_a_storm_opens_the_circuit_and_later_requests_fail_at_once() -> None:
    script = Script(status(503, {"message": "down"}))
    fake = FakeTime()
    session = make_session(script, fake, max_retries=10, circuit_breaker_threshold=4)
    with pytest.raises(CircuitOpenError) as caught:
        session.get("/things")
    assert len(script.requests) == 4  # the fifth attempt was never sent
    assert isinstance(caught.value, FatalError)
    assert "503" in caught.value.last_error
    assert "acme circuit open after 4 consecutive failed attempts" in str(caught.value)
    with pytest.raises(CircuitOpenError):
        session.get("/other")
    assert len(script.requests) == 4
    assert session.breaker.snapshot.state == "open"


def test_an_open_circuit_lets_one_trial_through_after_the_cooldown() -> None:
    script = Script(*([status(500, {})] * 3), ok({"back": True}))
    fake = FakeTime()
    session = make_session(
        script, fake, max_retries=5, circuit_breaker_threshold=3, circuit_breaker_cooldown=60
    )
    with pytest.raises(CircuitOpenError):
        session.get("/x")
    fake.now += 61
    assert session.get("/x").json() == {"back": True}
    assert session.breaker.snapshot.state == "closed"
    assert session.breaker.snapshot.times_opened == 1


def test_scattered_errors_never_open_the_circuit() -> None:
    steps: list[httpx.Response] = []
    for _ in range(30):
        steps += [status(502, {}), ok()]
    script = Script(*steps)
    session = make_session(script, max_retries=3, circuit_breaker_threshold=2)
    for _ in range(30):
        assert session.get("/x").json() == {"ok": True}
    assert session.breaker.snapshot.times_opened == 0


def test_a_refusal_is_an_answer_and_resets_the_count() -> None:
    breaker = CircuitBreaker("acme", threshold=2)
    breaker.record_failure("timeout")
    breaker.record_success()
    breaker.record_failure("timeout")
    breaker.before_attempt()  # still closed: the failures were not consecutive
    assert breaker.snapshot.state == "closed"


def test_a_malformed_json_body_is_retried_then_decoded_once() -> None:
    broken = httpx.Response(
        200, content=b'{"items": [1, 2', headers={"content-type": "application/json"}
    )
    script = Script(broken, ok({"items": [1, 2]}))
    session = make_session(script)
    response = session.get("/x")
    assert response.json() == {"items": [1, 2]}
    assert len(script.requests) == 2
    assert session.stats.retries == 1


def test_a_body_that_stays_malformed_gives_a_transient_error_naming_it() -> None:
    broken = httpx.Response(
        200, content=b"<html>oops", headers={"content-type": "application/json"}
    )
    session = make_session(Script(broken), max_retries=2)
    with pytest.raises(TransientVendorError) as caught:
        session.get("/x")
    assert caught.value.code == "MALFORMED_RESPONSE"
    assert "malformed JSON" in str(caught.value)


def test_a_zero_threshold_is_refused_with_the_option_name() -> None:
    with pytest.raises(ValueError, match="circuit_breaker_threshold"):
        CircuitBreaker("acme", threshold=0)
