"""commit_page: one transaction per page, and the watermark rules."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sync.connectors.base import Watermark
from sync.state import PlannedChange, RunInfo, StateError, StateStore

if TYPE_CHECKING:
    from tests.sync.state.conftest import Clock, Make


def _snapshot(store: StateStore, run: RunInfo) -> dict[str, Any]:
    return {
        "crosswalk": store.crosswalk_all(run.flow),
        "audit": store.audit_for_run(run.run_id),
        "quarantine": store.quarantined(run.flow, status=None),
        "watermark": store.watermark(run.flow),
    }


def _page(make: Make, run: RunInfo, ids: list[str], clock: Clock) -> dict[str, Any]:
    return {
        "crosswalk": [make.crosswalk(run, s) for s in ids],
        "audit": [make.audit(run, s) for s in ids],
        "quarantine": [make.quarantine(run, f"bad-{ids[0]}")],
        "resolved_quarantine": [],
        "planned": [],
        "watermark": Watermark(clock.now - timedelta(minutes=1), ids[-1]),
    }


def test_a_page_lands_whole(store: StateStore, make: Make, clock: Clock) -> None:
    run = store.start_run("customers", "live", "full")
    clock.advance(minutes=10)
    store.commit_page(run.run_id, "customers", **_page(make, run, ["a1", "a2"], clock))
    assert set(store.crosswalk_all("customers")) == {"a1", "a2"}
    assert [a.source_id for a in store.audit_for_run(run.run_id)] == ["a1", "a2"]
    assert store.quarantine_open_ids("customers") == {"bad-a1"}
    assert store.watermark("customers") == Watermark(run.started_at, "")  # clamped, see below


@pytest.mark.parametrize("table", ["crosswalk", "audit", "quarantine", "watermarks"])
def test_a_failure_anywhere_in_the_page_stores_none_of_it(
    store: StateStore, make: Make, clock: Clock, state_path: Path, table: str
) -> None:
    run = store.start_run("customers", "live", "full")
    clock.advance(minutes=1)
    page1 = _page(make, run, ["a1", "a2"], clock)
    page1["watermark"] = Watermark(run.started_at - timedelta(hours=1), "a2")
    store.commit_page(run.run_id, "customers", **page1)
    before = _snapshot(store, run)
    # Another connection plants a fault: the next write to `table` aborts mid-transaction.
    with sqlite3.connect(state_path) as other:
        other.execute(
            f"CREATE TRIGGER fault BEFORE INSERT ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END"
        )
    page2 = _page(make, run, ["b1", "b2", "b3"], clock)
    page2["watermark"] = Watermark(run.started_at - timedelta(minutes=30), "b3")
    with pytest.raises(StateError, match=r"rolled back, nothing was stored.*simulated"):
        store.commit_page(run.run_id, "customers", **page2)
    assert _snapshot(store, run) == before


def test_a_constraint_violation_in_one_row_stores_nothing(
    store: StateStore, make: Make, clock: Clock
) -> None:
    run = store.start_run("customers", "live", "full")
    old = make.quarantine(run, "x1")
    store.commit_page(
        run.run_id,
        "customers",
        quarantine=[old],
        watermark=Watermark(run.started_at - timedelta(hours=2), "x1"),
    )
    store.quarantine_resolve(old.qid, "discarded", by="steward@example.com")
    before = _snapshot(store, run)
    page = _page(make, run, ["c1", "c2"], clock)
    # The last row of the page reuses a closed entry's qid: a primary-key violation.
    page["quarantine"] = [make.quarantine(run, "c3"), make.quarantine(run, "c4", qid=old.qid)]
    with pytest.raises(StateError, match=r"UNIQUE constraint failed: quarantine\.qid"):
        store.commit_page(run.run_id, "customers", **page)
    assert _snapshot(store, run) == before


def test_an_update_without_an_after_image_is_refused(store: StateStore, make: Make) -> None:
    run = store.start_run("customers", "live", "full")
    with pytest.raises(StateError, match="CHECK constraint failed"):
        store.commit_page(
            run.run_id,
            "customers",
            crosswalk=[make.crosswalk(run, "a1")],
            audit=[make.audit(run, "a1", action="update", after=None)],
        )
    assert store.crosswalk_count("customers") == 0
    store.commit_page(
        run.run_id, "customers", audit=[make.audit(run, "a1", action="delete", after=None)]
    )
    assert store.audit_for_run(run.run_id)[0].after is None


def test_watermark_never_moves_backwards(store: StateStore, clock: Clock) -> None:
    run = store.start_run("customers", "live", "incremental")
    t = run.started_at - timedelta(hours=1)
    steps = [
        (Watermark(t, "b"), Watermark(t, "b")),
        (Watermark(t - timedelta(seconds=1), "z"), Watermark(t, "b")),  # older time
        (Watermark(t, "a"), Watermark(t, "b")),  # same time, lower id
        (Watermark(t, "c"), Watermark(t, "c")),  # same time, higher id
        (Watermark(t + timedelta(microseconds=1), ""), Watermark(t + timedelta(microseconds=1))),
    ]
    for proposed, kept in steps:
        store.commit_page(run.run_id, "customers", watermark=proposed)
        assert store.watermark("customers") == kept
    store.commit_page(run.run_id, "customers", watermark=None)
    assert store.watermark("customers") == steps[-1][1]


def test_watermark_is_clamped_to_the_run_start(store: StateStore, clock: Clock) -> None:
    run = store.start_run("customers", "live", "incremental")
    clock.advance(minutes=5)  # a record changed while the run was reading
    store.commit_page(run.run_id, "customers", watermark=Watermark(clock.now, "late"))
    assert store.watermark("customers") == Watermark(run.started_at, "")
    store.finish_run(run.run_id, "succeeded", {})
    later = store.start_run("customers", "live", "incremental")
    store.commit_page(later.run_id, "customers", watermark=Watermark(clock.now, "late"))
    assert store.watermark("customers") == Watermark(clock.now, "late")
    assert store.watermark("contacts") is None


def test_watermarks_in_other_time_zones_are_stored_as_utc(store: StateStore) -> None:
    from datetime import timezone

    run = store.start_run("customers", "live", "full")
    local = (run.started_at - timedelta(hours=1)).astimezone(timezone(timedelta(hours=-8)))
    store.commit_page(run.run_id, "customers", watermark=Watermark(local, "a"))
    stored = store.watermark("customers")
    assert stored == Watermark(local, "a")
    assert stored is not None and stored.modified_at.utcoffset() == timedelta(0)


@dataclass(frozen=True)
class EnginePlan:
    """Shaped like the engine's own plan: commit_page reads attributes, not a type."""

    action: str
    source_id: str
    external_id: str
    target_id: str | None
    fields: tuple[str, ...]
    before: dict[str, Any] | None
    after: dict[str, Any]


