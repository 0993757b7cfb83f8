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
it is itself auditable. A record already back to its before-image is left alone, which makes
a retry of a partial rollback safe. Re-creating records a rollback deleted is not supported:
`harness sync --full` re-creates them from the source. What to do per record is decided in
`sync.rollback_plan`; this module reads, writes and records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sync.connectors.base import Connector, Record
from sync.flowlock import flow_lock
from sync.images import apply_paths
from sync.rollback_plan import (
    Change,
    Outcome,
    RollbackItem,
    audit_flag,
    decide,
    net_changes,
    restored_memory,
)
from sync.state import AuditEntry, CrosswalkEntry, RunInfo, StateStore

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

    Raises StateError when the run may not be rolled back (unknown, running, not live, or
    already rolled back: the message names the rollback run), FlowBusyError when a sync of
    the flow is running (the rollback holds the flow's lock, as a sync does). `dry_run`
    reads the target and reports what would happen, writing nothing anywhere.
    """
    of_run = state.check_rollbackable(run_id)
    changes = net_changes(state.audit_for_run(run_id))
    if dry_run:
        result = RollbackResult(of_run, None, "planned", True, force)
        for batch in _chunks(changes, BATCH, progress):
            result.items.extend(_plan(target, target_object, external_id_field, batch, force))
        return result
    with flow_lock(state.path, of_run.flow):  # no sync of the flow writes meanwhile
        run = state.start_rollback(run_id)
        batches = _chunks(changes, BATCH, progress)
        return _undo(state, target, run, of_run, batches, target_object, external_id_field,
                     force, clock)  # fmt: skip


def _undo(
    state: StateStore,
    target: Connector,
    run: RunInfo,
    of_run: RunInfo,
    batches: Iterable[Sequence[Change]],
    target_object: str,
    external_id_field: str,
    force: bool,
    clock: Callable[[], datetime],
) -> RollbackResult:
    result = RollbackResult(of_run, run.run_id, "running", False, force)
    calls = target.call_count()
    try:
        for batch in batches:
            _undo_batch(state, target, run, target_object, external_id_field, batch, force,
                        clock, result)  # fmt: skip
        trouble = sum(result.count(o) for o in ("conflict", "failed", "unsupported"))
        result.status = "partial" if trouble else "succeeded"
    except BaseException as exc:  # the run row must never stay "running"; re-raised
        result.status = "failed"
        state.finish_run(run.run_id, "failed", _run_counts(result, target, calls),
                         error=f"{type(exc).__name__}: {exc}")  # fmt: skip
        raise
    state.finish_run(run.run_id, result.status, _run_counts(result, target, calls))
    return result


def _run_counts(result: RollbackResult, target: Connector, calls: int) -> dict[str, int]:
    return {**result.counts(), "target_calls": target.call_count() - calls}


def _plan(
    target: Connector, obj: str, eid_field: str, batch: Sequence[Change], force: bool
) -> list[RollbackItem]:
    current = target.get_by_external_id(obj, eid_field, [c.external_id for c in batch])
    return [decide(change, current.get(change.external_id), force)[0] for change in batch]


def _undo_batch(
    state: StateStore,
    target: Connector,
    run: RunInfo,
    obj: str,
    eid_field: str,
    batch: Sequence[Change],
    force: bool,
    clock: Callable[[], datetime],
    result: RollbackResult,
) -> None:
    current = target.get_by_external_id(obj, eid_field, [c.external_id for c in batch])
    deletes: list[tuple[Change, RollbackItem, Record]] = []
    restores: list[tuple[Change, RollbackItem, Record, dict[str, Any]]] = []
    forget: list[str] = []
    done: list[RollbackItem] = []
    for change in batch:
        record = current.get(change.external_id)
        item, body = decide(change, record, force)
        if item.outcome != "planned":
            done.append(item)
            if item.outcome == "gone":
                forget.append(change.source_id)
        elif item.action == "delete" and record is not None:
            deletes.append((change, item, record))
        elif body is not None and record is not None:
            restores.append((change, item, record, body))
    audit: list[AuditEntry] = []
    crosswalk: list[CrosswalkEntry] = []
    if deletes:
        outcomes = target.delete(obj, [rec.id for _, _, rec in deletes])
        now = clock()
        for (change, item, rec), outcome in zip(deletes, outcomes, strict=True):
            if not outcome.ok:
                done.append(replace(item, outcome="failed", detail=_why(outcome)))
                continue
            done.append(replace(item, outcome="deleted"))
            forget.append(change.source_id)
            audit.append(AuditEntry(run.run_id, run.flow, "delete", change.source_id, rec.id,
                                    change.external_id, rec.fields, None, now,
                                    [audit_flag(item, None)]))  # fmt: skip
    if restores:
        outcomes = target.update(obj, [(rec.id, body) for _, _, rec, body in restores])
        now = clock()
        for (change, item, rec, body), outcome in zip(restores, outcomes, strict=True):
            if not outcome.ok:
                done.append(replace(item, outcome="failed", detail=_why(outcome)))
                continue
            done.append(replace(item, outcome="restored"))
            restored = apply_paths(rec.fields, item.paths, change.before or {})
            audit.append(AuditEntry(run.run_id, run.flow, "restore", change.source_id, rec.id,
                                    change.external_id, rec.fields, restored, now,
                                    [audit_flag(item, body)]))  # fmt: skip
            known = state.crosswalk_get(run.flow, change.source_id)
            if known is not None:
                # An empty hash never matches: the next sync looks at the target again.
                memory = restored_memory(known.last_sync, item.paths, change.before or {})
                crosswalk.append(replace(known, content_hash="", synced_at=now,
                                         last_run_id=run.run_id, last_sync=memory))  # fmt: skip
    state.commit_page(run.run_id, run.flow, audit=audit, crosswalk=crosswalk, forget=forget)
    result.items.extend(done)


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
