"""The engine's lookups taken ahead of its writes (`sync.lookahead`): each slice gets the
lookup started while the slice before it was written; a slice sharing an external id with
the one written beside its lookup is looked up again (None), and a lookup carried over
from the previous page serves the next page's first slice only when it covers it."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime

from sync._entries import Candidate
from sync.connectors.base import Record
from sync.flow import StageClock
from sync.lookahead import LookAhead, Lookup

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def cand(key: str) -> Candidate:
    return Candidate(Record(key, {}, NOW), key, key, {}, "digest", [])


class Target:
    """Answers every id with a record named after the lookup that found it."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []
        self.lock = threading.Lock()

    def lookup(self, ids: Sequence[str]) -> Lookup:
        with self.lock:
            self.asked.append(list(ids))
            n = len(self.asked)
        return {i: Record(i, {"lookup": n}, NOW) for i in ids}


def run(ahead: LookAhead, slices: list[list[Candidate]], upcoming: list[str] | None = None
        ) -> list[Lookup | None]:  # fmt: skip
    return [found for _, found in ahead.slices(slices, lambda: upcoming)]


def test_each_slice_gets_its_own_lookup_in_order() -> None:
    target = Target()
    ahead = LookAhead(target.lookup, StageClock())
    found = run(ahead, [[cand("a"), cand("b")], [cand("c")], [cand("d")]])
    ahead.close()
    assert target.asked == [["a", "b"], ["c"], ["d"]]
    assert [sorted(f) for f in found if f is not None] == [["a", "b"], ["c"], ["d"]]


def test_a_slice_sharing_an_id_with_the_slice_written_beside_it_is_looked_up_again() -> None:
    target = Target()
    ahead = LookAhead(target.lookup, StageClock())
    found = run(ahead, [[cand("a"), cand("b")], [cand("b"), cand("c")], [cand("d")]])
    ahead.close()
    assert found[0] is not None and found[2] is not None
    assert found[1] is None  # "b" was being written while its lookup ran: the caller asks again


def test_a_carried_lookup_serves_the_next_page_only_when_it_covers_its_first_slice() -> None:
    target = Target()
    ahead = LookAhead(target.lookup, StageClock())
    run(ahead, [[cand("a")]], upcoming=["b", "c"])  # the next page's first ids, guessed
    covered = run(ahead, [[cand("b"), cand("c")]], upcoming=["x"])
    missed = run(ahead, [[cand("y")]])  # the guess ("x") does not cover it: a new lookup
    ahead.close()
    assert target.asked == [["a"], ["b", "c"], ["x"], ["y"]]
    assert covered[0] is not None and covered[0]["b"].fields["lookup"] == 2
    assert missed[0] is not None and missed[0]["y"].fields["lookup"] == 4