def test_dry_run_records_planned_changes_only(store: StateStore, make: Make) -> None:
    run = store.start_run("customers", "dry-run", "full")
    plans = [
        EnginePlan("create", "a1", "EXT-a1", None, ("companyName",), None, {"companyName": "A"}),
        EnginePlan("update", "a2", "EXT-a2", "T2", ("phone",), {"phone": "1"}, {"phone": "2"}),
    ]
    store.commit_page(run.run_id, "customers", planned=plans)
    stored = store.planned_for_run(run.run_id)
    assert [p.source_id for p in stored] == ["a1", "a2"]
    assert stored[1] == PlannedChange(
        run.run_id,
        "customers",
        "update",
        "a2",
        "T2",
        "EXT-a2",
        ("phone",),
        {"phone": "1"},
        {"phone": "2"},
        stored[1].seq,
    )
    with pytest.raises(StateError, match="planned changes only"):
        store.commit_page(run.run_id, "customers", watermark=Watermark(run.started_at))
    with pytest.raises(StateError, match="planned changes only"):
        store.commit_page(run.run_id, "customers", crosswalk=[make.crosswalk(run, "a1")])
    assert store.watermark("customers") is None
    assert store.crosswalk_count("customers") == 0


def test_a_rollback_cannot_move_the_watermark(store: StateStore) -> None:
    run = store.start_run("customers", "rollback", "rollback")
    with pytest.raises(StateError, match="rollback"):
        store.commit_page(run.run_id, "customers", watermark=Watermark(run.started_at))


