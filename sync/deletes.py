"""What a record deleted in the source does to its target record, per the flow's policy.

Deletes reach the engine two ways: the source's deleted-records feed (Salesforce `queryAll`
with `IsDeleted`), and, on full runs, a sweep: every crosswalk entry whose source id the
full read did not return was deleted, or hard-deleted past the feed's reach. `propagate`
deletes the target record, `flag` sets a field (e.g. `isInactive: true`), `ignore` leaves
it. Either way the before-image goes to the audit (as an intent, before the write), so a
rollback can bring it back.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sync.connectors.base import Connector
from sync.flow import PlannedWrite
from sync.mapping import MappingSpec, set_path
from sync.state import AuditEntry, CrosswalkEntry


@dataclass
class DeleteOutcome:
    audit: list[AuditEntry] = field(default_factory=list)  # the writes that landed
    refused: list[AuditEntry] = field(default_factory=list)  # intents the target refused
    forget: list[str] = field(default_factory=list)  # crosswalk entries to drop
    planned: list[PlannedWrite] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source id, why)


def apply_deletes(
    target: Connector,
    spec: MappingSpec,
    gone: Sequence[CrosswalkEntry],
    *,
    flow: str,
    live: bool,
    run_id: str,
    clock: Callable[[], datetime],
    intend: Callable[[list[AuditEntry]], list[AuditEntry]],
) -> DeleteOutcome:
    """Carry out the delete policy for source records that are gone (or only plan it).

    `intend` stores the audit rows as intents before the writes go out and returns them
    with their sequence numbers (`StateStore.record_intents`); the caller settles them."""
    out = DeleteOutcome()
    policy = spec.deletes
    if policy.policy == "ignore" or not gone:
        return out
    obj = spec.target.object
    current = target.get_by_external_id(obj, spec.external_id_field, [e.external_id for e in gone])
    present = [(e, current[e.external_id]) for e in gone if e.external_id in current]
    for entry in gone:
        if entry.external_id not in current:
            out.forget.append(entry.source_id)  # already gone from the target too
    if not present:
        return out
    if policy.policy == "propagate":
        plans = [
            PlannedWrite("delete", e.source_id, e.external_id, rec.id, (), rec.fields, {})
            for e, rec in present
        ]
    else:
        field_name = str(policy.field)
        plans = []
        for e, rec in present:
            after: dict[str, Any] = copy.deepcopy(rec.fields)
            set_path(after, field_name, policy.value)
            plans.append(
                PlannedWrite(
                    "update", e.source_id, e.external_id, rec.id, (field_name,), rec.fields, after
                )
            )
    if not live:
        out.planned = plans
        return out
    now = clock()
    rows = [_audit_row(plan, policy.policy, policy.field, run_id, flow, now) for plan in plans]
    rows = intend(rows)  # durable before the writes go out
    if policy.policy == "propagate":
        outcomes = target.delete(obj, [str(p.target_id) for p in plans])
    else:
        changes = [(str(p.target_id), {str(policy.field): policy.value}) for p in plans]
        outcomes = target.update(obj, changes)
    for plan, row, outcome in zip(plans, rows, outcomes, strict=True):
        if not outcome.ok:
            out.failed.append((plan.source_id, outcome.message or outcome.error_code or "refused"))
            out.refused.append(row)
            continue
        out.planned.append(plan)
        out.audit.append(row)
        if policy.policy == "propagate":
            out.forget.append(plan.source_id)
    return out


def _audit_row(
    plan: PlannedWrite, policy: str, field_name: str | None, run_id: str, flow: str, at: datetime
) -> AuditEntry:
    return AuditEntry(
        run_id=run_id,
        flow=flow,
        action="delete" if policy == "propagate" else "update",
        source_id=plan.source_id,
        target_id=str(plan.target_id),
        external_id=plan.external_id,
        before=plan.before,
        after=None if policy == "propagate" else plan.after,
        at=at,
        flags=[
            {
                "code": "deleted_in_source",
                "target": field_name or "",
                "message": f"the source record was deleted; policy {policy}",
            }
        ],
    )
