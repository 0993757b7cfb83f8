"""Starting, finishing and listing runs."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sync.state import StateError, StateStore

if TYPE_CHECKING:
    from tests.sync.state.conftest import Clock


def test_start_run_records_a_sortable_id_and_the_start_time(
    store: StateStore, clock: Clock
) -> None:
    run = store.start_run("customers", "live", "full")
    assert re.fullmatch(r"20261127T060102Z-[0-9a-f]{4}", run.run_id)
    assert (run.flow, run.mode, run.kind, run.status) == ("customers", "live", "full", "running")
    assert run.started_at == clock.now
    assert run.finished_at is None
    assert store.get_run(run.run_id) == run


def test_finish_run_stores_outcome_counts_and_error(store: StateStore, clock: Clock) -> None:
    run = store.start_run("customers", "live", "incremental")
    clock.advance(seconds=42)
    done = store.finish_run(run.run_id, "partial", {"read": 10, "quarantined": 2}, error="2 bad")
    assert done == store.get_run(run.run_id)
    assert (done.status, done.counts, done.error) == (
        "partial",
        {"read": 10, "quarantined": 2},
        "2 bad",
    )
    assert done.finished_at == clock.now


@pytest.mark.parametrize(
    ("status", "match"),
    [("running", "final status"), ("done", "expected one of: running, succeeded")],
    ids=["still-running", "unknown"],
)
def test_finish_run_refuses_a_status_that_is_not_final(
    store: StateStore, status: str, match: str
) -> None:
    run = store.start_run("customers", "live", "full")
    with pytest.raises(StateError, match=match):
        store.finish_run(run.run_id, status, {})


def test_a_run_finishes_once(store: StateStore) -> None:
    run = store.start_run("customers", "live", "full")
    store.finish_run(run.run_id, "failed", {}, error="AuthError: bad secret")
    with pytest.raises(StateError, match="already finished as failed"):
        store.finish_run(run.run_id, "succeeded", {})


def test_unknown_runs(store: StateStore) -> None:
    assert store.get_run("20000101T000000Z-0000") is None
    with pytest.raises(StateError, match="no run"):
        store.finish_run("20000101T000000Z-0000", "succeeded", {})


@pytest.mark.parametrize(
    ("mode", "kind", "match"),
    [("wet-run", "full", "run mode"), ("live", "partial", "run kind")],
    ids=["mode", "kind"],
)
def test_start_run_names_the_valid_choices(
    store: StateStore, mode: str, kind: str, match: str
) -> None:
    with pytest.raises(StateError, match=f"unknown {match}.*expected one of"):
        store.start_run("customers", mode, kind)


def test_runs_are_listed_newest_first(store: StateStore, clock: Clock) -> None:
    ids = []
    for flow in ["customers", "contacts", "customers", "customers"]:
        ids.append((flow, store.start_run(flow, "live", "incremental").run_id))
        clock.advance(minutes=1)
    # Two runs in the same instant still come back newest (last started) first.
    clock.advance(minutes=-1)
    ids.append(("customers", store.start_run("customers", "dry-run", "full").run_id))
    newest_first = [run_id for _, run_id in reversed(ids)]
    assert [r.run_id for r in store.runs()] == newest_first
    assert [r.run_id for r in store.runs("customers", limit=2)] == newest_first[:2]
    assert [r.run_id for r in store.runs("contacts")] == [ids[1][1]]
    assert store.runs("nothing") == []


def test_a_naive_clock_is_refused(state_path: Path) -> None:
    with (
        StateStore(state_path, clock=datetime.now) as store,
        pytest.raises(StateError, match="naive"),
    ):
        store.start_run("customers", "live", "full")