@pytest.mark.parametrize("field", ["flow", "last_run_id"])
def test_entries_must_belong_to_the_run(store: StateStore, make: Make, field: str) -> None:
    run = store.start_run("customers", "live", "full")
    wrong = make.crosswalk(run, "a1", **{field: "other"})
    with pytest.raises(StateError, match="other"):
        store.commit_page(run.run_id, "customers", crosswalk=[make.crosswalk(run, "a0"), wrong])
    assert store.crosswalk_count("customers") == 0


def test_pages_need_a_running_run_of_the_same_flow(store: StateStore, make: Make) -> None:
    run = store.start_run("customers", "live", "full")
    with pytest.raises(StateError, match="belongs to flow 'customers'"):
        store.commit_page(run.run_id, "contacts")
    store.finish_run(run.run_id, "succeeded", {})
    with pytest.raises(StateError, match="already succeeded"):
        store.commit_page(run.run_id, "customers", audit=[make.audit(run, "a1")])
    with pytest.raises(StateError, match="no run"):
        store.commit_page("20000101T000000Z-0000", "customers")


def test_naive_datetimes_are_refused(store: StateStore, make: Make) -> None:
    run = store.start_run("customers", "live", "full")
    naive = run.started_at.replace(tzinfo=None)
    with pytest.raises(StateError, match="synced_at is a naive datetime"):
        store.commit_page(
            run.run_id, "customers", crosswalk=[make.crosswalk(run, "a", synced_at=naive)]
        )
    with pytest.raises(StateError, match="watermark modified_at is a naive datetime"):
        store.commit_page(run.run_id, "customers", watermark=Watermark(naive))


def test_audit_round_trip_and_history_per_source(
    store: StateStore, make: Make, clock: Clock
) -> None:
    first = store.start_run("customers", "live", "full")
    created = make.audit(first, "a1", flags=[{"target": "companyName", "code": "TRUNCATED"}])
    store.commit_page(first.run_id, "customers", audit=[created, make.audit(first, "a2")])
    store.finish_run(first.run_id, "succeeded", {})
    clock.advance(hours=1)
    second = store.start_run("customers", "live", "incremental")
    updated = make.audit(
        second, "a1", action="update", before=created.after, after={"companyName": "Renamed"}
    )
    store.commit_page(second.run_id, "customers", audit=[updated])
    history = store.audit_for_source("customers", "a1")
    assert [(a.run_id, a.action) for a in history] == [
        (first.run_id, "create"),
        (second.run_id, "update"),
    ]
    assert history[0] == created.__class__(**{**_fields(created), "seq": history[0].seq})
    assert history[0].seq is not None and history[1].seq is not None
    assert history[0].seq < history[1].seq
    assert history[1].before == {"companyName": "Company a1"}


def test_forget_removes_crosswalk_entries(store: StateStore, make: Make) -> None:
    run = store.start_run("customers", "live", "full")
    store.commit_page(run.run_id, "customers", crosswalk=[make.crosswalk(run, s) for s in "ab"])
    store.commit_page(
        run.run_id,
        "customers",
        forget=["a"],
        audit=[make.audit(run, "a", action="delete", after=None)],
    )
    assert set(store.crosswalk_all("customers")) == {"b"}


def _fields(entry: Any) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in entry.__slots__}
