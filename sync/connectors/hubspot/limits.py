"""Staying inside HubSpot's rate limits, so a sync at default settings draws no 429.

HubSpot counts requests per token in a rolling window (about 100-190 per ten seconds, by
tier) and says how many are left on every answer (`X-HubSpot-RateLimit-Remaining`, `-Max`,
`-Interval-Milliseconds`, and `-Secondly` for its per-second cap). Search has its own
limit, 4 requests a second per token, and sends no such headers. `SlidingWindow` keeps the
send times of this connection's requests and waits, before a request, until one more fits
in the window; `Governor` feeds it the windows HubSpot announces, and holds back as well
when an answer says the token's budget (shared with other clients of the portal) is nearly
spent.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import orjson

from sync.connectors.http import HttpResponse
from sync.errors import TransientError

__all__ = ["DEFAULT_RESERVE", "Governor", "SlidingWindow"]

SEARCH_PER_SECOND = 4
DEFAULT_RESERVE = 0.02  # the share of each ten-second window kept unused, for other clients
# Our send stamp and HubSpot's count are not the same instant: a request that reaches the
# limiter late (a slow hop, a busy server) makes a window look shorter there than here. Each
# window is held open this much longer (2% of a long one), and twice as much again after
# each 429 it did not foresee, up to MAX_EDGE. Measured on the sandbox under a 120 ms
# lognormal latency, counting a request as its headers go on the wire and spreading requests
# out (`SPREAD`): HubSpot counted a request 0.5-2 ms after us (median, p90), 10-20 ms at
# worst in a run; sent ten at once and counted at our turn, up to 60 ms (the edge was 100 ms).
EDGE_SECONDS = 0.03
EDGE_SHARE = 0.02
MAX_EDGE = 0.4
CALM_ANSWERS = 200  # answers without a 429 after which a widened edge is halved again
# Requests leave at least this share of the per-second cap's even spacing apart (10 ms at 19
# a second): ten sent at once reach HubSpot as a queue, the last counted there tens of
# milliseconds after its send. Wider spacing (half the even share) cost the rounds that fell
# behind their chance to catch up: 5% slower.
SPREAD = 0.2
LOW_SHARE = 0.05  # a window this empty, not by our hand, means another client is spending it


class SlidingWindow:
    """At most `limit` requests in any `interval` seconds, counted on this client's side."""

    def __init__(
        self,
        limit: int,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limit = max(1, limit)
        self.interval = interval
        self.edge = EDGE_SECONDS
        self._clock = clock
        self._sleep = sleep
        self._sent: list[float] = []  # send stamps, oldest first
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Wait until one more request fits, then count it; returns the stamp it was counted
        at (for `restamp`)."""
        for _ in range(10_000):  # bounded: each turn either sends or waits for the window
            with self._lock:
                now = self._clock()
                span = self.span
                gone = bisect.bisect_right(self._sent, now - span)
                del self._sent[:gone]
                if len(self._sent) < self.limit:
                    self._sent.append(now)
                    return now
                pause = self._sent[0] + span - now
            self._sleep(max(pause, 0.001))
        raise TransientError("the HubSpot rate window never opened")  # a clock standing still

    def restamp(self, stamp: float) -> float:
        """Count the request counted at `stamp` from now instead: the instant it went out on
        the wire, later than its turn when a connection had to be opened first. Counted
        even when its turn has left the window meanwhile (a connection slower than the
        window): it did go out, so it counts. Returns its new stamp (sent again on a fresh
        connection, a request moves again rather than counting twice)."""
        with self._lock:
            at = bisect.bisect_left(self._sent, stamp)
            if at < len(self._sent) and self._sent[at] == stamp:
                del self._sent[at]
            moved = max(stamp, self._clock())
            bisect.insort(self._sent, moved)
            return moved

    @property
    def span(self) -> float:
        """The window as this client keeps it: HubSpot's, plus the edge slack."""
        return max(self.interval * (1 + EDGE_SHARE), self.interval + self.edge)

    def widen(self) -> None:
        """HubSpot refused a request this window let through: its count runs closer to ours
        than the edge allowed for, so double the edge (up to MAX_EDGE)."""
        with self._lock:
            self.edge = min(self.edge * 2, MAX_EDGE)

    def relax(self) -> None:
        """A long run of answers without a refusal: halve a widened edge (to EDGE_SECONDS at
        least), so one bad moment does not slow the rest of the run."""
        with self._lock:
            self.edge = max(EDGE_SECONDS, self.edge / 2)

    def count(self) -> int:
        """Requests of this client still inside the window."""
        with self._lock:
            now = self._clock()
            return sum(1 for sent in self._sent if now - sent < self.span)

    def resize(self, limit: int, interval: float) -> None:
        with self._lock:
            self.limit, self.interval = max(1, limit), interval


class Governor:
    """The connection's rate limits: the burst window HubSpot announces (kept `reserve`
    short of its maximum), its per-second cap, and search's own per-second window.

    The reserve applies to the ten-second window only: it leaves a few requests of every
    window to another process on the same token. Taken from the per-second cap as well, it
    would cost a whole request a second (18 of 19), a twentieth of the sync's throughput,
    to guard a second that the burst window's reserve already thins out."""

    def __init__(
        self,
        *,
        burst: int = 100,
        interval: float = 10.0,
        search_per_second: float = SEARCH_PER_SECOND,
        reserve: float = DEFAULT_RESERVE,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._reserve = reserve
        self._clock = clock
        self._sleep = sleep
        self.burst = SlidingWindow(self._usable(burst), interval, clock=clock, sleep=sleep)
        per = max(1, int(search_per_second))
        self.search = SlidingWindow(per, per / search_per_second, clock=clock, sleep=sleep)
        # HubSpot also counts per second (`X-HubSpot-RateLimit-Secondly`): until an answer
        # says how many, the burst window's even share, so a run's first wave of requests
        # (sent before any answer) does not meet a cap it has not heard of yet.
        even = max(1, int(burst / interval)) if interval > 0 else 1
        self.secondly = SlidingWindow(even, 1.0, clock=clock, sleep=sleep)
        self._remaining: int | None = None
        self._lock = threading.Lock()
        self._next_send = float("-inf")  # the earliest instant the next request may leave
        self._calm = 0  # answers since the last 429 or the last relaxing

    def _usable(self, limit: int) -> int:
        return max(1, int(limit * (1 - self._reserve)))

    def before(self, *, search: bool = False) -> Callable[[], None]:
        """Wait for room in the burst window (and search's window, for a search); returns
        what to call the instant the request goes out on the wire, which recounts it from
        then in every window it was counted in."""
        # Spaced before the windows are asked: spaced after them, each request a full window
        # releases would leave up to a spacing late, and the sliding window would replay the
        # delay every second (5.9-6.0 s against 5.75-5.8 s for the bench's 5,000 records).
        self._spread()
        counted = self._count(search)

        def on_wire() -> None:
            for index, (window, stamp) in enumerate(counted):
                counted[index] = (window, window.restamp(stamp))

        return on_wire

    def _count(self, search: bool) -> list[tuple[SlidingWindow, float]]:
        """Count one request in every window it belongs to, waiting for room in each."""
        counted: list[tuple[SlidingWindow, float]] = []
        if search:
            counted.append((self.search, self.search.acquire()))
        with self._lock:
            # Nearly spent, and not by this connection (its own window would have waited):
            # another client of the portal is using the budget.
            low = (self._remaining is not None and self._remaining <= self._floor()
                   and self.burst.count() < self.burst.limit - self._floor())  # fmt: skip
            if low:
                self._remaining = None  # wait once per warning, then trust the next answer
        if low:
            self._sleep(self.burst.interval)  # the portal's budget is nearly spent elsewhere
        counted.append((self.burst, self.burst.acquire()))
        counted.append((self.secondly, self.secondly.acquire()))
        return counted

    def _spread(self) -> None:
        """Take the next send turn, `SPREAD` of the per-second cap's even spacing after the
        last one, and wait for it (turns are handed out in order: no thread overtakes)."""
        gap = SPREAD * self.secondly.interval / self.secondly.limit
        with self._lock:
            now = self._clock()
            turn = max(now, self._next_send)
            self._next_send = turn + gap
        if turn > now:
            self._sleep(turn - now)

    def _floor(self) -> int:
        """Requests left below which HubSpot's answer counts as "nearly spent": at least a
        twentieth of the window, so a small reserve still notices another client early."""
        share = max(self._reserve, LOW_SHARE)
        return max(1, int(self.burst.limit * share / (1 - share)))

    def observe(self, response: HttpResponse) -> None:
        """Learn the window from HubSpot's answer: its size, length and what is left."""
        limit = _int(response.header("x-hubspot-ratelimit-max"))
        interval = _int(response.header("x-hubspot-ratelimit-interval-milliseconds"))
        remaining = _int(response.header("x-hubspot-ratelimit-remaining"))
        if limit and interval:
            usable = self._usable(limit)
            if (usable, interval / 1000) != (self.burst.limit, self.burst.interval):
                self.burst.resize(usable, interval / 1000)
        secondly = _int(response.header("x-hubspot-ratelimit-secondly"))
        if secondly and secondly != self.secondly.limit:
            self.secondly.resize(secondly, 1.0)
        if remaining is not None:
            with self._lock:
                self._remaining = remaining
        if response.status == 429:
            with self._lock:
                self._calm = 0
            self._refused(response, counted=limit is not None)
        elif 200 <= response.status < 300:
            with self._lock:
                self._calm += 1
                calm, self._calm = self._calm >= CALM_ANSWERS, self._calm % CALM_ANSWERS
            if calm:
                for window in (self.burst, self.secondly, self.search):
                    window.relax()

    def _refused(self, response: HttpResponse, *, counted: bool) -> None:
        """A 429 this client's windows did not foresee: widen the edge of the window whose
        policy refused it (search's 429 carries no rate headers). A daily refusal says
        nothing about timing."""
        policy = _policy(response)
        if not counted and urlsplit(response.url).path.rstrip("/").endswith("/search"):
            self.search.widen()
        elif policy == "TEN_SECONDLY_ROLLING":
            self.burst.widen()
        elif policy == "SECONDLY":
            self.secondly.widen()


def _policy(response: HttpResponse) -> str | None:
    """The `policyName` of a HubSpot rate-limit refusal, if its body has one."""
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    policy = body.get("policyName") if isinstance(body, dict) else None
    return policy if isinstance(policy, str) else None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
