"""Rollback: undo one run's writes through the same target connector, as a run of its own.

For every record the run wrote (its audit log holds the before and after images):

- a record the run **created** is deleted by target id and its crosswalk entry forgotten;
- a record the run **updated** gets back the `before` values of exactly the fields the run
  changed, and its crosswalk content hash is cleared so the next sync re-checks the target
  (the crosswalk's governance memory is set to the restored values, so the restore is not
  taken for an edit made behind the flow's back).

A record edited again since the run (its current value differs from the run's after-image on
those fields) is not clobbered: it is reported as a conflict and skipped, unless `force`.
The rollback is a run (mode and kind 'rollback') with its own audit rows - `restore` (before:
the current image, after: the restored image) and `delete` (before: the current image) - so
it is itself auditable; those rows are written as intents before each batch goes out, as a
sync's are. A record already back to its before-image is left alone, which makes a retry of a
partial rollback safe. A rollback stopped midway (Ctrl-C, or its process killed) is resumed
by the next `rollback_run` of the same run: the same rollback run continues with what it has
not undone yet. Re-creating records a rollback deleted is not supported:
`harness sync --full` re-creates them from the source. What to do per record is decided in
`sync.rollback_plan`; this module reads, writes and records.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sync.connectors.base import Connector, Record
from sync.flowlock import flow_lock
from sync.images import apply_paths
from sync.intents import close_dead_runs, settle_leftovers
from sync.rollback_plan import (
    Change,
    Outcome,
    RollbackItem,
    UndoAction,
    audit_flag,
    decide,
    net_changes,
    restored_memory,
)
from sync.state import AuditEntry, CrosswalkEntry, RunInfo, StateError, StateStore
from sync.state._db import this_process
from sync.state.models import Action, IntentSettlement

log = logging.getLogger(__name__)

BATCH = 100  # records looked up and written per call and committed per page


@dataclass
class RollbackResult:
    """The outcome of `rollback_run`; `run_id` is None for a dry run (nothing is recorded)."""

    of_run: RunInfo
    run_id: str | None
    status: str
    dry_run: bool
    force: bool
    items: list[RollbackItem] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for item in self.items if item.outcome == outcome)

    def counts(self) -> dict[str, int]:
        keys: tuple[Outcome, ...] = ("planned", "restored", "deleted", "conflict", "unchanged",
                                     "gone", "failed", "unsupported")  # fmt: skip
        return {key: self.count(key) for key in keys}


def rollback_run(
    state: StateStore,
    target: Connector,
    run_id: str,
    *,
    target_object: str,
    external_id_field: str,
    dry_run: bool = False,
    force: bool = False,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Callable[[int], None] | None = None,
) -> RollbackResult:
    """Undo run `run_id` on `target_object` (see the module docstring); `progress` is told
    how many records each batch handled.

    Raises StateError when the run may not be rolled back (unknown, not live, or already
    rolled back: the message names the rollback run), FlowBusyError when a sync or a
    rollback of the flow is running in another process (the rollback holds the flow's lock,
    as a sync does). Holding the lock, runs of the flow left 'running' belong to dead
    processes: they are closed as interrupted, their write intents settled, and a rollback
    of `run_id` that was stopped midway is resumed. `force` also takes over a rollback
    recorded as running on another host. `dry_run` reads the target and reports what would
    happen, writing nothing anywhere.
    """
    of_run = state.get_run(run_id) or state.check_rollbackable(run_id)  # unknown: refused
    with flow_lock(state.path, of_run.flow):  # no sync of the flow writes meanwhile
        stopped = _stopped_rollback(state, run_id, force)
        of_run = state.check_rollbackable(run_id, process_gone=True)
        if dry_run:
            return _plan_all(state, target, of_run, target_object, external_id_field, force,
                             progress)  # fmt: skip
        close_dead_runs(state, of_run.flow)
        if stopped is not None:
            run = state.resume_run(stopped.run_id)
            log.warning("resuming rollback %s of run %s", run.run_id, run_id)
        else:
            run = state.start_rollback(run_id)
        settle_leftovers(
            state,
            target,
            flow=of_run.flow,
            run_id=run.run_id,
            target_object=target_object,
            external_id_field=external_id_field,
        )
        changes, done = _still_to_undo(state, run_id, run.run_id)
        batches = _chunks(changes, BATCH, progress)
        undo = _Undo(state, target, run, target_object, external_id_field, force, clock)
        return undo.run(of_run, batches, done)


def _stopped_rollback(state: StateStore, run_id: str, force: bool) -> RunInfo | None:
    """A rollback of `run_id` stopped midway (its process gone), to resume; refuses one
    recorded as running on another host unless `force` (this host's lock cannot see it)."""
    stopped = state.stopped_rollback(run_id)
    if stopped is None or stopped.status != "running":
        return stopped
    _pid, host = this_process()
    if stopped.host not in (None, host) and not force:
        raise StateError(
            f"rollback {stopped.run_id} of run {run_id} is recorded as running on host "
            f"{stopped.host} (pid {stopped.pid}); if that process is gone, pass --force to "
            "take it over"
        )
    return stopped


def _still_to_undo(
    state: StateStore, run_id: str, rollback_id: str
) -> tuple[list[Change], list[RollbackItem]]:
    """The run's changes a resumed rollback has not undone yet, and the items it had."""
    undone = {a.source_id: a for a in state.audit_for_run(rollback_id) if a.outcome == "applied"}
    done = [_earlier_item(entry) for entry in undone.values()]
    changes = [c for c in _applied_changes(state, run_id) if c.source_id not in undone]
    return changes, done


def _applied_changes(state: StateStore, run_id: str) -> list[Change]:
    """The run's net changes, from the writes that landed (or may have, while unsettled)."""
    return net_changes([a for a in state.audit_for_run(run_id) if a.outcome != "not_applied"])


def _earlier_item(entry: AuditEntry) -> RollbackItem:
    paths = next((tuple(f.get("paths", ())) for f in entry.flags if f.get("code") == "rollback"),
                 ())  # fmt: skip
    outcome: Outcome = "deleted" if entry.action == "delete" else "restored"
    action: UndoAction = "delete" if entry.action == "delete" else "restore"
    return RollbackItem(action, entry.source_id, entry.target_id, entry.external_id, paths,
                        outcome, detail="undone before the rollback was interrupted")  # fmt: skip


def _plan_all(
    state: StateStore,
    target: Connector,
    of_run: RunInfo,
    obj: str,
    eid_field: str,
    force: bool,
    progress: Callable[[int], None] | None,
) -> RollbackResult:
    result = RollbackResult(of_run, None, "planned", True, force)
    for batch in _chunks(_applied_changes(state, of_run.run_id), BATCH, progress):
        current = target.get_by_external_id(obj, eid_field, [c.external_id for c in batch])
        result.items.extend(decide(c, current.get(c.external_id), force)[0] for c in batch)
    return result


class _Undo:
    """Carries out one rollback run, batch by batch: decide, record intents, write, commit."""

    def __init__(self, state: StateStore, target: Connector, run: RunInfo, obj: str,
                 eid_field: str, force: bool, clock: Callable[[], datetime]) -> None:  # fmt: skip
        self.state, self.target, self.run_info = state, target, run
        self.obj, self.eid_field, self.force, self.clock = obj, eid_field, force, clock

    def run(self, of_run: RunInfo, batches: Iterable[Sequence[Change]],
            done: list[RollbackItem]) -> RollbackResult:  # fmt: skip
        run_id = self.run_info.run_id
        result = RollbackResult(of_run, run_id, "running", False, self.force, list(done))
        calls = self.target.call_count()
        try:
            for batch in batches:
                result.items.extend(self.batch(batch))
            trouble = sum(result.count(o) for o in ("conflict", "failed", "unsupported"))
            result.status = "partial" if trouble else "succeeded"
        except KeyboardInterrupt:  # stopped by the user: the next rollback resumes this one
            result.status = "interrupted"
            self.state.finish_run(run_id, "interrupted", self._counts(result, calls),
                                  error="interrupted: stopped by the user; run the rollback "
                                  "again to resume it")  # fmt: skip
            raise
        except BaseException as exc:  # the run row must never stay "running"; re-raised
            result.status = "failed"
            self.state.finish_run(run_id, "failed", self._counts(result, calls),
                                  error=f"{type(exc).__name__}: {exc}")  # fmt: skip
            raise
        self.state.finish_run(run_id, result.status, self._counts(result, calls))
        return result

    def _counts(self, result: RollbackResult, calls: int) -> dict[str, int]:
        return {**result.counts(), "target_calls": self.target.call_count() - calls}

    def batch(self, batch: Sequence[Change]) -> list[RollbackItem]:
        current = self.target.get_by_external_id(
            self.obj, self.eid_field, [c.external_id for c in batch]
        )
        page = _Page()
        work: list[tuple[Change, RollbackItem, Record, dict[str, Any] | None]] = []
        for change in batch:
            record = current.get(change.external_id)
            item, body = decide(change, record, self.force)
            if item.outcome != "planned" or record is None:
                page.items.append(item)
                if item.outcome == "gone":
                    page.forget.append(change.source_id)
            elif item.action == "delete" or body is not None:
                work.append((change, item, record, body))
        intents = self.state.record_intents(self.run_info.run_id, self._intents(work))
        self._write(work, intents, page)
        self.state.commit_page(self.run_info.run_id, self.run_info.flow, crosswalk=page.crosswalk,
                               forget=page.forget, settle=page.settle)  # fmt: skip
        return page.items

    def _intents(
        self, work: Sequence[tuple[Change, RollbackItem, Record, dict[str, Any] | None]]
    ) -> list[AuditEntry]:
        now, run = self.clock(), self.run_info
        rows = []
        for change, item, rec, body in work:
            action: Action = "delete" if item.action == "delete" else "restore"
            after = None
            if action == "restore":
                after = apply_paths(rec.fields, item.paths, change.before or {})
            rows.append(AuditEntry(run.run_id, run.flow, action, change.source_id, rec.id,
                                   change.external_id, rec.fields, after, now,
                                   [audit_flag(item, body)], outcome="pending"))  # fmt: skip
        return rows

    def _write(
        self,
        work: Sequence[tuple[Change, RollbackItem, Record, dict[str, Any] | None]],
        intents: Sequence[AuditEntry],
        page: _Page,
    ) -> None:
        deletes = [(w, i) for w, i in zip(work, intents, strict=True) if w[1].action == "delete"]
        restores = [(w, i) for w, i in zip(work, intents, strict=True) if w[1].action != "delete"]
        if deletes:
            outcomes = self.target.delete(self.obj, [w[2].id for w, _ in deletes])
            for (w, intent), outcome in zip(deletes, outcomes, strict=True):
                self._settle(w, intent, outcome, page, "deleted")
        if restores:
            outcomes = self.target.update(self.obj, [(w[2].id, w[3] or {}) for w, _ in restores])
            for (w, intent), outcome in zip(restores, outcomes, strict=True):
                self._settle(w, intent, outcome, page, "restored")

    def _settle(
        self,
        work: tuple[Change, RollbackItem, Record, dict[str, Any] | None],
        intent: AuditEntry,
        outcome: Any,
        page: _Page,
        done: Outcome,
    ) -> None:
        change, item, rec, _body = work
        seq = intent.seq if intent.seq is not None else -1
        if not outcome.ok:
            page.items.append(replace(item, outcome="failed", detail=_why(outcome)))
            page.settle.append(IntentSettlement(seq, "not_applied", rec.id))
            return
        page.items.append(replace(item, outcome=done))
        page.settle.append(IntentSettlement(seq, "applied", rec.id))
        if done == "deleted":
            page.forget.append(change.source_id)
            return
        known = self.state.crosswalk_get(self.run_info.flow, change.source_id)
        if known is not None:
            # An empty hash never matches: the next sync looks at the target again.
            memory = restored_memory(known.last_sync, item.paths, change.before or {})
            page.crosswalk.append(replace(known, content_hash="", synced_at=self.clock(),
                                          last_run_id=self.run_info.run_id,
                                          last_sync=memory))  # fmt: skip


@dataclass
class _Page:
    """What one rollback batch commits."""

    items: list[RollbackItem] = field(default_factory=list)
    crosswalk: list[CrosswalkEntry] = field(default_factory=list)
    forget: list[str] = field(default_factory=list)
    settle: list[IntentSettlement] = field(default_factory=list)


def _why(outcome: Any) -> str:
    where = f" (fields: {', '.join(outcome.fields)})" if outcome.fields else ""
    return f"target refused: {outcome.error_code or 'UNKNOWN'}: {outcome.message or ''}{where}"


def _chunks(
    items: Sequence[Change], size: int, progress: Callable[[int], None] | None
) -> Iterator[Sequence[Change]]:
    for start in range(0, len(items), size):
        batch = items[start : start + size]
        yield batch
        if progress is not None:
            progress(len(batch))
