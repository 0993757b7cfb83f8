"""Read the next source page while the engine maps and writes this one.

A run alternates between waiting on the source (a query page, or NetSuite's key query plus
a GET per record) and waiting on the target's writes. Reading one page ahead in a thread
overlaps the two, so a run takes about the longer of them instead of their sum. Only the
source connector's own generator runs in that thread; nothing touches the state store there.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")

_JOIN_SECONDS = 5.0  # how long a stopped run waits for an in-flight page before leaving it


class _End:
    pass


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class ReadAhead(Generic[T]):
    """Iterates `pages` one item ahead in a daemon thread (two once the consumer has peeked
    at the next), in order, re-raising the source's exception where the consumer would
    have met it. `close()` stops the reader."""

    def __init__(self, pages: Iterator[T], *, name: str = "read-ahead") -> None:
        self._pages = pages
        self._queue: queue.Queue[T | _End | _Failed] = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._held: T | _End | _Failed | None = None  # a page peeked at, not taken yet
        self._thread = threading.Thread(target=self._pump, name=name, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        try:
            for page in self._pages:
                if not self._offer(page):
                    return
            self._offer(_End())
        except BaseException as exc:  # handed to the consumer, raised there
            self._offer(_Failed(exc))

    def _offer(self, item: T | _End | _Failed) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[T]:
        return self

    def peek(self) -> T | None:
        """The next page if it is read already, without waiting and without taking it; None
        while it is still being read, and at the end."""
        if self._held is None:
            try:
                self._held = self._queue.get_nowait()
            except queue.Empty:
                return None
        return None if isinstance(self._held, _End | _Failed) else self._held

    def __next__(self) -> T:
        item = self._held if self._held is not None else self._queue.get()
        self._held = None
        if isinstance(item, _End):
            self._finish()
            raise StopIteration
        if isinstance(item, _Failed):
            self._finish()
            raise item.error
        return item

    def close(self) -> None:
        """Stop reading ahead; the source generator is closed once its thread is done."""
        self._stop.set()
        while True:  # unblock a reader waiting to hand over a page
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._finish()

    def _finish(self) -> None:
        self._stop.set()
        self._thread.join(_JOIN_SECONDS)
        close = getattr(self._pages, "close", None)
        if not self._thread.is_alive() and close is not None:
            close()

    def __enter__(self) -> ReadAhead[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def gathered(pages: Iterator[Sequence[T]], size: int) -> Iterator[list[T]]:
    """The source's pages re-cut into pages of exactly `size` items (the last may hold fewer):
    a target whose fastest path takes large batches (a Bulk API job) gets them even from a
    source that pages a thousand rows a call. Sources page in (modified, id) order, so a cut
    anywhere keeps each page's watermark below the next page's records; a gathered page is
    still one unit of commit, its watermark moving only once all of its writes are durable."""
    held: list[T] = []
    for page in pages:
        held.extend(page)
        while len(held) >= size:
            yield held[:size]
            held = held[size:]
    if held:
        yield held
