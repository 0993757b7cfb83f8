"""Rollback links, the monitoring aggregates, discards by a person, and retention."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from sync.state import PlannedChange, PruneCounts, ReconcileSummary, StateError, StateStore

if TYPE_CHECKING:
    from tests.sync.state.conftest import Clock, Make


def _run(store: StateStore, flow: str = "customers", status: str = "succeeded",
         mode: str = "live", kind: str = "full", **counts: int) -> str:  # fmt: skip
    run = store.start_run(flow, mode, kind)
    store.finish_run(run.run_id, status, counts)
    return run.run_id


# -- rollback links ---------------------------------------------------------------------------


def test_a_rollback_is_tied_to_its_run_and_blocks_a_second(store: StateStore) -> None:
    live = _run(store, read=3, created=3)
    rollback = store.start_rollback(live)
    assert (rollback.flow, rollback.mode, rollback.kind, rollback.status) == (
        "customers", "rollback", "rollback", "running"
    )  # fmt: skip
    assert store.rollback_of(rollback.run_id) == live
    with pytest.raises(StateError, match=f"being rolled back by run {rollback.run_id}"):
        store.start_rollback(live)
    store.finish_run(rollback.run_id, "succeeded", {})
    assert store.rolled_back_by(live) == store.get_run(rollback.run_id)
    with pytest.raises(StateError, match="already rolled back"):
        store.check_rollbackable(live)


def test_a_failed_or_partial_rollback_may_be_tried_again(store: StateStore) -> None:
    live = _run(store)
    first = store.start_rollback(live)
    store.finish_run(first.run_id, "partial", {"conflict": 1})
    assert store.rolled_back_by(live) is None
    second = store.start_rollback(live)
    assert second.run_id != first.run_id and store.rollback_of(second.run_id) == live


@pytest.mark.parametrize(
    ("mode", "status", "words"),
    [
        ("dry-run", "succeeded", "dry-run run: it wrote nothing"),
        ("shadow", "succeeded", "shadow run: it wrote nothing"),
        ("live", "running", "still running"),
    ],
    ids=["dry-run", "shadow", "running"],
)
def test_runs_that_cannot_be_rolled_back_are_refused(
    store: StateStore, mode: str, status: str, words: str
) -> None:
    run = store.start_run("customers", mode, "full")
    if status != "running":
        store.finish_run(run.run_id, status, {})
    with pytest.raises(StateError, match=words):
        store.start_rollback(run.run_id)
    assert store.runs(limit=10) == [store.get_run(run.run_id)]


def test_an_unknown_run_is_refused_with_where_to_look(store: StateStore) -> None:
    with pytest.raises(StateError, match=r"no run 'r-0'.*harness history"):
        store.check_rollbackable("r-0")


# -- aggregates -------------------------------------------------------------------------------


def test_aggregates_count_runs_records_and_open_quarantine(
    store: StateStore, make: Make, clock: Clock
) -> None:
    _run(store, read=10, created=8, quarantined=2, source_calls=4)
    clock.advance(minutes=5)
    _run(store, kind="incremental", read=5, updated=5)
    clock.advance(minutes=5)
    _run(store, status="failed")
    _run(store, flow="orders", mode="dry-run", read=7, created=7)
    held = store.start_run("customers", "live", "incremental")
    store.commit_page(held.run_id, "customers", quarantine=[
        make.quarantine(held, "A"), make.quarantine(held, "B", reason="rejected"),
        make.quarantine(held, "C", reason="rejected"),
    ])  # fmt: skip
    store.finish_run(held.run_id, "partial", {"read": 3, "quarantined": 3})
    assert store.run_totals() == [
        ("customers", "live", "failed", 1),
        ("customers", "live", "partial", 1),
        ("customers", "live", "succeeded", 2),
        ("orders", "dry-run", "succeeded", 1),
    ]
    assert dict(((f, k), n) for f, k, n in store.record_totals()) == {
        ("customers", "read"): 18, ("customers", "created"): 8, ("customers", "updated"): 5,
        ("customers", "quarantined"): 5,
    }  # fmt: skip
    assert store.open_quarantine_counts() == [
        ("customers", "rejected", 2), ("customers", "validation", 1)
    ]  # fmt: skip
    assert store.flows_seen() == ["customers", "orders"]
    last_ok = store.last_successful_run("customers")
    assert last_ok is not None and last_ok.run_id == held.run_id
    assert [r.status for r in store.sync_runs("customers")] == [
        "partial", "failed", "succeeded", "succeeded"
    ]  # fmt: skip


# -- discards ---------------------------------------------------------------------------------


def test_discard_closes_entries_with_who_and_why(
    store: StateStore, make: Make, clock: Clock
) -> None:
    run = store.start_run("customers", "live", "full")
    held = [make.quarantine(run, "A"), make.quarantine(run, "B")]
    store.commit_page(run.run_id, "customers", quarantine=held)
    a, b = store.quarantined("customers")
    clock.advance(hours=1)
    done = store.quarantine_discard([a.qid, b.qid], by=" steward@example.com ", note="test data")
    assert [(q.status, q.resolved_by, q.note, q.resolved_at) for q in done] == [
        ("discarded", "steward@example.com", "test data", clock.now)
    ] * 2
    assert store.quarantined("customers") == []
    assert [q.qid for q in store.quarantine_for_source("customers", "A")] == [a.qid]


def test_discard_is_all_or_nothing_and_names_each_problem(store: StateStore, make: Make) -> None:
    run = store.start_run("customers", "live", "full")
    held = [make.quarantine(run, "A"), make.quarantine(run, "B")]
    store.commit_page(run.run_id, "customers", quarantine=held)
    a, b = store.quarantined("customers")
    store.quarantine_discard([b.qid], by="x")
    with pytest.raises(StateError, match=rf"nope is unknown; {b.qid} is already discarded"):
        store.quarantine_discard([a.qid, "nope", b.qid], by="x")
    with pytest.raises(StateError, match="say who discards"):
        store.quarantine_discard([a.qid], by="  ")
    assert [q.qid for q in store.quarantined("customers")] == [a.qid]


# -- retention --------------------------------------------------------------------------------


def _summary(flow: str, at: datetime) -> ReconcileSummary:
    return ReconcileSummary(flow=flow, generated_at=at, verdict="GO", passed=True,
                            record_accuracy=1.0, field_accuracy=1.0)  # fmt: skip


def test_prune_deletes_old_history_but_keeps_what_is_still_referenced(
    store: StateStore, make: Make, clock: Clock
) -> None:
    old = store.start_run("customers", "live", "full")
    writes = [make.audit(old, "A"), make.audit(old, "B")]
    held = [make.quarantine(old, "Q1"), make.quarantine(old, "Q2")]
    store.commit_page(old.run_id, "customers", audit=writes, quarantine=held)
    store.finish_run(old.run_id, "partial", {"read": 4})
    q1, q2 = store.quarantined("customers")
    store.quarantine_discard([q1.qid], by="steward")
    planned = store.start_run("customers", "dry-run", "full")
    plan = PlannedChange(planned.run_id, "customers", "create", "P", None, "EXT-P",
                         ("companyName",), None, {"companyName": "P"})  # fmt: skip
    store.commit_page(planned.run_id, "customers", planned=[plan])
    store.finish_run(planned.run_id, "succeeded", {})
    store.record_reconcile([_summary("customers", clock.now)])
    clock.advance(days=1)
    keeper = store.start_run("customers", "live", "incremental")  # the crosswalk points here
    store.commit_page(keeper.run_id, "customers", crosswalk=[make.crosswalk(keeper, "A")],
                      audit=[make.audit(keeper, "A", action="update", before={})])  # fmt: skip
    store.finish_run(keeper.run_id, "succeeded", {})
    clock.advance(days=100)
    recent = _run(store)

    cutoff = clock.now - timedelta(days=90)
    preview = store.prune(cutoff, dry_run=True)
    assert preview == PruneCounts(audit=2, planned_changes=1, quarantine=1, reconciles=1, runs=1)
    assert len(store.audit_for_run(old.run_id)) == 2  # a dry run deletes nothing

    assert store.prune(cutoff) == preview
    assert store.audit_for_run(old.run_id) == []
    assert store.get_run(planned.run_id) is None and store.planned_for_run(planned.run_id) == []
    # The old run's audit is gone, but it still owns an open entry: the run and entry stay.
    assert store.get_run(old.run_id) is not None
    assert [q.qid for q in store.quarantined("customers")] == [q2.qid]
    assert store.quarantine_get(q1.qid) is None
    assert len(store.audit_for_run(keeper.run_id)) == 1 and store.get_run(recent) is not None
    assert store.reconcile_history() == []
    assert store.prune(cutoff) == PruneCounts()
