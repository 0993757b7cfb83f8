"""One page of a run: map, validate, settle governance, write in batches, record.

`PageRunner.run_page` is the engine's inner loop. Everything a page decides lands in the
state store in one `commit_page` transaction with the watermark that covers it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sync import _entries as entries_
from sync._entries import Candidate
from sync.conflicts import LastSync, settle
from sync.connectors.base import Connector, ObjectSchema, Record, Watermark
from sync.deletes import apply_deletes
from sync.explode import explode
from sync.flow import Action, Flow, PlannedWrite, RunResult, StageClock
from sync.governance import Owner
from sync.hashing import content_hash
from sync.mapping import (
    MappingSpec,
    apply_mapping,
    changed_paths,
    get_path,
    validate_against_schema,
)
from sync.references import CrosswalkResolver
from sync.schema_watch import FIELD_REFUSAL_CODES, Drift, SchemaWatch
from sync.state import AuditEntry, CrosswalkEntry, QuarantineEntry, StateStore

log = logging.getLogger(__name__)


@dataclass
class RunContext:
    """What one run carries from page to page."""

    flow: Flow
    result: RunResult
    watch: SchemaWatch
    crosswalk: dict[str, CrosswalkEntry]
    open_quarantine: set[str]
    stages: StageClock
    reads: frozenset[str] = field(default_factory=frozenset)
    refs: CrosswalkResolver | None = None
    steward: tuple[Owner, str] | None = None  # a person's decision on held conflicts
    seen: set[str] = field(default_factory=set)  # source ids a full run read (delete sweep)


class PageRunner:
    """Runs one page of a flow: map, validate, govern, write in batches, record."""

    def __init__(self, source: Connector, target: Connector, state: StateStore,
                 clock: Callable[[], datetime]) -> None:  # fmt: skip
        self.source, self.target, self.state = source, target, state
        self._clock = clock

    def delete(self, ctx: RunContext, gone: list[CrosswalkEntry], out: PageOutcome) -> None:
        done = apply_deletes(
            self.target, ctx.flow.mapping, gone, flow=ctx.flow.name,
            live=ctx.result.mode == "live", run_id=ctx.result.run_id, clock=self._clock,
        )  # fmt: skip
        ctx.result.planned.extend(done.planned)
        ctx.result.counts.deleted += len(done.planned)
        out.audit.extend(done.audit)
        out.forget.extend(done.forget)
        for source_id in done.forget:
            ctx.crosswalk.pop(source_id, None)
        for source_id, why in done.failed:
            entry = ctx.crosswalk[source_id]
            record = Record(source_id, {}, entry.source_modified_at or self._clock(), True)
            out.quarantine.append(
                entries_.quarantine_entry(
                    ctx.result.run_id, ctx.flow.name, record, source_id, reason="rejected",
                    code="DELETE_FAILED", mapped=None, now=self._clock(),
                    message=f"the source record was deleted, but the target refused the "
                    f"{ctx.flow.mapping.deletes.policy}: {why}",
                )
            )  # fmt: skip

    def check_drift(self, ctx: RunContext, page: Sequence[Record], *, now: bool) -> None:
        due = now or (bool(page) and ctx.watch.unknown_source_fields(page[0].fields))
        fresh = ctx.watch.maybe_recheck(now=due)
        for drift in fresh:
            ctx.result.drift.append(drift.describe())
            log.warning("flow %s: schema drift: %s", ctx.flow.name, drift.describe())

    def run_page(
        self, ctx: RunContext, page: Sequence[Record], *, force: bool, move_watermark: bool
    ) -> None:
        flow, result, stages = ctx.flow, ctx.result, ctx.stages
        spec = flow.mapping
        self.check_drift(ctx, page, now=False)
        read = page  # the watermark follows the records read, exploded or not
        if spec.source.explode is not None:
            page = explode(spec, page)
        now = self._clock()
        quarantine: list[QuarantineEntry] = []
        candidates: list[Candidate] = []
        deleted: list[CrosswalkEntry] = []
        update_only = spec.target.update_only
        for record in page:
            result.counts.read += 1
            if update_only and record.fields.get(spec.source_key) in (None, ""):
                result.counts.skipped += 1  # not linked to a target record: not this flow's
                continue
            source_id = str(record.fields.get(spec.source_key) or record.id)
            if record.deleted:
                if source_id in ctx.crosswalk:
                    deleted.append(ctx.crosswalk[source_id])
                continue
            ctx.seen.add(source_id)
            with stages.timing("transform"):
                mapped = apply_mapping(spec, record.fields, refs=ctx.refs)
            issues = list(mapped.issues)
            if mapped.ok:
                with stages.timing("validate"):
                    issues = validate_against_schema(
                        _body(spec, mapped.payload), ctx.watch.target_schema, update=update_only
                    )
            drifts = ctx.watch.affecting(mapped.payload, ctx.reads) if ctx.watch.drifts else []
            if drifts:
                quarantine.append(self._drifted(ctx, record, source_id, mapped.payload, drifts))
                continue
            if issues:
                waits = all(i.code == "unresolved_reference" for i in issues)
                quarantine.append(
                    entries_.quarantine_entry(
                        result.run_id,
                        flow.name,
                        record,
                        source_id,
                        reason="unresolved_reference" if waits else "validation",
                        code=issues[0].code,
                        message="; ".join(i.message for i in issues),
                        mapped=mapped.payload,
                        now=now,
                    )
                )
                continue
            digest = content_hash(mapped.payload)
            known = ctx.crosswalk.get(source_id)
            if (
                not force
                and known is not None
                and known.content_hash == digest
                and source_id not in ctx.open_quarantine
            ):
                result.counts.unchanged += 1
                continue
            flags = [
                {"target": f.target, "code": f.code, "message": f.message} for f in mapped.flags
            ]
            external_id = str(get_path(mapped.payload, spec.external_id_field) or source_id)
            candidates.append(
                Candidate(record, source_id, external_id, mapped.payload, digest, flags)
            )

        page_out = PageOutcome(quarantine=quarantine)
        planned_before = len(result.planned)
        for start in range(0, len(candidates), max(1, flow.batch_size)):
            batch = candidates[start : start + flow.batch_size]
            self._write_batch(ctx, batch, page_out)
        if deleted:
            self.delete(ctx, deleted, page_out)
        planned = result.planned[planned_before:]
        mark = None
        if move_watermark:
            last = max(read, key=lambda r: (r.modified_at, r.id), default=None)
            mark = Watermark(last.modified_at, last.id) if last else None
        self.commit(ctx, page_out, planned, mark)

    def commit(
        self,
        ctx: RunContext,
        page_out: PageOutcome,
        planned: list[PlannedWrite],
        mark: Watermark | None,
    ) -> None:
        result, flow = ctx.result, ctx.flow
        result.quarantined.extend(page_out.quarantine)
        result.counts.quarantined += len(page_out.quarantine)
        if result.mode != "live":
            # A plan is recorded for review; nothing else about the target or the source moves.
            with ctx.stages.timing("commit"):
                self.state.commit_page(result.run_id, flow.name, planned=planned)
            return
        for entry in page_out.crosswalk:
            ctx.crosswalk[entry.source_id] = entry
        ctx.open_quarantine.difference_update(page_out.resolved)
        ctx.open_quarantine.update(q.source_id for q in page_out.quarantine)
        with ctx.stages.timing("commit"):
            self.state.commit_page(
                result.run_id,
                flow.name,
                crosswalk=page_out.crosswalk,
                audit=page_out.audit,
                quarantine=page_out.quarantine,
                resolved_quarantine=page_out.resolved,
                planned=[],
                watermark=mark,
                forget=page_out.forget,
            )

    def _drifted(
        self,
        ctx: RunContext,
        record: Record,
        source_id: str,
        mapped: dict[str, Any] | None,
        drifts: Sequence[Drift],
    ) -> QuarantineEntry:
        what = "; ".join(d.describe() for d in drifts)
        return entries_.quarantine_entry(
            ctx.result.run_id,
            ctx.flow.name,
            record,
            source_id,
            reason="drift",
            code="SCHEMA_DRIFT",
            mapped=mapped,
            now=self._clock(),
            message=f"schema changed mid-run: {what}; fix the mapping, then "
            "`harness quarantine replay`",
        )

    def _held_for_steward(
        self, ctx: RunContext, cand: Candidate, before: Record, out: PageOutcome
    ) -> bool:
        """Apply governance to one record the target already holds: fold in the values the
        target keeps, settle conflicts by policy; True when a steward must decide first."""
        known = ctx.crosswalk.get(cand.source_id)
        last = None
        if known is not None and known.last_sync:
            memory = known.last_sync
            last = LastSync(memory.get("mapped") or {}, memory.get("kept") or {})
        settled = settle(
            ctx.flow.mapping,
            cand.payload,
            before.fields,
            last,
            source_modified=cand.record.modified_at,
            target_modified=before.modified_at,
            steward=ctx.steward,
        )
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

    def _write_batch(self, ctx: RunContext, batch: list[Candidate], out: PageOutcome) -> None:
        flow, result, stages = ctx.flow, ctx.result, ctx.stages
        spec = flow.mapping
        if ctx.watch.drifts:  # a drift found by an earlier batch of this page
            kept = []
            for cand in batch:
                hits = ctx.watch.affecting(cand.payload, ctx.reads)
                if hits:
                    out.quarantine.append(
                        self._drifted(ctx, cand.record, cand.source_id, cand.payload, hits)
                    )
                else:
                    kept.append(cand)
            batch = kept
        if not batch:
            return
        target_obj = spec.target.object
        now = self._clock()
        with stages.timing("lookup"):
            current = self.target.get_by_external_id(
                target_obj, spec.external_id_field, [c.external_id for c in batch]
            )
        to_write: list[tuple[Candidate, PlannedWrite]] = []
        for cand in batch:
            before = current.get(cand.external_id)
            if before is None and spec.target.update_only:
                out.quarantine.append(
                    entries_.quarantine_entry(
                        result.run_id, flow.name, cand.record, cand.source_id,
                        reason="unresolved_reference", code="TARGET_MISSING",
                        mapped=cand.payload, now=now,
                        message=f"no {target_obj} with {spec.external_id_field} "
                        f"{cand.external_id!r} in the target; this flow only updates records "
                        "that exist there, so it waits and is retried on every run",
                    )
                )  # fmt: skip
                continue
            if before is not None and self._held_for_steward(ctx, cand, before, out):
                continue
            before_fields = before.fields if before else None
            changed = changed_paths(spec, cand.payload, before_fields)
            if before is not None and not changed:
                result.counts.in_sync += 1
                if result.mode == "live":
                    out.crosswalk.append(
                        entries_.crosswalk_entry(result.run_id, flow.name, cand, before.id, now)
                    )
                    out.resolved.append(cand.source_id)
                continue
            action: Action = "create" if before is None else "update"
            plan = PlannedWrite(action, cand.source_id, cand.external_id,
                                before.id if before else None, changed, before_fields,
                                cand.payload)  # fmt: skip
            to_write.append((cand, plan))
        if result.mode != "live":
            result.planned.extend(plan for _, plan in to_write)
            for _, plan in to_write:
                if plan.action == "create":
                    result.counts.created += 1
                else:
                    result.counts.updated += 1
            return
        if not to_write:
            return
        schema = ctx.watch.target_schema
        with stages.timing("write"):
            if spec.target.update_only:
                outcomes = self.target.update(
                    target_obj,
                    [
                        (str(plan.target_id), _updatable(spec, schema, _body(spec, cand.payload)))
                        for cand, plan in to_write
                    ],
                )
            else:
                outcomes = self.target.upsert(
                    target_obj,
                    spec.external_id_field,
                    [
                        cand.payload if plan.action == "create"
                        else _updatable(spec, schema, cand.payload)
                        for cand, plan in to_write
                    ],
                )  # fmt: skip
        now = self._clock()  # after the write: the target's modified time is not later
        if any(not o.ok and o.error_code in FIELD_REFUSAL_CODES for o in outcomes):
            self.check_drift(ctx, [], now=True)
        for (cand, plan), outcome in zip(to_write, outcomes, strict=True):
            if not outcome.ok:
                hits = ctx.watch.affecting(cand.payload, ctx.reads) if ctx.watch.drifts else []
                if hits:
                    out.quarantine.append(
                        self._drifted(ctx, cand.record, cand.source_id, cand.payload, hits)
                    )
                    continue
                reason, code, message = entries_.rejection(outcome)
                out.quarantine.append(
                    entries_.quarantine_entry(
                        result.run_id,
                        flow.name,
                        cand.record,
                        cand.source_id,
                        reason=reason,
                        code=code,
                        message=message,
                        mapped=cand.payload,
                        now=now,
                    )
                )
                continue
            target_id = outcome.id or plan.target_id or ""
            if plan.action == "create":
                result.counts.created += 1
            else:
                result.counts.updated += 1
            result.planned.append(plan)
            out.crosswalk.append(
                entries_.crosswalk_entry(result.run_id, flow.name, cand, target_id, now)
            )
            out.resolved.append(cand.source_id)
            out.audit.append(
                AuditEntry(
                    run_id=result.run_id,
                    flow=flow.name,
                    action=plan.action,
                    source_id=cand.source_id,
                    target_id=target_id,
                    external_id=cand.external_id,
                    before=plan.before,
                    after=cand.payload,
                    at=now,
                    flags=cand.flags,
                )
            )


@dataclass
class PageOutcome:
    quarantine: list[QuarantineEntry]
    crosswalk: list[CrosswalkEntry] = field(default_factory=list)
    forget: list[str] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)


def _body(spec: MappingSpec, payload: dict[str, Any]) -> dict[str, Any]:
    """What goes to the target: an update-only flow finds its record by the external-id
    field (the record's own id, typically), which is never part of the written body."""
    if not spec.target.update_only:
        return payload
    return {k: v for k, v in payload.items() if k != spec.external_id_field}


def _updatable(spec: MappingSpec, schema: ObjectSchema, payload: dict[str, Any]) -> dict[str, Any]:
    """An update leaves out fields the target sets only on create (Salesforce's
    PricebookEntry.Product2Id, an OrderItem's OrderId): sending them again is refused."""

    def keep(name: str) -> bool:
        field = schema.field(name)
        return name == spec.external_id_field or field is None or field.updateable

    return {k: v for k, v in payload.items() if keep(k)}
