"""Keyset pages fetched back to back, each page's follow-up work run beside the next fetches.

A keyset read cannot ask for page k+1 before page k's last key is known, so its pages form
one chain of round trips; the names and lines queries of a page need only that page. The
fastest read the account allows is therefore the chain alone, with each page's follow-up
queries in flight while the chain moves on. `ahead` runs the chain on a thread of its own
and each page's follow-up (`finish`) on a small pool as soon as that page arrives, and
gives the finished pages out in chain order. At most `depth` pages wait, fetched but not
taken, so a slow consumer holds the chain back instead of filling memory.

A failure anywhere (a page query, a follow-up) is raised to the consumer at the page where
it happened, after every earlier page, and stops the chain; so is leaving the loop early.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

__all__ = ["DEPTH", "ahead"]

_P = TypeVar("_P")
_R = TypeVar("_R")
DEPTH = 4  # pages fetched ahead of the consumer, each with its follow-up queries in flight
_POLL_S = 0.5  # how often a chain waiting for room checks whether the consumer left


class _End:
    """The chain's last word: it ran out (error None) or failed (the error)."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


def ahead(
    pages: Iterable[_P], finish: Callable[[_P], _R], *, depth: int = DEPTH, name: str = "ahead"
) -> Iterator[_R]:
    """`finish(page)` for every page of `pages`, in order; the pages are fetched on a thread
    of their own while earlier pages are finished (up to `depth` at once) and consumed."""
    slots: queue.Queue[Future[_R] | _End] = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()
    pool = ThreadPoolExecutor(max(1, depth), thread_name_prefix=f"{name}-finish")
    # A daemon: a consumer that neither finishes nor closes the loop must not keep the
    # process alive (the chain then waits for room, checking `stop`, until it is collected).
    chain = threading.Thread(target=_run_chain, args=(pages, finish, pool, slots, stop),
                             name=f"{name}-chain", daemon=True)  # fmt: skip
    chain.start()
    try:
        while True:
            slot = slots.get()
            if isinstance(slot, _End):
                if slot.error is not None:
                    raise slot.error
                return
            yield slot.result()
    finally:
        stop.set()
        _drain(slots)  # a chain waiting for room sees the stop at once
        chain.join()
        _drain(slots)
        # Follow-ups of pages nobody will take are not started; running ones finish.
        pool.shutdown(wait=True, cancel_futures=True)


def _run_chain(
    pages: Iterable[_P],
    finish: Callable[[_P], _R],
    pool: ThreadPoolExecutor,
    slots: queue.Queue[Future[_R] | _End],
    stop: threading.Event,
) -> None:
    """Fetch page after page (the iterator's own requests), handing each to the pool."""
    end = _End()
    iterator = iter(pages)
    try:
        for page in iterator:
            if not _put(slots, pool.submit(finish, page), stop) or stop.is_set():
                return
    except BaseException as exc:  # carried to the consumer and raised there
        end = _End(exc)
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:  # a generator left mid-read releases what it holds now
            close()
    _put(slots, end, stop)


def _put(
    slots: queue.Queue[Future[_R] | _End], item: Future[_R] | _End, stop: threading.Event
) -> bool:
    """Wait for room for `item`; False when the consumer left meanwhile. Bounded: each wait
    is short, and the consumer sets `stop` whenever it leaves."""
    while not stop.is_set():
        try:
            slots.put(item, timeout=_POLL_S)
            return True
        except queue.Full:
            continue
    return False


def _drain(slots: queue.Queue[Future[_R] | _End]) -> None:
    while True:
        try:
            slots.get_nowait()
        except queue.Empty:
            return
