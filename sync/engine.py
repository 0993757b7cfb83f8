"""The sync engine: read -> map -> validate -> write -> record, one page at a time.

Modes: `dry-run` and `shadow` compute the writes a live run would make and record them as a
plan without touching the target (the CLI prints a dry-run's plan; `harness shadow-report`
turns a shadow run's into a report); `live` writes. Every mode reads the target's current
image of each changed record, so a plan lists only fields that really differ, the audit gets
its before-images, and a lost state file heals without duplicates (writes are upserts by
external id).

A page is committed to the state store in one transaction together with the watermark that
covers it, so a crash (even `kill -9`) replays at most one page, and replays are idempotent.
One process at a time runs a flow (`sync.flowlock`); a run a dead process left "running" is
closed as failed by the next one. Both sides' schemas are watched for drift mid-run
(`sync.schema_watch`); records touching a drifted field go to quarantine, never out wrong.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sync import _entries as entries_
from sync._entries import Candidate
from sync.connectors.base import Connector, Record, Watermark
from sync.flow import (
    MODES,
    STAGES,
    Action,
    Flow,
    Mode,
    PlannedWrite,
    RunCounts,
    RunResult,
    StageClock,
)
from sync.flowlock import flow_lock
from sync.hashing import content_hash
from sync.mapping import apply_mapping, get_path, validate_against_schema
from sync.references import CrosswalkResolver
from sync.replay import replay_records
from sync.schema_watch import FIELD_REFUSAL_CODES, Drift, SchemaWatch
from sync.state import AuditEntry, CrosswalkEntry, QuarantineEntry, StateStore

__all__ = [
    "MODES",
    "STAGES",
    "Flow",
    "Mode",
    "PlannedWrite",
    "RunCounts",
    "RunResult",
    "SyncEngine",
]

log = logging.getLogger(__name__)
ProgressFn = Callable[[str, int], None]
INTERRUPTED = "interrupted: the process running it ended before the run finished"


@dataclass
class _RunContext:
    """What one run carries from page to page."""

    flow: Flow
    result: RunResult
    watch: SchemaWatch
    crosswalk: dict[str, CrosswalkEntry]
    open_quarantine: set[str]
    stages: StageClock
    reads: frozenset[str] = field(default_factory=frozenset)
    refs: CrosswalkResolver | None = None


class SyncEngine:
    """Runs flows between a source and a target connector, recording into a state store."""

    def __init__(
        self,
        source: Connector,
        target: Connector,
        state: StateStore,
        *,
        progress: ProgressFn | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.target = target
        self.state = state
        self._progress = progress or (lambda _event, _n: None)
        self._clock = clock
        self._monotonic = monotonic

    def run(self, flow: Flow, *, mode: Mode = "live", full: bool = False) -> RunResult:
        """Run `flow` once. Raises only `SyncError`s that abort the run (auth, config, an open
        circuit, ...); the run is then marked failed with the reason, and everything
        committed stays."""
        watermark = None if full else self.state.watermark(flow.name)
        kind = "full" if watermark is None else "incremental"
        since = None
        if watermark is not None:
            since = Watermark(watermark.modified_at - flow.lookback, watermark.record_id)

        def pages(ctx: _RunContext) -> Iterator[list[Record]]:
            spec = flow.mapping
            return self.source.read(spec.source.object, fields=spec.source_fields, since=since)

        return self._execute(flow, mode, kind, pages, force=False)

    def replay(self, flow: Flow, source_ids: Sequence[str], *, mode: Mode = "live") -> RunResult:
        """Re-run only these source records (quarantined ones, typically after a mapping fix).

        Each is re-read from the source by its key (the quarantined payload is used when the
        source cannot be looked up by key); written ones leave the quarantine as 'replayed',
        failing ones stay open with the new reason, and one the source no longer holds stays
        open saying so. The watermark does not move.
        """
        wanted = list(dict.fromkeys(str(s) for s in source_ids))

        def pages(ctx: _RunContext) -> Iterator[list[Record]]:
            records, gone = replay_records(
                self.source, self.state, flow, wanted, ctx.result, self._clock
            )
            if gone:
                ctx.result.counts.quarantined += len(gone)
                ctx.result.quarantined.extend(gone)
            size = max(1, flow.batch_size)
            for start in range(0, len(records), size):
                yield records[start : start + size]

        return self._execute(flow, mode, "replay", pages, force=True)

    # -- one run -----------------------------------------------------------------------------

    def _execute(
        self,
        flow: Flow,
        mode: Mode,
        kind: str,
        pages: Callable[[_RunContext], Iterable[list[Record]]],
        *,
        force: bool,
    ) -> RunResult:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        with flow_lock(self.state.path, flow.name):
            self._close_interrupted(flow.name)
            return self._locked_run(flow, mode, kind, pages, force=force)

    def _locked_run(
        self,
        flow: Flow,
        mode: Mode,
        kind: str,
        pages: Callable[[_RunContext], Iterable[list[Record]]],
        *,
        force: bool,
    ) -> RunResult:
        spec = flow.mapping
        run = self.state.start_run(flow.name, mode, kind)
        result = RunResult(run.run_id, flow.name, mode, kind, "running", RunCounts())
        stages = StageClock()
        started = time.perf_counter()
        source_calls, target_calls = self.source.call_count(), self.target.call_count()
        try:
            watch = SchemaWatch(
                self.source,
                self.target,
                spec.source.object,
                spec.target.object,
                every=flow.schema_recheck,
                clock=self._monotonic,
            )
            ctx = _RunContext(
                flow,
                result,
                watch,
                self.state.crosswalk_all(flow.name),
                self.state.quarantine_open_ids(flow.name),
                stages,
                frozenset(name.split(".")[0] for name in spec.source_fields),
                CrosswalkResolver(self.state) if spec.references else None,
            )
            if kind != "replay" and mode == "live":
                self._retry_waiting(ctx)
            iterator = iter(pages(ctx))
            while True:
                with stages.timing("read"):
                    page = next(iterator, None)
                if page is None:
                    break
                self._run_page(ctx, page, force=force, move_watermark=kind != "replay")
                self._progress("read", len(page))
            result.status = "succeeded" if result.counts.quarantined == 0 else "partial"
        except BaseException as exc:  # the run row must never stay "running"; re-raised below
            result.status = "failed"
            result.error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            result.seconds = time.perf_counter() - started
            result.source_calls = self.source.call_count() - source_calls
            result.target_calls = self.target.call_count() - target_calls
            result.stages = {k: round(v, 6) for k, v in stages.seconds.items()}
            counts = {
                **result.counts.as_dict(),
                "source_calls": result.source_calls,
                "target_calls": result.target_calls,
            }
            self.state.finish_run(run.run_id, result.status, counts, error=result.error)
        return result

    def _retry_waiting(self, ctx: _RunContext) -> None:
        """Records quarantined for a reason that can pass by itself - a reference not synced
        yet, a rate limit that ran out - get another try at the start of every run."""
        waiting = [
            q.source_id
            for q in self.state.quarantined(ctx.flow.name)
            if q.reason in ("unresolved_reference", "rate_limit_exhausted")
            and q.code != "SOURCE_MISSING"
        ]
        if not waiting:
            return
        records, gone = replay_records(
            self.source, self.state, ctx.flow, waiting, ctx.result, self._clock
        )
        ctx.result.quarantined.extend(gone)
        ctx.result.counts.quarantined += len(gone)
        size = max(1, ctx.flow.batch_size)
        for start in range(0, len(records), size):
            self._run_page(ctx, records[start : start + size], force=True, move_watermark=False)

    def _close_interrupted(self, flow: str) -> None:
        """Holding the flow lock, any run still 'running' belongs to a dead process."""
        for run in self.state.runs(flow, limit=20):
            if run.status == "running":
                self.state.finish_run(run.run_id, "failed", {}, error=INTERRUPTED)
                log.warning("run %s of %s was %s", run.run_id, flow, INTERRUPTED)

    # -- one page ----------------------------------------------------------------------------

    def _check_drift(self, ctx: _RunContext, page: Sequence[Record], *, now: bool) -> None:
        due = now or (bool(page) and ctx.watch.unknown_source_fields(page[0].fields))
        fresh = ctx.watch.maybe_recheck(now=due)
        for drift in fresh:
            ctx.result.drift.append(drift.describe())
            log.warning("flow %s: schema drift: %s", ctx.flow.name, drift.describe())

    def _run_page(
        self, ctx: _RunContext, page: Sequence[Record], *, force: bool, move_watermark: bool
    ) -> None:
        flow, result, stages = ctx.flow, ctx.result, ctx.stages
        spec = flow.mapping
        self._check_drift(ctx, page, now=False)
        now = self._clock()
        quarantine: list[QuarantineEntry] = []
        candidates: list[Candidate] = []
        for record in page:
            result.counts.read += 1
            source_id = str(record.fields.get(spec.source_key) or record.id)
            with stages.timing("transform"):
                mapped = apply_mapping(spec, record.fields, refs=ctx.refs)
            issues = list(mapped.issues)
            if mapped.ok:
                with stages.timing("validate"):
                    issues = validate_against_schema(mapped.payload, ctx.watch.target_schema)
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

        page_out = _PageOutcome(quarantine=quarantine)
        planned_before = len(result.planned)
        for start in range(0, len(candidates), max(1, flow.batch_size)):
            batch = candidates[start : start + flow.batch_size]
            self._write_batch(ctx, batch, page_out)
        planned = result.planned[planned_before:]

        result.quarantined.extend(page_out.quarantine)
        result.counts.quarantined += len(page_out.quarantine)
        if result.mode != "live":
            # A plan is recorded for review; nothing else about the target or the source moves.
            with stages.timing("commit"):
                self.state.commit_page(result.run_id, flow.name, planned=planned)
            return
        for entry in page_out.crosswalk:
            ctx.crosswalk[entry.source_id] = entry
        ctx.open_quarantine.difference_update(page_out.resolved)
        ctx.open_quarantine.update(q.source_id for q in page_out.quarantine)
        mark = None
        if move_watermark:
            last = max(page, key=lambda r: (r.modified_at, r.id), default=None)
            mark = Watermark(last.modified_at, last.id) if last else None
        with stages.timing("commit"):
            self.state.commit_page(
                result.run_id,
                flow.name,
                crosswalk=page_out.crosswalk,
                audit=page_out.audit,
                quarantine=page_out.quarantine,
                resolved_quarantine=page_out.resolved,
                planned=[],
                watermark=mark,
            )

    def _drifted(
        self,
        ctx: _RunContext,
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

    def _write_batch(self, ctx: _RunContext, batch: list[Candidate], out: _PageOutcome) -> None:
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
            before_fields = before.fields if before else None
            changed = entries_.changed_paths(spec, cand.payload, before_fields)
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
        with stages.timing("write"):
            outcomes = self.target.upsert(
                target_obj, spec.external_id_field, [cand.payload for cand, _ in to_write]
            )
        now = self._clock()  # after the write: the target's modified time is not later
        if any(not o.ok and o.error_code in FIELD_REFUSAL_CODES for o in outcomes):
            self._check_drift(ctx, [], now=True)
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
class _PageOutcome:
    quarantine: list[QuarantineEntry]
    crosswalk: list[CrosswalkEntry] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
