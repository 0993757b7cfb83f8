"""`ahead`: keyset pages fetched back to back, each finished beside the next fetches, given
out in order; failures raised at their page; a consumer leaving early stops the chain and
a slow one holds it back."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from sync.connectors.netsuite.ahead import ahead

WAIT_S = 10.0  # a bound on every wait, never reached when the code is right


class Chain:
    """Pages 0..count-1, remembering how far the chain was fetched and whether it closed."""

    def __init__(self, count: int, fail_at: int | None = None) -> None:
        self.count, self.fail_at = count, fail_at
        self.fetched = 0
        self.closed = threading.Event()

    def __iter__(self) -> Iterator[int]:
        try:
            for page in range(self.count):
                if page == self.fail_at:
                    raise RuntimeError(f"page {page} refused")
                self.fetched = page + 1
                yield page
        finally:
            self.closed.set()


def test_pages_come_out_in_order_though_finished_out_of_order() -> None:
    """The first page's follow-up finishes last; the pages still come out 0, 1, 2, 3, and
    the later pages were finished meanwhile (they did not wait for the first)."""
    later_done = threading.Event()
    finished: list[int] = []

    def finish(page: int) -> int:
        if page == 0:
            assert later_done.wait(WAIT_S), "the later pages waited for the first"
        finished.append(page)
        if page == 3:
            later_done.set()
        return page * 10

    assert list(ahead(Chain(4), finish, depth=4)) == [0, 10, 20, 30]
    assert finished[-1] == 0


def test_a_failing_page_query_is_raised_after_the_pages_before_it() -> None:
    chain = Chain(5, fail_at=2)
    got: list[int] = []
    with pytest.raises(RuntimeError, match="page 2 refused"):
        for page in ahead(chain, lambda p: p):
            got.append(page)
    assert got == [0, 1]


def test_a_failing_follow_up_is_raised_at_its_page_and_stops_the_chain() -> None:
    def finish(page: int) -> int:
        if page == 1:
            raise ValueError("lines refused")
        return page

    chain = Chain(50)
    got: list[int] = []
    with pytest.raises(ValueError, match="lines refused"):
        for page in ahead(chain, finish, depth=2):
            got.append(page)
    assert got == [0]
    assert chain.closed.is_set()
    assert chain.fetched < 50  # stopped, not read to the end


def test_leaving_early_stops_the_chain() -> None:
    chain = Chain(1000)
    pages = ahead(chain, lambda p: p, depth=3)
    assert next(pages) == 0
    pages.close()
    assert chain.closed.wait(WAIT_S)
    # Bounded by the depth: the taken page, the waiting ones and the one in hand.
    assert chain.fetched <= 1 + 3 + 1


def test_a_slow_consumer_holds_the_chain_back() -> None:
    """While the consumer holds page 0, no more than `depth` pages wait beyond it."""
    chain = Chain(100)
    full = threading.Event()

    def finish(page: int) -> int:
        if page == 3:
            full.set()
        return page

    pages = ahead(chain, finish, depth=2)
    assert next(pages) == 0
    assert full.wait(WAIT_S)
    assert chain.fetched <= 1 + 2 + 1
    assert list(pages) == list(range(1, 100))
    assert chain.fetched == 100 and chain.closed.is_set()


def test_an_empty_chain_gives_nothing() -> None:
    assert list(ahead(Chain(0), lambda p: p)) == []
