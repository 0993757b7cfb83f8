"""The HubSpot connector's rate windows on a settable clock: they learn HubSpot's window
from its headers and wait before a request would go over, never after a 429."""

from __future__ import annotations

import itertools

import orjson
import pytest

from sync.connectors.http import HttpResponse
from sync.connectors.hubspot.limits import CALM_ANSWERS, MAX_EDGE, Governor, SlidingWindow


class FakeTime:
    """A clock that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def answer(**headers: str) -> HttpResponse:
    return HttpResponse(200, "https://api.hubapi.com/crm/v3/objects/companies", headers, b"")


def sent_in_any_window(times: list[float], interval: float) -> int:
    return max(sum(1 for t in times if start <= t < start + interval) for start in times)


def test_a_window_never_holds_more_than_its_limit() -> None:
    time = FakeTime()
    window = SlidingWindow(4, 1.0, clock=time.clock, sleep=time.sleep)
    sent = []
    for _ in range(20):
        window.acquire()
        sent.append(time.now)
    assert sent_in_any_window(sent, 1.0) == 4
    assert time.slept  # it waited rather than sending a fifth


def test_the_governor_takes_hubspot_s_window_from_its_headers_and_keeps_a_reserve() -> None:
    """The reserve (2%) thins the ten-second window (186 of 190); the per-second cap is
    HubSpot's own (19), which the window's slack already keeps the server from seeing
    exceeded."""
    time = FakeTime()
    governor = Governor(clock=time.clock, sleep=time.sleep)
    governor.observe(answer(**{"x-hubspot-ratelimit-max": "190",
                               "x-hubspot-ratelimit-interval-milliseconds": "10000",
                               "x-hubspot-ratelimit-secondly": "19",
                               "x-hubspot-ratelimit-remaining": "189"}))  # fmt: skip
    assert (governor.burst.limit, governor.burst.interval) == (186, 10.0)
    assert governor.secondly.limit == 19
    sent = []
    for _ in range(400):
        governor.before()
        sent.append(time.now)
    assert sent_in_any_window(sent, 10.0) <= 186
    assert sent_in_any_window(sent, 1.0) <= 19


def test_search_keeps_to_four_a_second() -> None:
    time = FakeTime()
    governor = Governor(clock=time.clock, sleep=time.sleep)
    sent = []
    for _ in range(40):
        governor.before(search=True)
        sent.append(time.now)
    assert sent_in_any_window(sent, 1.0) == 4


def test_a_nearly_spent_budget_waits_a_window_once() -> None:
    time = FakeTime()
    governor = Governor(clock=time.clock, sleep=time.sleep)
    governor.observe(answer(**{"x-hubspot-ratelimit-remaining": "3"}))  # others used it up
    governor.before()
    assert time.slept == [10.0]
    governor.before()  # the next answer says again how much is left; until then, go on
    assert time.slept == [10.0]


def test_a_request_counted_again_as_it_goes_on_the_wire_holds_its_slot_from_then() -> None:
    """A request that had to open a connection first leaves later than its turn: the window
    counts it from when it left, so the request a window later waits that much longer."""
    time = FakeTime()
    window = SlidingWindow(1, 1.0, clock=time.clock, sleep=time.sleep)
    stamp = window.acquire()
    time.now += 0.3  # the TLS handshake
    window.restamp(stamp)
    window.acquire()
    assert time.now == pytest.approx(stamp + 0.3 + window.span)


def test_requests_leave_spread_out_not_all_at_once() -> None:
    """Ten requests asked for at the same instant go out a fifth of the per-second cap's
    even spacing apart: HubSpot sees them one by one, not as a queue."""
    time = FakeTime()
    governor = Governor(burst=190, interval=10.0, clock=time.clock, sleep=time.sleep)
    sent = []
    for _ in range(10):
        governor.before()
        sent.append(time.now)
    gaps = [round(b - a, 6) for a, b in itertools.pairwise(sent)]
    assert gaps == [round(0.2 / 19, 6)] * 9


def refusal(policy: str, *, search: bool = False) -> HttpResponse:
    url = "https://api.hubapi.com/crm/v3/objects/companies" + ("/search" if search else "")
    headers = {} if search else {"x-hubspot-ratelimit-max": "190",
                                 "x-hubspot-ratelimit-interval-milliseconds": "10000",
                                 "x-hubspot-ratelimit-secondly": "19"}  # fmt: skip
    body = orjson.dumps({"status": "error", "errorType": "RATE_LIMIT", "policyName": policy})
    return HttpResponse(429, url, headers, body)


def test_a_429_the_windows_did_not_foresee_widens_the_edge_of_the_refusing_window() -> None:
    """HubSpot counted closer than the edge allowed for: that window's edge doubles (up to
    a bound); a daily refusal says nothing about timing and changes nothing."""
    governor = Governor()
    before = (governor.burst.edge, governor.secondly.edge, governor.search.edge)
    governor.observe(refusal("SECONDLY"))
    assert governor.secondly.edge == 2 * before[1]
    assert governor.burst.edge == before[0]
    governor.observe(refusal("TEN_SECONDLY_ROLLING"))
    assert governor.burst.edge == 2 * before[0]
    governor.observe(refusal("SECONDLY", search=True))
    assert governor.search.edge == 2 * before[2]
    governor.observe(refusal("DAILY"))
    assert (governor.burst.edge, governor.secondly.edge) == (2 * before[0], 2 * before[1])
    for _ in range(20):
        governor.observe(refusal("SECONDLY"))
    assert governor.secondly.edge == MAX_EDGE


def test_a_widened_edge_relaxes_after_a_long_calm() -> None:
    """A moment of skew does not slow the rest of a run: after enough answers without a
    refusal, a widened edge is halved again, never below the default."""
    governor = Governor()
    default = governor.secondly.edge
    governor.observe(refusal("SECONDLY"))
    governor.observe(refusal("SECONDLY"))
    assert governor.secondly.edge == 4 * default
    for _ in range(CALM_ANSWERS):
        governor.observe(answer())
    assert governor.secondly.edge == 2 * default
    for _ in range(3 * CALM_ANSWERS):
        governor.observe(answer())
    assert governor.secondly.edge == default


def test_a_request_whose_turn_left_the_window_before_it_went_out_still_counts() -> None:
    """A connection slower than the window: the turn's stamp was dropped meanwhile; the
    request is counted from the instant it went out all the same."""
    time = FakeTime()
    window = SlidingWindow(2, 1.0, clock=time.clock, sleep=time.sleep)
    stamp = window.acquire()
    time.now += 2.0  # the turn has left the window by the time the request goes out
    window.acquire()  # another request, which prunes it
    window.restamp(stamp)
    assert window.count() == 2


def test_a_request_sent_again_on_a_fresh_connection_is_counted_once() -> None:
    """httpcore sends a request again when a kept-alive connection turns out closed: the
    headers go out twice, the request is one, and so is its count."""
    time = FakeTime()
    governor = Governor(clock=time.clock, sleep=time.sleep)
    on_wire = governor.before()
    on_wire()
    time.now += 0.05
    on_wire()
    assert governor.burst.count() == 1 and governor.secondly.count() == 1
