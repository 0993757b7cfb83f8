"""The public API behind `harness audit`: the state file's audit log as a person reads it.

Each row says what changed, on which side (the system the flow writes), when, by which run,
under which governance decision, the before and after value of every field the write
changed, and whether its intent was settled (a write's row is stored before the write goes
out and settled after it: a row still `pending` belongs to a run that stopped in between
and no later run of its flow has looked yet).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from harness.config import HarnessConfig
from sync.errors import ConfigError
from sync.images import changed_paths, leaf_paths
from sync.mapping import get_path
from sync.state import AuditEntry, RunInfo, StateStore

DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class FieldChange:
    path: str
    before: Any
    after: Any


@dataclass(frozen=True)
class AuditRow:
    """One audited write, ready to print or to dump as JSON."""

    seq: int
    at: datetime
    run_id: str
    run_mode: str  # live, or rollback
    flow: str
    side: str  # the system written: the flow's target in harness.yaml ("?" if unknown)
    action: str
    source_id: str
    target_id: str
    external_id: str
    outcome: str  # pending, applied, not_applied
    settled_at: datetime | None
    settled_by: str | None
    decision: str
    changes: tuple[FieldChange, ...]


def audit_rows(
    config: HarnessConfig,
    *,
    run_id: str | None = None,
    flow: str | None = None,
    record: str | None = None,
    side: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[AuditRow]:
    """The newest `limit` audit rows matching every filter given, newest first.

    `record` matches a source id, a target id or an external id; `side` is a system name
    from harness.yaml (the flows writing into it). No state file means nothing was synced.
    """
    targets = {f.name: f.target for f in config.flows}
    flows = _flows(config, flow, side)
    if not config.state_path.exists():
        return []
    with StateStore(config.state_path) as state:
        entries = state.audit_log(run_id=run_id, flows=flows, record=record, limit=limit)
        runs = {rid: state.get_run(rid) for rid in {e.run_id for e in entries}}
        undone = {rid: state.rollback_of(rid) for rid, r in runs.items() if _is_rollback(r)}
    owners = {f.name: f.source for f in config.flows}
    return [
        _row(e, runs.get(e.run_id), targets.get(e.flow, "?"), owners.get(e.flow), undone)
        for e in entries
    ]


def _flows(config: HarnessConfig, flow: str | None, side: str | None) -> list[str] | None:
    if side is not None and side not in config.systems:
        known = ", ".join(config.systems) or "none"
        raise ConfigError(f"unknown side {side!r}; systems in {config.path.name}: {known}",
                          key="--side")  # fmt: skip
    if flow is None and side is None:
        return None
    chosen = [f for f in config.flows if flow is None or f.name == flow]
    if flow is not None and not chosen:
        config.flow(flow)  # raises, naming the known flows
    return [f.name for f in chosen if side is None or f.target == side]


def _is_rollback(run: RunInfo | None) -> bool:
    return run is not None and run.mode == "rollback"


def _row(
    entry: AuditEntry,
    run: RunInfo | None,
    side: str,
    owner: str | None,
    undone: dict[str, str | None],
) -> AuditRow:
    return AuditRow(
        seq=entry.seq or 0, at=entry.at, run_id=entry.run_id,
        run_mode=run.mode if run is not None else "?", flow=entry.flow, side=side,
        action=entry.action, source_id=entry.source_id, target_id=entry.target_id,
        external_id=entry.external_id, outcome=entry.outcome, settled_at=entry.settled_at,
        settled_by=entry.settled_by, decision=decision(entry, owner, undone.get(entry.run_id)),
        changes=field_changes(entry),
    )  # fmt: skip


def decision(entry: AuditEntry, owner: str | None, rolled_back: str | None = None) -> str:
    """The governance decision a write was made under, from its flags: a rollback, a
    deletion in the source, a conflict settled by policy or by a steward, or the owner's
    plain right to write its fields."""
    codes = {str(f.get("code")) for f in entry.flags}
    if "rollback" in codes:
        of = f" of run {rolled_back}" if rolled_back else ""
        return f"rollback{of}: the run's before-image restored"
    if "deleted_in_source" in codes:
        policy = next(str(f.get("message", "")) for f in entry.flags
                      if f.get("code") == "deleted_in_source")  # fmt: skip
        return f"source deleted: {policy.split('; ')[-1] if '; ' in policy else policy}"
    conflicts = [f for f in entry.flags if f.get("code") == "conflict"]
    if conflicts:
        return "; ".join(_conflict(f) for f in conflicts)
    who = f"{owner} owns" if owner else "the flow's source owns"
    return f"owner wins: {who} the fields written"


def _conflict(flag: dict[str, Any]) -> str:
    path, policy, winner = flag.get("target", "?"), flag.get("policy", "?"), flag.get("winner")
    message = str(flag.get("message", ""))
    if policy == "manual" and "kept the" in message:
        return f"steward on {path}: {message.rsplit(': ', 1)[-1]}"
    return f"conflict on {path}: {policy}, {winner} kept"


def field_changes(entry: AuditEntry) -> tuple[FieldChange, ...]:
    """Only the fields the write changed, each with its before and after value."""
    before, after = entry.before or {}, entry.after
    if after is None:  # a delete: the record is gone, its image is the before
        return ()
    paths: Sequence[str] = (
        tuple(leaf_paths(after)) if entry.before is None else changed_paths(after, before, after)
    )
    return tuple(FieldChange(p, get_path(before, p), get_path(after, p)) for p in paths)


def audit_json(row: AuditRow) -> dict[str, Any]:
    return {
        "seq": row.seq, "at": row.at.isoformat(), "run_id": row.run_id,
        "run_mode": row.run_mode, "flow": row.flow, "side": row.side, "action": row.action,
        "source_id": row.source_id, "target_id": row.target_id,
        "external_id": row.external_id, "outcome": row.outcome,
        "settled": row.outcome != "pending",
        "settled_at": None if row.settled_at is None else row.settled_at.isoformat(),
        "settled_by": row.settled_by, "decision": row.decision,
        "changes": [{"field": c.path, "before": c.before, "after": c.after}
                    for c in row.changes],
    }  # fmt: skip
