"""Look the next write slice up in the target while this one is written.

A write round waits twice on the target: for its lookup (the before-images), then for its
writes; and between rounds for the commit. A vendor that paces calls by a rate window
(HubSpot's 19 a second) sits idle at each of those edges while nothing is queued. Splitting
a round into slices and running slice k+1's lookup beside slice k's writes keeps the window
busy: the lookup is a read, and the writes are still recorded as intents, sent and settled
one slice after another, in order. A full run also looks up the next page's first slice
while this page's last one is written, when that page is already read and the mapping keeps
the source id as the external id (so the guess is exact); a page with nothing carried for it
starts its first slice's lookup as soon as its first record is mapped, from the same guess
(or, when the guess cannot be made, once that slice is mapped), not after the whole page. A
guess that covers only part of the slice it was made for (a record held back by validation)
is used for that part, and only the ids it lacks are looked up after it (the guess's own
calls then also read the held-back ids: at most a slice's worth).

Opt-in, outside the `Connector` protocol: a target sets `lookup_ahead_slice` (records per
slice) when its connector may run a lookup on one thread while it writes on another.

The one thing an early lookup could miss is the writes running beside it; it only can when
a record carries an external id that the slice being written carries too (a source that
returned a record twice). Such a slice is looked up again, after those writes, as if nothing
had run ahead.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future

from sync._entries import Candidate
from sync.background import in_background
from sync.connectors.base import Connector, Record
from sync.flow import StageClock

__all__ = ["LookAhead", "Lookup", "lookahead_slice"]

Lookup = dict[str, Record]
Slice = list[Candidate]
Upcoming = Callable[[], list[str] | None]


def lookahead_slice(target: Connector) -> int | None:
    """Records per slice the target asks the engine to look up ahead, or None."""
    size = getattr(target, "lookup_ahead_slice", None)
    if isinstance(size, int) and not isinstance(size, bool) and size > 0:
        return size
    return None


def _ids(batch: Slice) -> frozenset[str]:
    return frozenset(c.external_id for c in batch)


class LookAhead:
    """One run's lookups, each started while the slice before it is written."""

    def __init__(self, lookup: Callable[[Sequence[str]], Lookup], stages: StageClock) -> None:
        self._lookup = lookup
        self._stages = stages
        self._carried: tuple[frozenset[str], Future[Lookup]] | None = None
        self._beside: frozenset[str] = frozenset()  # written while the pending lookup ran

    def close(self) -> None:
        """Forget a lookup taken for a page the run will not reach. A lookup is a read: one
        still running is left to finish on its own (a daemon thread), so a stopped run
        neither waits for it nor keeps the process alive for it."""
        self._carried = None

    def _start(self, ids: Sequence[str]) -> Future[Lookup]:
        """The lookup of `ids` on a thread of its own. At most one runs at a time: the next
        is started only once this one's answer has been taken."""
        wanted = list(ids)
        return in_background(lambda: self._lookup(wanted), "lookup-ahead")

    def prime(self, ids: Sequence[str]) -> None:
        """Start the lookup of a page's first slice (`ids`) while the rest of the page is
        still being mapped, unless one is carried already (one runs at a time). Nothing of
        the page is written yet, so nothing runs beside it."""
        if self._carried is None:
            self._beside = frozenset()
            self._carried = (frozenset(ids), self._start(ids))

    def _first(self, batch: Slice) -> Future[Lookup]:
        """The page's first lookup: the one carried (from the previous page, or primed from
        a guess) when it covers the slice; when it covers part of it, that one with the
        rest looked up after it; else a new one."""
        carried, self._carried = self._carried, None
        missing = [c.external_id for c in batch]
        if carried is not None:
            covered, future = carried
            missing = [i for i in missing if i not in covered]
            if not missing:
                return future
            if len(missing) < len(batch):  # nothing is written while the rest is looked up
                return in_background(lambda: {**future.result(), **self._lookup(missing)},
                                     "lookup-ahead")  # fmt: skip
        self._beside = frozenset()  # nothing is written while this one runs
        return self._start(missing)

    def slices(
        self, slices: Sequence[Slice], upcoming: Upcoming
    ) -> Generator[tuple[Slice, Lookup | None]]:
        """Each slice with its lookup, the next one's started before this one is handed over
        (so it runs while the caller writes this one). None: the caller looks the slice up
        itself, because the writes beside its lookup touched it."""
        if not slices:  # a page with nothing to write: a guess carried for it is stale now
            self._carried = None
            return
        ahead = self._first(slices[0])
        for index, batch in enumerate(slices):
            found: Lookup | None
            with self._stages.timing("lookup"):  # only the wait the overlap did not hide
                found = ahead.result()
            if _ids(batch) & self._beside:
                found = None
            self._beside = _ids(batch)
            if index + 1 < len(slices):
                ahead = self._start([c.external_id for c in slices[index + 1]])
            else:
                guess = upcoming()
                if guess:
                    self._carried = (frozenset(guess), self._start(guess))
            yield batch, found
