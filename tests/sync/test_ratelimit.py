"""Polite reading: a token bucket on a fake clock, and the HTTP layer honouring it."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from sync.connectors.ratelimit import TokenBucket, bucket_from_options
from sync.errors import ConfigError
from tests.sync.connectors.test_http import FakeTime, make_session, ok


def test_requests_are_spaced_at_the_rate() -> None:
    fake = FakeTime()
    bucket = TokenBucket(4, clock=fake.clock, sleep=fake.sleep)
    waits = [bucket.acquire() for _ in range(5)]
    assert waits == [0.0, 0.25, 0.25, 0.25, 0.25]
    assert fake.now == pytest.approx(1.0)


def test_idle_time_refills_up_to_the_burst_only() -> None:
    fake = FakeTime()
    bucket = TokenBucket(2, burst=3, clock=fake.clock, sleep=fake.sleep)
    fake.now += 60  # a long pause earns at most `burst` tokens
    assert [bucket.acquire() for _ in range(4)] == [0.0, 0.0, 0.0, 0.5]


def test_threads_sharing_a_bucket_never_exceed_the_rate() -> None:
    lock = threading.Lock()
    fake = FakeTime()
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        with lock:
            slept.append(seconds)

    bucket = TokenBucket(10, clock=fake.clock, sleep=sleep)  # the clock stands still
    threads = [threading.Thread(target=bucket.acquire) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Each caller reserved its own slot: 0.1 s apart, none twice.
    assert sorted(slept) == pytest.approx([0.1 * n for n in range(1, 8)])


@pytest.mark.parametrize(
    ("options", "rate"),
    [
        pytest.param({}, None, id="absent-is-unlimited"),
        pytest.param({"max_requests_per_second": None}, None, id="null-is-unlimited"),
        pytest.param({"max_requests_per_second": 5}, 5.0, id="integer"),
        pytest.param({"max_requests_per_second": 0.5}, 0.5, id="fraction"),
    ],
)
def test_bucket_from_options(options: dict[str, Any], rate: float | None) -> None:
    bucket = bucket_from_options(options)
    assert (bucket.rate if bucket else None) == rate


@pytest.mark.parametrize("value", [0, -1, "fast", True], ids=["zero", "negative", "text", "bool"])
def test_a_bad_rate_is_a_config_error(value: Any) -> None:
    with pytest.raises(ConfigError, match="max_requests_per_second must be a positive number"):
        bucket_from_options({"max_requests_per_second": value})


def test_the_http_session_waits_for_its_turn_before_each_request() -> None:
    fake = FakeTime()
    sent_at: list[float] = []

    def script(request: httpx.Request) -> httpx.Response:
        sent_at.append(fake.now)
        return ok()

    session = make_session(script, fake, max_requests_per_second=2)
    for _ in range(4):
        session.get("/things")
    assert sent_at == [0.0, 0.5, 1.0, 1.5]
    assert fake.sleeps == [0.5, 0.5, 0.5]


def test_without_the_option_requests_never_wait() -> None:
    fake = FakeTime()
    session = make_session(lambda request: ok(), fake)
    for _ in range(5):
        session.get("/things")
    assert fake.sleeps == []
