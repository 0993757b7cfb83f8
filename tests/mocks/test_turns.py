"""Query work in a mock runs one at a time, first asked first (`mocks.turns`)."""

from __future__ import annotations

import threading
import time

import pytest

from mocks.turns import Turns

WAIT_S = 10.0  # a bound on every wait, never reached when the code is right


def _queued(turns: Turns) -> int:
    return len(turns._waiting)


def test_turns_are_handed_out_in_the_order_they_were_asked_for() -> None:
    turns = Turns()
    release = threading.Event()
    order: list[int] = []
    holder = threading.Thread(target=turns.run, args=(lambda: release.wait(WAIT_S),))
    holder.start()
    deadline = time.monotonic() + WAIT_S
    while not turns._busy and time.monotonic() < deadline:
        time.sleep(0.001)
    waiters = []
    for n in range(6):
        waiter = threading.Thread(target=turns.run, args=(lambda n=n: order.append(n),))
        waiter.start()
        while _queued(turns) < n + 1 and time.monotonic() < deadline:
            time.sleep(0.001)  # each asks only once the one before it is waiting
        waiters.append(waiter)
    release.set()
    for thread in (holder, *waiters):
        thread.join(WAIT_S)
    assert order == list(range(6))
    assert not turns._busy and _queued(turns) == 0


def test_a_failing_turn_hands_the_turn_on() -> None:
    turns = Turns()

    def fail() -> None:
        raise RuntimeError("query refused")

    with pytest.raises(RuntimeError, match="query refused"):
        turns.run(fail)
    assert turns.run(lambda: 42) == 42
