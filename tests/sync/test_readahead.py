"""Reading one page ahead: order, errors where the consumer meets them, a clean stop."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from sync.errors import TransientVendorError
from sync.readahead import ReadAhead


def test_pages_arrive_in_order_and_the_next_is_read_before_it_is_asked_for() -> None:
    asked: list[int] = []
    second_read = threading.Event()

    def source() -> Iterator[int]:
        for n in range(5):
            asked.append(n)
            if n == 1:
                second_read.set()
            yield n

    pages = ReadAhead(source())
    assert next(pages) == 0
    # While the consumer holds page 0, the reader has already fetched page 1.
    assert second_read.wait(5)
    assert list(pages) == [1, 2, 3, 4]
    assert asked == [0, 1, 2, 3, 4]


def test_a_source_error_is_raised_after_the_pages_read_before_it() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise TransientVendorError("the vendor went away", status=503)

    pages = ReadAhead(source())
    got = []
    with pytest.raises(TransientVendorError, match="went away"):
        for page in pages:
            got.append(page)
    assert got == [1, 2]


def test_close_stops_the_reader_and_closes_the_source() -> None:
    closed = threading.Event()

    def source() -> Iterator[int]:
        try:
            n = 0
            while True:  # an endless source: only close() ends it
                yield n
                n += 1
        finally:
            closed.set()

    with ReadAhead(source()) as pages:
        assert next(pages) == 0
    assert closed.wait(5)


def test_an_empty_source_ends_at_once() -> None:
    assert list(ReadAhead(iter([]))) == []
