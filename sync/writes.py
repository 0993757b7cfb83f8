"""One write round of a page: look the batch up in the target, govern, record the intents,
write, and settle each record's outcome into the page (`sync.pages` commits it).

Intent before effect: the audit rows of a batch (before-image, the payload to write) are
stored as pending intents in one transaction before the batch is sent; the page commit
settles them together with the crosswalk and the watermark. A process killed in between
leaves intents, never an unaudited write (`sync.intents` settles them next time).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sync import _entries as entries_
from sync._entries import Candidate
from sync.conflicts import LastSync, settle
from sync.connectors.base import Connector, ObjectSchema, Record, WriteResult
from sync.flow import Action, PlannedWrite
from sync.mapping import MappingSpec, changed_paths, with_clears
from sync.schema_watch import FIELD_REFUSAL_CODES
from sync.state import AuditEntry, CrosswalkEntry, QuarantineEntry, StateStore
from sync.state.models import IntentSettlement

if TYPE_CHECKING:  # pages imports this module
    from sync.pages import RunContext

Planned = list[tuple[Candidate, PlannedWrite]]


@dataclass
class PageOutcome:
    """What a page has to commit: its rows for the state store, gathered batch by batch."""

    quarantine: list[QuarantineEntry]
    crosswalk: list[CrosswalkEntry] = field(default_factory=list)
    forget: list[str] = field(default_factory=list)
    settle: list[IntentSettlement] = field(default_factory=list)  # the page's intents
    resolved: list[str] = field(default_factory=list)


class BatchWriter:
    """Writes one batch of candidates of a page (see the module docstring)."""

    def __init__(self, target: Connector, state: StateStore, clock: Callable[[], datetime],
                 drifted: Callable[..., QuarantineEntry],
                 recheck: Callable[[RunContext], None]) -> None:  # fmt: skip
        self.target, self.state, self._clock = target, state, clock
        self._drifted, self._recheck = drifted, recheck

    def lookup(self, ctx: RunContext, external_ids: Sequence[str]) -> dict[str, Record]:
        """The target's records of these external ids, as they are now (the before-images)."""
        spec = ctx.flow.mapping
        return self.target.get_by_external_id(
            spec.target.object, spec.external_id_field, external_ids
        )

    def write(self, ctx: RunContext, batch: list[Candidate], out: PageOutcome,
              current: dict[str, Record] | None = None) -> None:  # fmt: skip
        """Write `batch`; `current` is its lookup when it was taken ahead (`sync.lookahead`)."""
        batch = self._drop_drifted(ctx, batch, out)
        if not batch:
            return
        if current is None:
            with ctx.stages.timing("lookup"):
                current = self.lookup(ctx, [c.external_id for c in batch])
        to_write = self._plan(ctx, batch, current, out)
        if ctx.result.mode != "live":
            self._record_plan(ctx, to_write)
            return
        if not to_write:
            return
        with ctx.stages.timing("commit"):  # state writes, as the page commit is
            intents = self.state.record_intents(ctx.result.run_id, self._intents(ctx, to_write))
        with ctx.stages.timing("write"):
            outcomes = self._send(ctx, to_write)
        self._settle(ctx, to_write, intents, outcomes, out)

    def _drop_drifted(self, ctx: RunContext, batch: list[Candidate], out: PageOutcome
                      ) -> list[Candidate]:  # fmt: skip
        """Candidates touching a field a drift found by an earlier batch of this page go to
        quarantine, never out wrong."""
        if not ctx.watch.drifts:
            return batch
        kept = []
        for cand in batch:
            hits = ctx.watch.affecting(cand.payload, ctx.reads)
            if hits:
                out.quarantine.append(
                    self._drifted(ctx, cand.record, cand.source_id, cand.payload, hits)
                )
            else:
                kept.append(cand)
        return kept

    def _plan(self, ctx: RunContext, batch: list[Candidate], current: dict[str, Record],
              out: PageOutcome) -> Planned:  # fmt: skip
        """Each candidate's write against the target's current image (or why there is none)."""
        spec, result, now = ctx.flow.mapping, ctx.result, self._clock()
        to_write: Planned = []
        for cand in batch:
            before = current.get(cand.external_id)
            if before is None and spec.target.update_only:
                out.quarantine.append(_target_missing(ctx, cand, now))
                continue
            if before is not None and self._held_for_steward(ctx, cand, before, out):
                continue
            before_fields = before.fields if before else None
            changed = changed_paths(spec, cand.payload, before_fields)
            if before is not None and not changed:
                result.counts.in_sync += 1
                if result.mode == "live":
                    out.crosswalk.append(
                        entries_.crosswalk_entry(result.run_id, ctx.flow.name, cand, before.id, now)
                    )
                    out.resolved.append(cand.source_id)
                continue
            action: Action = "create" if before is None else "update"
            if before is not None:
                cand.payload = with_clears(cand.payload, changed)
            plan = PlannedWrite(action, cand.source_id, cand.external_id,
                                before.id if before else None, changed, before_fields,
                                cand.payload)  # fmt: skip
            to_write.append((cand, plan))
        return to_write

    def _held_for_steward(self, ctx: RunContext, cand: Candidate, before: Record,
                          out: PageOutcome) -> bool:  # fmt: skip
        """Apply governance to one record the target already holds: fold in the values the
        target keeps, settle conflicts by policy; True when a steward must decide first."""
        known = ctx.crosswalk.get(cand.source_id)
        last = None
        if known is not None and known.last_sync:
            memory = known.last_sync
            last = LastSync(memory.get("mapped") or {}, memory.get("kept") or {})
        settled = settle(
            ctx.flow.mapping, cand.payload, before.fields, last,
            source_modified=cand.record.modified_at, target_modified=before.modified_at,
            steward=ctx.steward,
        )  # fmt: skip
        ctx.result.counts.conflicts += settled.conflicts
        if settled.steward:
            message = "; ".join(f["message"] for f in settled.flags)
            out.quarantine.append(
                entries_.quarantine_entry(
                    ctx.result.run_id, ctx.flow.name, cand.record, cand.source_id,
                    reason="conflict", code="CONFLICT", mapped=cand.payload, now=self._clock(),
                    message=f"{message}; decide with `harness conflicts resolve`",
                )
            )  # fmt: skip
            return True
        if settled.payload is not cand.payload or settled.kept:
            cand.mapped, cand.payload = cand.payload, settled.payload
            cand.kept = settled.kept
        cand.flags.extend(settled.flags)
        return False

    @staticmethod
    def _record_plan(ctx: RunContext, to_write: Planned) -> None:
        """A dry-run or shadow run: the writes are only planned."""
        ctx.result.planned.extend(plan for _, plan in to_write)
        for _, plan in to_write:
            if plan.action == "create":
                ctx.result.counts.created += 1
            else:
                ctx.result.counts.updated += 1

    def _intents(self, ctx: RunContext, to_write: Planned) -> list[AuditEntry]:
        now, run_id, flow = self._clock(), ctx.result.run_id, ctx.flow.name
        intents = []
        for cand, plan in to_write:
            intents.append(
                AuditEntry(run_id, flow, plan.action, cand.source_id, plan.target_id or "",
                           cand.external_id, plan.before, cand.payload, now, list(cand.flags),
                           outcome="pending")
            )  # fmt: skip
        return intents

    def _send(self, ctx: RunContext, to_write: Planned) -> list[WriteResult]:
        spec, schema = ctx.flow.mapping, ctx.watch.target_schema
        target_obj = spec.target.object
        if spec.target.update_only:
            return self.target.update(
                target_obj,
                [(str(plan.target_id), updatable(spec, schema, body(spec, cand.payload)))
                 for cand, plan in to_write],
            )  # fmt: skip
        return self.target.upsert(
            target_obj,
            spec.external_id_field,
            [cand.payload if plan.action == "create" else updatable(spec, schema, cand.payload)
             for cand, plan in to_write],
        )  # fmt: skip

    def _settle(self, ctx: RunContext, to_write: Planned, intents: Sequence[AuditEntry],
                outcomes: Sequence[WriteResult], out: PageOutcome) -> None:  # fmt: skip
        """Each write's outcome: settled intent plus crosswalk, or settled plus quarantine."""
        result, flow = ctx.result, ctx.flow.name
        now = self._clock()  # after the write: the target's modified time is not later
        if any(not o.ok and o.error_code in FIELD_REFUSAL_CODES for o in outcomes):
            self._recheck(ctx)
        for (cand, plan), intent, outcome in zip(to_write, intents, outcomes, strict=True):
            seq = intent.seq if intent.seq is not None else -1
            if not outcome.ok:
                out.settle.append(IntentSettlement(seq, "not_applied", "", note=_refusal(outcome)))
                out.quarantine.append(self._refused(ctx, cand, outcome, now))
                result.counts.conflicts += outcome.stale
                continue
            target_id = outcome.id or plan.target_id or ""
            if plan.action == "create":
                result.counts.created += 1
            else:
                result.counts.updated += 1
            result.planned.append(plan)
            note = None
            if outcome.message:  # applied, with the vendor's warning: kept, never silent
                note = {"code": "vendor_warning", "message": outcome.message}
                result.warnings.append((cand.source_id, outcome.message))
            out.settle.append(IntentSettlement(seq, "applied", target_id, note=note))
            row = entries_.crosswalk_entry(result.run_id, flow, cand, target_id, now)
            out.crosswalk.append(row)
            out.resolved.append(cand.source_id)

    def _refused(self, ctx: RunContext, cand: Candidate, outcome: WriteResult, now: datetime
                 ) -> QuarantineEntry:  # fmt: skip
        hits = ctx.watch.affecting(cand.payload, ctx.reads) if ctx.watch.drifts else []
        if hits:
            return self._drifted(ctx, cand.record, cand.source_id, cand.payload, hits)
        reason, code, message = entries_.rejection(outcome)
        return entries_.quarantine_entry(
            ctx.result.run_id, ctx.flow.name, cand.record, cand.source_id, reason=reason,
            code=code, message=message, mapped=cand.payload, now=now,
        )  # fmt: skip


