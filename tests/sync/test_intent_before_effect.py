"""Intent before effect, in process: a run stopped between its writes and its page commit
leaves audit rows for every write, the next run settles them, and rollback undoes them.

Both mocks run in process; the run is stopped the way Ctrl-C stops it (KeyboardInterrupt),
from the progress callback the engine calls after each write batch, before the page commits.
A killed rollback resumes. The SIGKILL version of this, with real processes, is in
`tests/chaos/test_kill_audit.py`.
"""

from __future__ import annotations

import pytest

import sync.rollback
from sync.engine import SyncEngine, SyncInterrupted
from sync.rollback import rollback_run
from tests.sync.conftest import ACCOUNTS, Rig

BATCH = 15  # the rig's write batch; its CRM page holds every account


def _stopped_run(rig: Rig) -> str:
    """A full run stopped after its first write batch landed, before its page committed."""
    done: list[int] = []

    def stop_after_first_batch(_event: str, records: int) -> None:
        done.append(records)
        if sum(done) >= BATCH:
            raise KeyboardInterrupt

    engine = SyncEngine(rig.crm, rig.erp, rig.state, progress=stop_after_first_batch)
    with pytest.raises(SyncInterrupted) as stop:
        engine.run(rig.flow, full=True)
    assert (stop.value.pages, stop.value.written, stop.value.watermark) == (0, 0, None)
    return stop.value.result.run_id


def _rollback(rig: Rig, run_id: str) -> sync.rollback.RollbackResult:
    return rollback_run(rig.state, rig.erp, run_id, target_object="customer",
                        external_id_field="externalId")  # fmt: skip


def test_writes_of_a_stopped_run_have_pending_audit_rows(rig: Rig) -> None:
    run_id = _stopped_run(rig)
    run = rig.state.get_run(run_id)
    assert run is not None and run.status == "interrupted"
    written = set(rig.customers())
    assert len(written) == BATCH
    audit = rig.state.audit_for_run(run_id)
    assert {a.external_id for a in audit} == written
    assert {(a.action, a.outcome) for a in audit} == {("create", "pending")}
    assert rig.state.crosswalk_count("customers") == 0 and rig.state.watermark("customers") is None


def test_the_next_run_settles_what_a_stopped_run_left(rig: Rig) -> None:
    run_id = _stopped_run(rig)
    after = rig.engine().run(rig.flow)
    assert (after.counts.created, after.counts.in_sync) == (ACCOUNTS - BATCH, BATCH)
    stopped = rig.state.audit_for_run(run_id)
    assert {(a.outcome, a.settled_by) for a in stopped} == {("applied", after.run_id)}
    assert all(a.target_id for a in stopped)
    assert rig.state.pending_intents("customers") == []


def test_rollback_undoes_a_stopped_runs_writes_settled_by_the_next_run(rig: Rig) -> None:
    run_id = _stopped_run(rig)
    rig.engine().run(rig.flow)
    result = _rollback(rig, run_id)
    assert (result.status, result.count("deleted")) == ("succeeded", BATCH)
    assert len(rig.customers()) == ACCOUNTS - BATCH


def test_rollback_settles_and_undoes_a_killed_run_no_sync_has_closed(rig: Rig) -> None:
    run_id = _stopped_run(rig)
    left = rig.state.start_run("customers", "live", "incremental")  # killed: left running
    result = _rollback(rig, run_id)
    assert result.count("deleted") == BATCH and rig.customers() == {}
    closed = rig.state.get_run(left.run_id)
    assert closed is not None and closed.status == "interrupted"
    assert {a.outcome for a in rig.state.audit_for_run(run_id)} == {"applied"}


def test_a_rollback_left_running_by_a_dead_process_is_resumed(rig: Rig) -> None:
    first = rig.engine().run(rig.flow, full=True)
    dead = rig.state.start_rollback(first.run_id)  # its process killed right after starting
    result = _rollback(rig, first.run_id)
    assert result.run_id == dead.run_id  # the same rollback run, continued
    assert (result.status, result.count("deleted")) == ("succeeded", ACCOUNTS)
    assert rig.customers() == {}


def test_a_rollback_stopped_midway_resumes_where_it_stopped(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = rig.engine().run(rig.flow, full=True)
    monkeypatch.setattr(sync.rollback, "BATCH", 10)

    def stop(_records: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rollback_run(rig.state, rig.erp, first.run_id, target_object="customer",
                     external_id_field="externalId", progress=stop)  # fmt: skip
    assert len(rig.customers()) == ACCOUNTS - 10
    (stopped,) = [r for r in rig.state.runs(limit=10) if r.mode == "rollback"]
    assert stopped.status == "interrupted"
    resumed = _rollback(rig, first.run_id)
    assert resumed.run_id == stopped.run_id and resumed.status == "succeeded"
    assert resumed.count("deleted") == ACCOUNTS and rig.customers() == {}
    earlier = [i for i in resumed.items if "before the rollback was interrupted" in i.detail]
    assert len(earlier) == 10
    audit = rig.state.audit_for_run(stopped.run_id)
    assert len(audit) == ACCOUNTS and {a.outcome for a in audit} == {"applied"}
