"""A full read of many pages in stamp spans, side by side, instead of one keyset chain.

One keyset chain cannot ask for page k+1 before page k's last key is known, so a read of
P pages costs P round trips one after another, however many requests the account lets run
at once (15 on a typical NetSuite account). A full read first asks for the count and the
stamp range of the records (one aggregate query, beside the metadata-catalog request),
cuts that range into spans of whole seconds holding about 70% of a page each at the
average density (`SPAN_FILL`), and reads the spans as chains of their own, several at
once. The spans are handed out in stamp order, each span's pages in keyset order, so the
records come out exactly as one chain would give them. Spans meet at whole seconds, so each
is put in strict order on its own (`dialect.strict_order`): a span's last second is
complete when its chain ends, and need not wait for the next span to be read. The count
query costs one call a full read, and a round trip when the catalog is known already
(nothing to run beside).

A record edited during the read gets a stamp at or past the last second the count saw, so
the last span (that second onwards) is open-ended. It is read from the start, beside the
others (its first pages read ahead, the rest as the consumer reaches it). Once every other
span's chain has ended, one key query asks what that range holds now (`check_tail`): when
every key it names is among the tail's pages as read (the usual case: nothing was saved
mid-read), they are handed out; else the tail is read again, as one chain meets such
records at its end. So an edit that moved a record out of a span
not yet read is found either way, and a quiet read pays one key query instead of a tail
read and its names and lines one after another at the end. A span denser than the average
is only slower (its chain has more pages); one past SuiteQL's result cap is cut into
windows by the same chain (`windows`).
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sync.connectors.netsuite import dialect
from sync.connectors.netsuite.keys import SuiteQL, key_pages
from sync.connectors.netsuite.windows import refused_for_size
from sync.errors import FatalVendorError
from sync.readahead import ReadAhead

__all__ = ["SPAN_FILL", "Span", "check_tail", "plan_spans", "read_spans", "signalled"]

_P = TypeVar("_P")
SPAN_FILL = 0.7  # a span's records at the average density, as a share of a page
MIN_PAGES = 3  # a read of fewer pages stays one chain: spans would not save a round trip
_POLL_S = 0.5  # how often the tail's check, waiting, looks whether the consumer left


@dataclass(frozen=True)
class Span:
    """Records stamped in [lower, upper): None for lower is the read's own start, None for
    upper is open-ended (the tail)."""

    lower: datetime | None
    upper: datetime | None

    def since(self, start: datetime | None) -> datetime | None:
        return self.lower if self.lower is not None else start

    def conditions(self) -> list[str]:
        """The span's upper bound (its lower one is the chain's `since`)."""
        if self.upper is None:
            return []
        return [f"lastmodifieddate < {dialect.suiteql_timestamp(self.upper)}"]


def plan_spans(stats: Mapping[str, Any], page: int) -> list[Span] | None:
    """The spans of a read whose records `stats` counts (`windows.stats_query`), ending with
    the open tail; None when one chain serves it as fast (fewer than `MIN_PAGES` pages)."""
    count = int(stats.get("n") or 0)
    if count < MIN_PAGES * page or not stats.get("lo") or not stats.get("hi"):
        return None
    try:
        low = dialect.parse_datetime(str(stats["lo"])).replace(microsecond=0)
        # The tail holds the latest stamp's whole second: an edit saved after the count, in
        # that second, lands there (checked after every other span), not in a span read.
        end = dialect.parse_datetime(str(stats["hi"])).replace(microsecond=0)
    except ValueError:
        return None  # stamps rendered otherwise: the spans are lost, never the read
    seconds = (end - low).total_seconds()
    if seconds < 1:
        return None  # every record in one second: one chain is all a span could be
    width = max(1, math.ceil(seconds / math.ceil(count / max(1.0, page * SPAN_FILL))))
    bounds = [low + timedelta(seconds=k * width) for k in range(1, math.ceil(seconds / width))]
    edges: list[datetime | None] = [None, *bounds, end]
    spans = [Span(a, b) for a, b in itertools.pairwise(edges)]
    return [*spans, Span(end, None)]


def read_spans(
    spans: list[Span],
    read: Callable[[Span, threading.Event], Iterator[_P]],
    *,
    depth: int,
    tail_check: Callable[[], Callable[[list[_P]], bool]],
) -> Iterator[_P]:
    """Every span's items, span after span; up to `depth` spans read at once, each on a
    thread of its own (`read(span, ended)` sets `ended` when its chain of queries is done),
    the tail (the last span) from the start. Once every other span has set `ended`,
    `tail_check()` asks the account what the tail's range holds now and returns whether the
    tail's items as read hold it all; if not, the tail is read again and those items given."""
    closed, tail = spans[:-1], spans[-1]
    ended = [threading.Event() for _ in closed]
    readers: dict[int, ReadAhead[_P]] = {}
    check = _TailCheck(ended, tail_check)
    try:
        tail_reader = ReadAhead(read(tail, threading.Event()), name="netsuite-tail")
    except BaseException:
        check.close()
        raise
    try:
        for index in range(len(closed)):
            for ahead_of in range(index, min(len(closed), index + max(1, depth))):
                if ahead_of not in readers:
                    chain = read(closed[ahead_of], ended[ahead_of])
                    readers[ahead_of] = ReadAhead(chain, name="netsuite-span")
            with readers.pop(index) as reader:
                yield from reader
        with tail_reader:
            held = list(tail_reader)
        if check.verdict()(held):
            yield from held
        else:
            with ReadAhead(read(tail, threading.Event()), name="netsuite-tail-again") as again:
                yield from again
    finally:
        check.close()
        for reader in readers.values():
            reader.close()
        tail_reader.close()


