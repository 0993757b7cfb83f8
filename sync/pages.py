"""One page of a run: map, validate, settle governance, write in batches, record.

`PageRunner.run_page` is the engine's inner loop: each source record becomes a candidate
(or a quarantine entry, or a skip when its content is unchanged since its last sync), the
candidates are written in batches (`sync.writes`: lookup, governance, intents, write), and
everything the page decided lands in the state store in one `commit_page` transaction with
the watermark that covers it, settling the page's write intents.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sync import _entries as entries_
from sync._entries import Candidate
from sync.connectors.base import Connector, Record, Watermark
from sync.deletes import apply_deletes
from sync.explode import explode
from sync.flow import Flow, PlannedWrite, RunResult, StageClock
from sync.governance import Owner
from sync.hashing import content_hash
from sync.lookahead import LookAhead, Lookup, lookahead_slice
from sync.mapping import MappedRecord as Mapped
from sync.mapping import MappingSpec, apply_mapping, get_path, validate_against_schema
from sync.references import CrosswalkResolver
from sync.schema_watch import Drift, SchemaWatch
from sync.state import CrosswalkEntry, QuarantineEntry, StateStore
from sync.state.models import IntentSettlement
from sync.writes import BatchWriter, PageOutcome, body

__all__ = ["PageOutcome", "PageRunner", "RunContext"]

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
    pages_committed: int = 0  # what a run stopped midway has made durable
    writes_committed: int = 0
    # Records done so far, told as each write batch lands: a page can hold a whole run.
    progress: Callable[[int], None] = field(default=lambda _records: None)
    # The next source page when it is read already (without waiting for it), and the run's
    # lookups taken ahead of its writes (`sync.lookahead`), for a target that asks for them.
    upcoming: Callable[[], Sequence[Record] | None] = field(default=lambda: None)
    ahead: LookAhead | None = None


class PageRunner:
    """Runs one page of a flow: map, validate, govern, write in batches, record."""

    def __init__(self, source: Connector, target: Connector, state: StateStore,
                 clock: Callable[[], datetime]) -> None:  # fmt: skip
        self.source, self.target, self.state = source, target, state
        self._clock = clock
        self._writer = BatchWriter(
            target, state, clock, self._drifted, lambda ctx: self.check_drift(ctx, [], now=True)
        )

    def delete(self, ctx: RunContext, gone: list[CrosswalkEntry], out: PageOutcome) -> None:
        done = apply_deletes(
            self.target, ctx.flow.mapping, gone, flow=ctx.flow.name,
            live=ctx.result.mode == "live", run_id=ctx.result.run_id, clock=self._clock,
            intend=lambda rows: self.state.record_intents(ctx.result.run_id, rows),
        )  # fmt: skip
        ctx.result.planned.extend(done.planned)
        ctx.result.counts.deleted += len(done.planned)
        out.settle.extend(
            IntentSettlement(a.seq, "applied", a.target_id) for a in done.audit if a.seq
        )
        out.settle.extend(
            IntentSettlement(a.seq, "not_applied", a.target_id) for a in done.refused if a.seq
        )
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
        spec = ctx.flow.mapping
        self.check_drift(ctx, page, now=False)
        read = page  # the watermark follows the records read, exploded or not
        if spec.source.explode is not None:
            page = explode(spec, page)
        page_out = PageOutcome(quarantine=[])
        candidates: list[Candidate] = []
        deleted: list[CrosswalkEntry] = []
        now = self._clock()
        looking = self._look_ahead(ctx)
        for index, record in enumerate(page):
            found = self._candidate(ctx, record, page_out, deleted, force=force, now=now)
            if found is not None:
                candidates.append(found)
                if looking is not None:
                    self._prime(ctx, looking, page[index:], candidates, force=force)
        planned_before = len(ctx.result.planned)
        size = max(1, ctx.flow.batch_size)
        if len(page) > len(candidates):  # unchanged, held or skipped: done already
            ctx.progress(len(page) - len(candidates))
        # Closed even when a write or a stop ends the loop: no lookup is left running.
        with closing(self._slices(ctx, candidates, size, looking, force=force)) as looked_up:
            for batch, current in looked_up:
                self._writer.write(ctx, batch, page_out, current)
                ctx.progress(len(batch))
        if deleted:
            self.delete(ctx, deleted, page_out)
        planned = ctx.result.planned[planned_before:]
        mark = None
        if move_watermark:
            last = max(read, key=lambda r: (r.modified_at, r.id), default=None)
            mark = Watermark(last.modified_at, last.id) if last else None
        self.commit(ctx, page_out, planned, mark)

    def _look_ahead(self, ctx: RunContext) -> tuple[LookAhead, int] | None:
        """The run's lookups ahead and their slice size, when the target takes them."""
        ahead = lookahead_slice(self.target) if ctx.result.mode == "live" else None
        if ahead is None:
            return None
        if ctx.ahead is None:
            ctx.ahead = LookAhead(lambda ids: self._writer.lookup(ctx, ids), ctx.stages)
        return ctx.ahead, min(max(1, ctx.flow.batch_size), ahead)  # batch_size still caps

    def _prime(self, ctx: RunContext, looking: tuple[LookAhead, int], rest: Sequence[Record],
               candidates: list[Candidate], *, force: bool) -> None:  # fmt: skip
        """Start the page's first lookup before the page is mapped (`LookAhead.prime`; a
        no-op when one is carried): at its first candidate, from the next records' source
        ids, in a full run whose mapping keeps the source id as the external id; else once
        the first slice is mapped. `rest`: the page from the newest candidate's record on."""
        ahead, step = looking
        first = candidates[0]
        if len(candidates) == 1 and force and first.external_id == first.source_id:
            ahead.prime([_source_id(ctx.flow.mapping, r) for r in rest[:step]])
        elif len(candidates) == step:  # the first slice is known: its lookup need not wait
            ahead.prime([c.external_id for c in candidates])

    def _slices(self, ctx: RunContext, candidates: list[Candidate], size: int,
                looking: tuple[LookAhead, int] | None, *, force: bool
                ) -> Generator[tuple[list[Candidate], Lookup | None]]:  # fmt: skip
        """The page's write batches, each with its lookup when the target takes them ahead
        (`looking`, from `_look_ahead`; `sync.lookahead`: smaller slices, the next one's
        lookup beside this one's writes)."""
        if looking is None:
            batches = range(0, len(candidates), size)
            return ((candidates[start : start + size], None) for start in batches)
        ahead, step = looking
        slices = [candidates[start : start + step] for start in range(0, len(candidates), step)]

        def upcoming() -> list[str] | None:
            # A full run's next page, when it is read already and its records' source ids
            # are their external ids (as on this page): its first slice, looked up early.
            exact = all(c.external_id == c.source_id for c in candidates)
            page = ctx.upcoming() if force and candidates and exact else None
            return [_source_id(ctx.flow.mapping, r) for r in page[:step]] if page else None

        return ahead.slices(slices, upcoming)

    def _candidate(
        self,
        ctx: RunContext,
        record: Record,
        out: PageOutcome,
        deleted: list[CrosswalkEntry],
        *,
        force: bool,
        now: datetime,
    ) -> Candidate | None:
        """One source record mapped and validated into a write candidate; None when it is
        not this flow's, deleted (gathered in `deleted`), held (in `out.quarantine`) or
        unchanged since its last sync."""
        spec, result = ctx.flow.mapping, ctx.result
        result.counts.read += 1
        if spec.target.update_only and record.fields.get(spec.source_key) in (None, ""):
            result.counts.skipped += 1  # not linked to a target record: not this flow's
            return None
        source_id = _source_id(spec, record)
        if record.deleted:
            if source_id in ctx.crosswalk:
                deleted.append(ctx.crosswalk[source_id])
            return None
        ctx.seen.add(source_id)  # seen even outside the segment: it is not deleted
        segment = spec.segment
        if segment is not None and not segment.holds(source_id, record.fields):
            result.counts.skipped += 1  # another rollout phase's record
            return None
        with ctx.stages.timing("transform"):
            mapped = apply_mapping(spec, record.fields, refs=ctx.refs)
        held = self._held(ctx, record, source_id, mapped, now)
        if held is not None:
            out.quarantine.append(held)
            return None
        digest = content_hash(mapped.payload)
        if self._unchanged(ctx, source_id, digest, force=force):
            result.counts.unchanged += 1
            return None
        flags = [{"target": f.target, "code": f.code, "message": f.message} for f in mapped.flags]
        external_id = str(get_path(mapped.payload, spec.external_id_field) or source_id)
        return Candidate(record, source_id, external_id, mapped.payload, digest, flags)

    def _held(
        self, ctx: RunContext, record: Record, source_id: str, mapped: Mapped, now: datetime
    ) -> QuarantineEntry | None:
        """Why a mapped record may not be written (drift, mapping or schema issues), if so."""
        spec = ctx.flow.mapping
        issues = list(mapped.issues)
        if mapped.ok:
            with ctx.stages.timing("validate"):
                issues = validate_against_schema(
                    body(spec, mapped.payload),
                    ctx.watch.target_schema,
                    update=spec.target.update_only,
                )
        drifts = ctx.watch.affecting(mapped.payload, ctx.reads) if ctx.watch.drifts else []
        if drifts:
            return self._drifted(ctx, record, source_id, mapped.payload, drifts)
        if not issues:
            return None
        waits = all(i.code == "unresolved_reference" for i in issues)
        return entries_.quarantine_entry(
            ctx.result.run_id, ctx.flow.name, record, source_id,
            reason="unresolved_reference" if waits else "validation", code=issues[0].code,
            message="; ".join(i.message for i in issues), mapped=mapped.payload, now=now,
        )  # fmt: skip

    @staticmethod
    def _unchanged(ctx: RunContext, source_id: str, digest: str, *, force: bool) -> bool:
        """The hash skip: the source's mapped content is what the flow last synced, and the
        record is not waiting in quarantine, so the target is not even looked up."""
        known = ctx.crosswalk.get(source_id)
        return (
            not force
            and known is not None
            and known.content_hash == digest
            and source_id not in ctx.open_quarantine
        )

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
                quarantine=page_out.quarantine,
                resolved_quarantine=page_out.resolved,
                planned=[],
                watermark=mark,
                forget=page_out.forget,
                settle=page_out.settle,
            )
        ctx.pages_committed += 1
        ctx.writes_committed += sum(1 for s in page_out.settle if s.outcome == "applied")

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


def _source_id(spec: MappingSpec, record: Record) -> str:
    """The id a source record is known by in the crosswalk: its source key, else its id."""
    return str(record.fields.get(spec.source_key) or record.id)
