"""Settling the write intents a dead process left: did each write land in the target?

Every write's audit row is stored as a pending intent before the write goes out
(`StateStore.record_intents`) and settled with the page that wrote it. A process killed in
between leaves intents pending; the next run of the flow, or a rollback of it, holding the
flow's lock, reads those records from the target by external id and settles each one:

- a create landed if the target holds a record with its external id;
- a delete landed if the target no longer holds one;
- an update (or a rollback's restore) did not land if the target still holds the
  before-image on every field the write changed; otherwise it is taken as landed (a later
  edit on top is for a rollback to report as a conflict, not for this to hide).

`judge` is pure; `settle_leftovers` reads the target and records the outcomes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sync.connectors.base import Connector, Record
from sync.images import changed_paths, same
from sync.mapping import get_path
from sync.state import AuditEntry, StateStore
from sync.state.models import IntentSettlement

log = logging.getLogger(__name__)
BATCH = 200  # intents looked up in the target per call
INTERRUPTED = "interrupted: the process running it ended before the run finished"


def close_dead_runs(state: StateStore, flow: str) -> list[str]:
    """Close every run of `flow` left 'running' as `interrupted`; the caller holds the
    flow's lock, so their processes are gone. Returns their ids."""
    closed = []
    for run in state.runs(flow, limit=50):
        if run.status == "running":
            state.finish_run(run.run_id, "interrupted", run.counts, error=INTERRUPTED)
            log.warning("run %s of %s was %s", run.run_id, flow, INTERRUPTED)
            closed.append(run.run_id)
    return closed


def settle_leftovers(
    state: StateStore,
    target: Connector,
    *,
    flow: str,
    run_id: str,
    target_object: str,
    external_id_field: str,
) -> int:
    """Settle every pending intent of `flow` (the caller holds the flow's lock, so no live
    process owns them) as run `run_id`; returns how many were settled."""
    pending = state.pending_intents(flow)
    for start in range(0, len(pending), BATCH):
        chunk = pending[start : start + BATCH]
        current = target.get_by_external_id(
            target_object, external_id_field, sorted({e.external_id for e in chunk})
        )
        state.settle_intents(run_id, [judge(e, current.get(e.external_id), run_id) for e in chunk])
    if pending:
        log.warning("flow %s: settled %d write intents a stopped run left", flow, len(pending))
    return len(pending)


def judge(entry: AuditEntry, current: Record | None, by: str) -> IntentSettlement:
    """Whether the intent `entry` landed, from the target's `current` image of the record."""
    seq = entry.seq if entry.seq is not None else -1
    target_id = current.id if current is not None else ""
    if entry.action == "delete":
        landed, how = current is None, "the target no longer holds the record"
        if not landed:
            how = "the target still holds the record"
    elif entry.action == "create":
        landed = current is not None
        how = "the target holds a record with its external id" if landed else (
            "the target holds no record with its external id"
        )  # fmt: skip
    elif current is None:
        landed, how = False, "the target no longer holds the record; nothing to tell"
    else:
        landed = not _still_before(entry, current)
        how = "the target holds the written values" if landed else (
            "the target still holds the before-image"
        )  # fmt: skip
    note = {"code": "settled_later", "by": by, "message": f"settled after the run stopped: {how}"}
    return IntentSettlement(seq, "applied" if landed else "not_applied", target_id, note=note)


def _still_before(entry: AuditEntry, current: Record) -> bool:
    """True when every path the write changes still holds its before value."""
    after = entry.after or {}
    paths: Sequence[str] = changed_paths(after, entry.before, after)
    if not paths:
        return False  # the write changed nothing: it cannot be told apart, call it landed
    before = entry.before or {}
    return all(same(get_path(current.fields, p), get_path(before, p)) for p in paths)
