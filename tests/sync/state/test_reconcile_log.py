"""The reconcile log (schema v2): recording, reading back, and upgrading a v1 file."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from sync.state import ReconcileSummary, StateError, StateStore, schema

from .conftest import T0, Clock


def summary(flow: str, minutes: int = 0, **over: object) -> ReconcileSummary:
    values: dict[str, object] = {
        "flow": flow,
        "generated_at": T0 + timedelta(minutes=minutes),
        "verdict": "NO-GO",
        "passed": flow != "orders",
        "record_accuracy": 0.98,
        "field_accuracy": 0.995,
        "counts": {"source_records": 100, "missing_in_target": 2},
        "config": "harness.yaml",
    }
    return ReconcileSummary(**{**values, **over})  # type: ignore[arg-type]


def test_a_reconcile_is_recorded_per_flow_and_read_back_newest_first(store: StateStore) -> None:
    first = store.record_reconcile([summary("customers"), summary("orders")])
    second = store.record_reconcile(
        [summary("customers", 5, verdict="GO", record_accuracy=1.0, field_accuracy=1.0)]
    )
    history = store.reconcile_history()
    # newest reconcile first; within one reconcile, the flow stored last comes first
    assert [(h.reconcile_id, h.flow) for h in history] == [
        (second, "customers"),
        (first, "orders"),
        (first, "customers"),
    ]
    newest = history[0]
    assert (newest.verdict, newest.passed, newest.record_accuracy) == ("GO", True, 1.0)
    assert newest.generated_at == T0 + timedelta(minutes=5)
    only_orders = store.reconcile_history(flow="orders")
    assert [(h.flow, h.passed, h.counts["missing_in_target"]) for h in only_orders] == [
        ("orders", False, 2)
    ]
    assert len(store.reconcile_history(limit=1)) == 1


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param([], id="empty"),
        pytest.param([summary("customers", verdict="MAYBE")], id="unknown-verdict"),
        pytest.param([summary("customers"), summary("customers")], id="flow-twice"),
        pytest.param([summary("customers"), summary("orders", 1)], id="different-times"),
        pytest.param([summary("customers", record_accuracy=1.5)], id="accuracy-above-one"),
    ],
)
def test_bad_summaries_are_refused_and_nothing_is_stored(
    store: StateStore, bad: list[ReconcileSummary]
) -> None:
    with pytest.raises(StateError):
        store.record_reconcile(bad)
    assert store.reconcile_history() == []


def test_a_v1_file_is_upgraded_to_v2_and_keeps_its_runs(state_path: Path, clock: Clock) -> None:
    state_path.parent.mkdir(parents=True)
    with sqlite3.connect(state_path, isolation_level=None) as conn:
        for statement in schema.MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        conn.execute(
            "INSERT INTO runs (run_id, flow, mode, kind, started_at, status) "
            "VALUES ('r-1', 'customers', 'live', 'full', '2026-11-27T06:00:00+00:00', 'succeeded')"
        )
    conn.close()
    with StateStore(state_path, clock=clock) as store:
        assert store.get_run("r-1") is not None
        assert store.reconcile_history() == []
        store.record_reconcile([summary("customers")])
        assert len(store.reconcile_history()) == 1
    with sqlite3.connect(state_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION >= 2
    conn.close()
