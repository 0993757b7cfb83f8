"""The HubSpot connector's rate windows on a settable clock: they learn HubSpot's window
from its headers and wait before a request would go over, never after a 429."""

from __future__ import annotations

from sync.connectors.http import HttpResponse
from sync.connectors.hubspot.limits import Governor, SlidingWindow


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