class _TailCheck(Generic[_P]):
    """`check()` run on a thread of its own once every event in `ended` is set, unless the
    read is closed first; its answer (or error) is the verdict."""

    def __init__(
        self, ended: list[threading.Event], check: Callable[[], Callable[[list[_P]], bool]]
    ) -> None:
        self._ended, self._check = ended, check
        self._stop = threading.Event()
        self._verdict: Future[Callable[[list[_P]], bool]] = Future()
        self._handover = threading.Lock()  # the check starts before the read is closed, or never
        threading.Thread(target=self._run, name="netsuite-tail-check", daemon=True).start()

    def _run(self) -> None:
        for event in self._ended:
            while not event.wait(_POLL_S):
                if self._stop.is_set():
                    return
        with self._handover:
            if self._stop.is_set() or not self._verdict.set_running_or_notify_cancel():
                return
        try:
            self._verdict.set_result(self._check())
        except BaseException as exc:  # raised to the consumer, where the tail would be
            self._verdict.set_exception(exc)

    def verdict(self) -> Callable[[list[_P]], bool]:
        return self._verdict.result()

    def close(self) -> None:
        """No check starts from now on; one under way ends first (its request, too)."""
        with self._handover:
            self._stop.set()
            checking = self._verdict.running()
        if checking:
            wait([self._verdict])


def check_tail(
    suiteql: SuiteQL, obj: str, since: datetime | None
) -> Callable[[list[list[tuple[dialect.RowKey, Any]]]], bool]:
    """What the tail's range (stamps from `since`) holds now, by key (one key query, more
    pages only for a tail of more than a page): a test of whether the tail's pages as read
    hold every (id, second) in it. A range past SuiteQL's result cap is not checked: the
    tail is read again.

    Keys are whole seconds: a record saved again in the second it was read in keeps its
    key, so the read hands out the version it read (as any keyset read at second precision
    does); the next incremental read, which starts at that second, takes the later one."""
    now: set[tuple[str, datetime]] = set()
    try:
        for keys in key_pages(suiteql, obj, since):
            now.update((key.id, key.modified_at) for key in keys)
    except FatalVendorError as exc:
        if not refused_for_size(exc):
            raise
        return lambda held: False
    return lambda held: now <= {(k.id, k.modified_at) for page in held for k, _ in page}


def signalled(items: Iterator[_P], ended: threading.Event) -> Iterator[_P]:
    """`items` as they come, setting `ended` once they run out (or fail, or are left)."""
    try:
        yield from items
    finally:
        ended.set()