def _refusal(outcome: WriteResult) -> dict[str, Any]:
    return {"code": "refused", "error_code": outcome.error_code or "UNKNOWN",
            "message": outcome.message or ""}  # fmt: skip


def _target_missing(ctx: RunContext, cand: Candidate, now: datetime) -> QuarantineEntry:
    spec = ctx.flow.mapping
    return entries_.quarantine_entry(
        ctx.result.run_id, ctx.flow.name, cand.record, cand.source_id,
        reason="unresolved_reference", code="TARGET_MISSING", mapped=cand.payload, now=now,
        message=f"no {spec.target.object} with {spec.external_id_field} "
        f"{cand.external_id!r} in the target; this flow only updates records "
        "that exist there, so it waits and is retried on every run",
    )  # fmt: skip


def body(spec: MappingSpec, payload: dict[str, Any]) -> dict[str, Any]:
    """What goes to the target: an update-only flow finds its record by the external-id
    field (the record's own id, typically), which is never part of the written body."""
    if not spec.target.update_only:
        return payload
    return {k: v for k, v in payload.items() if k != spec.external_id_field}


def updatable(spec: MappingSpec, schema: ObjectSchema, payload: dict[str, Any]) -> dict[str, Any]:
    """An update leaves out fields the target sets only on create (Salesforce's
    PricebookEntry.Product2Id, an OrderItem's OrderId): sending them again is refused."""

    def keep(name: str) -> bool:
        field = schema.field(name)
        return name == spec.external_id_field or field is None or field.updateable

    return {k: v for k, v in payload.items() if keep(k)}
