"""`snapshot_both`: the two sides of a flow are read side by side, every record of each,
progress told one call at a time, and a failing side fails the snapshot."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from reconcile.reading import snapshot_both
from sync.connectors.base import Connector, Record

WAIT_S = 10.0  # a bound on every wait, never reached when the code is right
T0 = datetime(2026, 1, 5, tzinfo=UTC)


class Side:
    """A connector that serves `pages` of records; it may wait for `meet` before its first
    page (to prove the other side is being read at the same time) or fail."""

    def __init__(
        self,
        pages: list[list[Record]],
        *,
        started: threading.Event,
        meet: threading.Event | None = None,
        fail: Exception | None = None,
    ) -> None:
        self.pages, self.started, self.meet, self.fail = pages, started, meet, fail

    def read(
        self, obj: str, *, fields: Sequence[str] | None = None, **_: Any
    ) -> Iterator[list[Record]]:
        self.started.set()
        if self.meet is not None and not self.meet.wait(WAIT_S):
            raise AssertionError("the other side was not read meanwhile")
        if self.fail is not None:
            raise self.fail
        yield from self.pages


def _records(prefix: str, count: int, deleted: int = 0) -> list[Record]:
    return [
        Record(id=f"{prefix}{i}", fields={"n": i}, modified_at=T0, deleted=i < deleted)
        for i in range(count)
    ]


def _side(side: Side) -> Connector:
    return cast(Connector, side)


def test_both_sides_are_read_at_once_and_whole() -> None:
    source_started, target_started = threading.Event(), threading.Event()
    source = Side([_records("s", 3), _records("t", 2)], started=source_started, meet=target_started)
    target = Side([_records("x", 4, deleted=1)], started=target_started, meet=source_started)
    told: list[tuple[str, int]] = []
    inside = threading.Lock()

    def progress(obj: str, count: int) -> None:
        assert inside.acquire(blocking=False), "progress was told from two threads at once"
        try:
            told.append((obj, count))
        finally:
            inside.release()

    sources, targets = snapshot_both(
        (_side(source), "Account", ["Name"]), (_side(target), "customer", None), progress
    )
    assert sorted(sources) == ["s0", "s1", "s2", "t0", "t1"]
    assert sorted(targets) == ["x1", "x2", "x3"]  # the deleted record is not live
    assert sorted(told) == [("Account", 2), ("Account", 3), ("customer", 4)]


def test_a_failing_target_read_fails_the_snapshot() -> None:
    source = Side([_records("s", 2)], started=threading.Event())
    target = Side([], started=threading.Event(), fail=RuntimeError("target refused"))
    with pytest.raises(RuntimeError, match="target refused"):
        snapshot_both((_side(source), "Account", None), (_side(target), "customer", None))


def test_a_failing_source_read_fails_the_snapshot() -> None:
    source = Side([], started=threading.Event(), fail=RuntimeError("source refused"))
    target = Side([_records("x", 2)], started=threading.Event())
    with pytest.raises(RuntimeError, match="source refused"):
        snapshot_both((_side(source), "Account", None), (_side(target), "customer", None))


def test_a_snapshot_told_to_stop_gives_up_at_its_next_page_and_closes_its_reader() -> None:
    """What ends the target's read when the source's failed: the stop is seen between pages
    (no more pages are asked for) and the reader is closed, its own threads with it."""
    from reconcile.reading import SnapshotStopped, snapshot

    served, closed = [0], [False]

    class Endless:
        def read(self, obj: str, *, fields: Sequence[str] | None = None, **_: Any
                 ) -> Iterator[list[Record]]:  # fmt: skip
            try:
                while True:
                    served[0] += 1
                    yield _records(f"p{served[0]}-", 2)
            finally:
                closed[0] = True

    stop = threading.Event()
    stop.set()
    with pytest.raises(SnapshotStopped):
        snapshot(_side(cast(Any, Endless())), "Account", stop=stop)
    assert served[0] == 1 and closed[0]


def test_prepared_work_stops_and_is_let_go_past_its_limit() -> None:
    """Past the columnar engine's volumes nothing is held: the engine maps those itself."""
    from reconcile.compare import FieldRuleView
    from reconcile.prepared import Prepared

    rules = (FieldRuleView("name"),)
    prepared = Prepared(None, rules, None, limit=3)  # type: ignore[arg-type]
    records = [Record(id=str(n), fields={"name": f"N{n}"}, modified_at=T0) for n in range(5)]
    prepared.add_targets(records[:2])
    assert len(prepared._signed) == 2
    prepared.add_targets(records[2:])
    assert prepared._signed == {} and prepared._off
    assert prepared._target(records[4]) == ("N4",)  # still answers, computing on demand
