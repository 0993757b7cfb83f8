"""The engine's lookups taken ahead of its writes (`sync.lookahead`): each slice gets the
lookup started while the slice before it was written; a slice sharing an external id with
the one written beside its lookup is looked up again (None), and a lookup carried over
from the previous page serves the next page's first slice only when it covers it."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from sync._entries import Candidate
from sync.connectors.base import Record
from sync.flow import StageClock
from sync.lookahead import LookAhead, Lookup
from tests.sync.conftest import ACCOUNTS, Rig

NOW = datetime(2026, 1, 1, tzinfo=UTC)
WAIT_S = 30.0  # a bound on every wait, never reached when the code is right


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


def test_a_run_stopped_mid_page_does_not_wait_for_a_lookup_taken_ahead(rig: Rig) -> None:
    """Ctrl-C while the next slice's lookup is still out: the run stops at once, its row
    says interrupted, and the read left running ends on its own (it is never waited for)."""
    from sync.engine import SyncEngine, SyncInterrupted

    target = cast(Any, rig.erp)
    target.lookup_ahead_slice = 5  # this test's own choice: slices of 5 over the 15 accounts
    held, asked, answered = threading.Event(), threading.Event(), threading.Event()
    finished = threading.Event()
    lookup = target.get_by_external_id
    calls = [0]

    def slow_second(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] != 2:
            return lookup(*args, **kwargs)
        # the second slice's, taken while the first slice writes
        asked.set()
        held.wait(WAIT_S)  # a read HubSpot takes its time over
        answered.set()
        try:
            return lookup(*args, **kwargs)
        finally:
            finished.set()

    target.get_by_external_id = slow_second

    def stop_after_first_slice(_event: str, records: int) -> None:
        assert asked.wait(WAIT_S)  # the lookup ahead is out by now
        raise KeyboardInterrupt

    engine = SyncEngine(rig.crm, rig.erp, rig.state, progress=stop_after_first_slice)
    try:
        with pytest.raises(SyncInterrupted) as stop:
            engine.run(rig.flow, full=True)
        run = rig.state.get_run(stop.value.result.run_id)
        assert run is not None and run.status == "interrupted"
        assert not answered.is_set()  # the engine returned while the lookup was still out
    finally:
        held.set()
        # The left read ends before the rig's mocks close: a TestClient shut down while a
        # request enters it can hang its teardown (seen once in CI, under load).
        finished.wait(WAIT_S)


def test_a_primed_lookup_serves_the_pages_first_slice() -> None:
    target = Target()
    ahead = LookAhead(target.lookup, StageClock())
    ahead.prime(["a", "b"])
    found = run(ahead, [[cand("a"), cand("b")], [cand("c")]])
    ahead.close()
    assert target.asked == [["a", "b"], ["c"]]
    assert found[0] is not None and found[0]["a"].fields["lookup"] == 1


def test_a_guess_covering_part_of_the_first_slice_serves_that_part() -> None:
    """A guess missing a record of the slice (one held back shifts the slice along) is not
    thrown away: only the ids it lacks are looked up, after it, and both answers serve."""
    target = Target()
    ahead = LookAhead(target.lookup, StageClock())
    ahead.prime(["a", "b", "c"])  # "b" will be held back: the slice is a, c, d
    found = run(ahead, [[cand("a"), cand("c"), cand("d")], [cand("e")]])
    ahead.close()
    assert target.asked == [["a", "b", "c"], ["d"], ["e"]]
    first = found[0]
    assert first is not None and {i: first[i].fields["lookup"] for i in "acd"} == {
        "a": 1, "c": 1, "d": 2}  # fmt: skip


def test_priming_leaves_a_carried_lookup_alone() -> None:
    target = Target()
    ahead = LookAhead(target.lookup, StageClock())
    run(ahead, [[cand("a")]], upcoming=["b"])  # carried for the next page
    ahead.prime(["b"])  # one lookup at a time: the carried one serves
    run(ahead, [[cand("b")]])
    ahead.close()
    assert target.asked == [["a"], ["b"]]


def test_the_first_slices_lookup_starts_before_the_page_is_mapped(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rig's accounts in slices of 5: the first slice is looked up while the sixth
    account is still being mapped, not once the whole page is."""
    import sync.pages
    from sync.engine import SyncEngine

    target = cast(Any, rig.erp)
    target.lookup_ahead_slice = 5
    asked = threading.Event()
    lookup = target.get_by_external_id

    def noted(*args: Any, **kwargs: Any) -> Any:
        asked.set()
        return lookup(*args, **kwargs)

    target.get_by_external_id = noted
    mapping = sync.pages.apply_mapping
    mapped: list[bool] = []

    def mapped_after_the_first_slice(*args: Any, **kwargs: Any) -> Any:
        if len(mapped) == 5:
            mapped.append(asked.wait(WAIT_S))  # the sixth waits for the first lookup
        else:
            mapped.append(True)
        return mapping(*args, **kwargs)

    monkeypatch.setattr(sync.pages, "apply_mapping", mapped_after_the_first_slice)
    result = SyncEngine(rig.crm, rig.erp, rig.state).run(rig.flow, full=True)
    assert result.status == "succeeded" and result.counts.written == ACCOUNTS
    assert len(mapped) == ACCOUNTS and all(mapped)


def test_a_full_run_guesses_the_first_slice_from_its_first_mapped_record(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full run whose external ids are the source ids: the first slice is looked up once
    the first account is mapped (the second waits for it), from the source ids of the
    next five, and the guess is exact: one lookup per slice, none wasted."""
    import sync.pages
    from sync.engine import SyncEngine

    target = cast(Any, rig.erp)
    target.lookup_ahead_slice = 5
    asked: list[list[str]] = []
    first_asked = threading.Event()
    lookup = target.get_by_external_id

    def noted(obj: str, field: str, values: Sequence[str], **kwargs: Any) -> Any:
        asked.append(list(values))
        first_asked.set()
        return lookup(obj, field, values, **kwargs)

    target.get_by_external_id = noted
    mapping = sync.pages.apply_mapping
    waited: list[bool] = []

    def second_waits_for_the_lookup(*args: Any, **kwargs: Any) -> Any:
        if len(waited) == 1:
            waited.append(first_asked.wait(WAIT_S))
        else:
            waited.append(True)
        return mapping(*args, **kwargs)

    monkeypatch.setattr(sync.pages, "apply_mapping", second_waits_for_the_lookup)
    result = SyncEngine(rig.crm, rig.erp, rig.state).run(rig.flow, full=True)
    assert result.status == "succeeded" and result.counts.written == ACCOUNTS
    assert all(waited) and len(asked) == ACCOUNTS // 5  # one lookup per slice
    assert sorted(i for ids in asked for i in ids) == sorted(rig.state.crosswalk_all("customers"))
