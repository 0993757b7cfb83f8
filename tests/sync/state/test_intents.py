"""Write intents: stored before the write, settled with the page, migrated from v4 files."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sync.state import StateError, StateStore, schema
from sync.state.models import IntentSettlement

if TYPE_CHECKING:
    from tests.sync.state.conftest import Make


def test_intents_are_pending_until_the_page_commit_settles_them(
    store: StateStore, make: Make
) -> None:
    run = store.start_run("customers", "live", "full")
    intents = store.record_intents(
        run.run_id, [make.audit(run, "A", target_id=""), make.audit(run, "B", target_id="")]
    )
    assert [i.outcome for i in intents] == ["pending", "pending"]
    assert [i.seq for i in intents] == [a.seq for a in store.audit_for_run(run.run_id)]
    assert [p.source_id for p in store.pending_intents("customers")] == ["A", "B"]

    a, b = intents
    assert a.seq is not None and b.seq is not None
    store.commit_page(
        run.run_id,
        "customers",
        crosswalk=[make.crosswalk(run, "A")],
        settle=[
            IntentSettlement(a.seq, "applied", "T-A"),
            IntentSettlement(b.seq, "not_applied", "", note={"code": "refused"}),
        ],
    )
    rows = {r.source_id: r for r in store.audit_for_run(run.run_id)}
    assert (rows["A"].outcome, rows["A"].target_id, rows["A"].settled_by) == (
        "applied", "T-A", run.run_id
    )  # fmt: skip
    assert rows["B"].outcome == "not_applied" and rows["B"].flags[-1] == {"code": "refused"}
    assert rows["A"].settled_at is not None and store.pending_intents("customers") == []


def test_each_intent_gets_the_seq_of_its_own_row(store: StateStore, make: Make) -> None:
    """Intents are inserted together and their seqs read back after: every returned seq
    names the row holding that intent, batch after batch and run after run."""
    first = store.start_run("customers", "live", "full")
    store.record_intents(first.run_id, [make.audit(first, s) for s in "ABC"])
    store.commit_page(first.run_id, "customers")
    store.finish_run(first.run_id, "succeeded", {})
    second = store.start_run("customers", "live", "full")
    intents = store.record_intents(second.run_id, [make.audit(second, s) for s in "DEFG"])
    rows = {r.seq: r for r in store.audit_for_run(second.run_id)}
    assert [rows[i.seq].source_id for i in intents if i.seq is not None] == list("DEFG")
    assert [i.seq for i in intents] == sorted(i.seq for i in intents if i.seq is not None)


def test_a_settled_intent_is_not_settled_again(store: StateStore, make: Make) -> None:
    run = store.start_run("customers", "live", "full")
    (intent,) = store.record_intents(run.run_id, [make.audit(run, "A")])
    assert intent.seq is not None
    store.settle_intents(run.run_id, [IntentSettlement(intent.seq, "applied", "T-A")])
    store.settle_intents(run.run_id, [IntentSettlement(intent.seq, "not_applied", "")])
    (row,) = store.audit_for_run(run.run_id)
    assert row.outcome == "applied"


def test_planning_runs_record_no_intents(store: StateStore, make: Make) -> None:
    run = store.start_run("customers", "dry-run", "full")
    with pytest.raises(StateError, match="dry-run run: it writes nothing"):
        store.record_intents(run.run_id, [make.audit(run, "A")])
    assert store.audit_for_run(run.run_id) == []


def test_a_run_can_end_interrupted_and_records_its_process(store: StateStore) -> None:
    run = store.start_run("customers", "live", "full")
    assert run.pid is not None and run.host
    done = store.finish_run(run.run_id, "interrupted", {"read": 5}, error="stopped")
    assert (done.status, done.pid, done.host) == ("interrupted", run.pid, run.host)
    resumed = store.resume_run(run.run_id)
    assert (resumed.status, resumed.finished_at, resumed.error) == ("running", None, None)


def _v4_file(path: Path) -> None:
    """A state file as the release before intents wrote it: one run and one audit row."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        for step in schema.MIGRATIONS[:4]:
            for statement in step:
                conn.execute(statement)
        conn.execute("PRAGMA user_version = 4")
        conn.execute(
            "INSERT INTO runs (run_id, flow, mode, kind, started_at, status) VALUES "
            "('r1', 'customers', 'live', 'full', '2026-11-27T06:01:02+00:00', 'failed')"
        )
        conn.execute(
            "INSERT INTO audit (run_id, flow, action, source_id, target_id, external_id, "
            "before, after, at) VALUES ('r1', 'customers', 'create', 'A', 'T-A', 'EXT-A', "
            "NULL, '{\"companyName\": \"Acme\"}', '2026-11-27T06:01:03+00:00')"
        )
        conn.execute(
            "INSERT INTO watermarks VALUES ('customers', '2026-11-27T06:00:00+00:00', 'A', "
            "'r1', '2026-11-27T06:01:04+00:00')"
        )


def test_a_v4_file_is_migrated_keeping_its_runs_and_audit(state_path: Path) -> None:
    _v4_file(state_path)
    with StateStore(state_path) as store:
        run = store.get_run("r1")
        assert run is not None and (run.status, run.pid, run.host) == ("failed", None, None)
        (row,) = store.audit_for_run("r1")
        # Written after their write succeeded: old rows are applied, settled by their run.
        assert (row.outcome, row.settled_by, row.after) == (
            "applied",
            "r1",
            {"companyName": "Acme"},
        )
        assert store.watermark("customers") is not None
        conn = store._db
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        interrupted = store.start_run("customers", "live", "incremental")
        store.finish_run(interrupted.run_id, "interrupted", {})
    with sqlite3.connect(state_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"runs_by_flow", "runs_by_time", "audit_pending"} <= indexes


def test_prune_keeps_an_unsettled_intent_however_old(store: StateStore, make: Make) -> None:
    killed = store.start_run("customers", "live", "full")
    store.record_intents(killed.run_id, [make.audit(killed, "A")])
    store.finish_run(killed.run_id, "interrupted", {})
    done = store.start_run("customers", "live", "full")
    store.commit_page(done.run_id, "customers", audit=[make.audit(done, "B")])
    store.finish_run(done.run_id, "succeeded", {})
    counts = store.prune(make.clock.now + timedelta(days=1))
    assert counts.audit == 1  # the settled row only
    assert [p.source_id for p in store.pending_intents("customers")] == ["A"]
    assert store.get_run(killed.run_id) is not None
