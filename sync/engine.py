"""The sync engine: read -> map -> validate -> write -> record, one page at a time.

Modes: `dry-run` and `shadow` compute the writes a live run would make and record them as a
plan without touching the target (the CLI prints a dry-run's plan; `harness shadow-report`
turns a shadow run's into a report); `live` writes. Every mode reads the target's current
image of each changed record, so a plan lists only fields that really differ, the audit gets
its before-images, and a lost state file heals without duplicates (writes are upserts by
external id).

A page is committed to the state store in one transaction together with the watermark that
covers it, so a crash (even `kill -9`) replays at most one page, and replays are idempotent.
Every write's audit row is stored as an intent before the write goes out and settled with
the page (`sync.writes`); a process killed in between leaves intents the next run settles by
reading the target (`sync.intents`). One process at a time runs a flow (`sync.flowlock`); a
run a dead process left "running" is closed as `interrupted` by the next one, and a run
stopped by Ctrl-C ends `interrupted` and raises `SyncInterrupted` saying what it committed.
Both sides' schemas are watched for drift mid-run (`sync.schema_watch`); records touching a
drifted field go to quarantine, never out wrong.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime

from sync._entries import STALE_TARGET
from sync.conflicts import edited_behind
from sync.connectors.base import Connector, Record, Watermark
from sync.flow import (
    MODES,
    STAGES,
    Flow,
    Mode,
    PlannedWrite,
    RunCounts,
    RunResult,
    StageClock,
    sized_for,
)
from sync.flowlock import flow_lock
from sync.governance import Owner
from sync.intents import INTERRUPTED, close_dead_runs, settle_leftovers
from sync.mapping.validate import check_target_fields
from sync.pages import PageOutcome, PageRunner, RunContext
from sync.readahead import ReadAhead, gathered
from sync.references import CrosswalkResolver
from sync.replay import replay_records
from sync.schema_watch import SchemaWatch
from sync.state import StateError, StateStore

__all__ = [
    "INTERRUPTED",
    "MODES",
    "STAGES",
    "Flow",
    "Mode",
    "PlannedWrite",
    "RunCounts",
    "RunResult",
    "SyncEngine",
    "SyncInterrupted",
]

log = logging.getLogger(__name__)
ProgressFn = Callable[[str, int], None]
# A run's pages, given the flow sized for its target and the run's result: asked for once
# the source's schema is in, before the target's and the state's lookups (`_locked_run`).
Pages = Callable[[Flow, RunResult], Iterable[list[Record]]]
STOPPED = "interrupted: stopped by the user (Ctrl-C); the next run resumes from the watermark"


class SyncInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a run: it is recorded as `interrupted`, and this says what it had made
    durable (committed pages and their writes, the watermark) before it stopped."""

    def __init__(
        self, result: RunResult, pages: int, written: int, watermark: Watermark | None
    ) -> None:
        super().__init__(f"run {result.run_id} of {result.flow} interrupted")
        self.result, self.pages, self.written, self.watermark = result, pages, written, watermark


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
        self._pages = PageRunner(source, target, state, clock)

    def run(self, flow: Flow, *, mode: Mode = "live", full: bool = False) -> RunResult:
        """Run `flow` once. Raises only `SyncError`s that abort the run (auth, config, an open
        circuit, ...); the run is then marked failed with the reason, and everything
        committed stays."""
        watermark = None if full else self.state.watermark(flow.name)
        kind = "full" if watermark is None else "incremental"
        since = None
        if watermark is not None:
            since = Watermark(watermark.modified_at - flow.lookback, watermark.record_id)

        def pages(sized: Flow, _result: RunResult) -> Iterator[list[Record]]:
            spec = flow.mapping
            read: Iterator[list[Record]] = self.source.read(
                spec.source.object,
                fields=spec.source_fields,
                since=since,
                include_deleted=spec.deletes.policy != "ignore",
            )
            if sized.batch_size > flow.batch_size:  # the target asked for larger rounds
                read = gathered(read, sized.batch_size)
            return ReadAhead(read, name=f"read-ahead {flow.name}")

        # A full run verifies the target: no record is skipped for an unchanged content hash,
        # so a target record deleted or edited outside the flow is found and repaired.
        return self._execute(flow, mode, kind, pages, force=full)

    def resolve_conflicts(
        self, flow: Flow, source_ids: Sequence[str], *, keep: Owner, by: str
    ) -> RunResult:
        """A data steward's decision on records held for a `manual` conflict: keep the
        source's values (written over the target's edits) or the target's (the flow stops
        claiming those fields until the source changes them). A replay run; the entries
        leave the quarantine when it succeeds."""
        if keep not in ("source", "target"):
            raise ValueError(f"keep must be 'source' or 'target', got {keep!r}")
        return self.replay(flow, source_ids, steward=(keep, by))

    def replay(
        self,
        flow: Flow,
        source_ids: Sequence[str],
        *,
        mode: Mode = "live",
        steward: tuple[Owner, str] | None = None,
    ) -> RunResult:
        """Re-run only these source records (quarantined ones, typically after a mapping fix).

        Each is re-read from the source by its key (the quarantined payload is used when the
        source cannot be looked up by key); written ones leave the quarantine as 'replayed',
        failing ones stay open with the new reason, and one the source no longer holds stays
        open saying so. The watermark does not move.
        """
        wanted = list(dict.fromkeys(str(s) for s in source_ids))

        def pages(_sized: Flow, result: RunResult) -> Iterator[list[Record]]:
            records, gone = replay_records(
                self.source, self.state, flow, wanted, result, self._clock
            )
            if gone:
                result.counts.quarantined += len(gone)
                result.quarantined.extend(gone)
            size = max(1, flow.batch_size)
            for start in range(0, len(records), size):
                yield records[start : start + size]

        return self._execute(flow, mode, "replay", pages, force=True, steward=steward)

    # -- one run -----------------------------------------------------------------------------

    def _execute(
        self,
        flow: Flow,
        mode: Mode,
        kind: str,
        pages: Pages,
        *,
        force: bool,
        steward: tuple[Owner, str] | None = None,
    ) -> RunResult:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        flow = sized_for(flow, self.target)
        with flow_lock(self.state.path, flow.name):
            self._close_interrupted(flow.name)
            return self._locked_run(flow, mode, kind, pages, force=force, steward=steward)

    def _locked_run(
        self,
        flow: Flow,
        mode: Mode,
        kind: str,
        pages: Pages,
        *,
        force: bool,
        steward: tuple[Owner, str] | None = None,
    ) -> RunResult:
        run = self.state.start_run(flow.name, mode, kind)
        result = RunResult(run.run_id, flow.name, mode, kind, "running", RunCounts())
        stages = StageClock()
        started = time.perf_counter()
        source_calls, target_calls = self.source.call_count(), self.target.call_count()
        ctx: RunContext | None = None
        reading: list[Iterator[list[Record]]] = []

        def start_reading() -> None:
            # As soon as the source's schema is in (a read plans its queries on it): the read's
            # first round trips need not wait for the target's schema and the state's lookups.
            # It only reads, and is closed below if the run stops before using it.
            reading.append(iter(pages(flow, result)))

        try:
            ctx = self._context(flow, result, stages, steward, start_reading)
            self._run_all(ctx, reading[0], kind=kind, force=force)
            result.status = "succeeded" if result.counts.quarantined == 0 else "partial"
        except KeyboardInterrupt:  # Ctrl-C: what is committed stays, the next run resumes
            result.status, result.error = "interrupted", STOPPED
            raise self._interrupted(ctx, result) from None
        except BaseException as exc:  # the run row must never stay "running"; re-raised below
            result.status = "failed"
            result.error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            for read in reading:
                close = getattr(read, "close", None)
                if close is not None:
                    close()
            if ctx is not None and ctx.ahead is not None:
                ctx.ahead.close()  # forgets, never waits: a stop is not held up by a read
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

    def _context(
        self,
        flow: Flow,
        result: RunResult,
        stages: StageClock,
        steward: tuple[Owner, str] | None,
        source_described: Callable[[], None],
    ) -> RunContext:
        spec = flow.mapping
        watch = SchemaWatch(
            self.source,
            self.target,
            spec.source.object,
            spec.target.object,
            every=flow.schema_recheck,
            clock=self._monotonic,
            source_described=source_described,
        )
        # A target field the target lacks would refuse every record: refuse the run first.
        check_target_fields(spec, watch.target_schema)
        return RunContext(
            flow,
            result,
            watch,
            self.state.crosswalk_all(flow.name),
            self.state.quarantine_open_ids(flow.name),
            stages,
            frozenset(name.split(".")[0] for name in spec.source_fields),
            CrosswalkResolver(self.state) if spec.references else None,
            steward,
        )

    def _run_all(
        self,
        ctx: RunContext,
        iterator: Iterator[list[Record]],
        *,
        kind: str,
        force: bool,
    ) -> None:
        """Settle what a stopped run left, retry the waiting, run every page, then sweep
        deletes and watch the target as the flow says."""
        flow, spec, mode = ctx.flow, ctx.flow.mapping, ctx.result.mode
        if mode == "live":
            settle_leftovers(
                self.state, self.target, flow=flow.name, run_id=ctx.result.run_id,
                target_object=spec.target.object, external_id_field=spec.external_id_field,
            )  # fmt: skip
        if kind != "replay" and mode == "live":
            self._retry_waiting(ctx)
        ctx.progress = lambda records: self._progress("read", records)
        ctx.upcoming = getattr(iterator, "peek", ctx.upcoming)
        try:
            while True:
                with ctx.stages.timing("read"):  # waiting on the source, not overlapped
                    page = next(iterator, None)
                if page is None:
                    break
                self._pages.run_page(ctx, page, force=force, move_watermark=kind != "replay")
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()
        if kind == "full" and spec.deletes.policy != "ignore":
            self._sweep_deletes(ctx)
        if kind != "replay" and mode == "live" and spec.governance.watch_target:
            self._watch_target(ctx)

    def _interrupted(self, ctx: RunContext | None, result: RunResult) -> SyncInterrupted:
        pages = ctx.pages_committed if ctx is not None else 0
        written = ctx.writes_committed if ctx is not None else 0
        try:
            mark = self.state.watermark(result.flow)
        except StateError:  # say what was committed without it: Ctrl-C still exits 130
            mark = None
        return SyncInterrupted(result, pages, written, mark)

    def _retry_waiting(self, ctx: RunContext) -> None:
        """Records quarantined for a reason that can pass by itself - a reference not synced
        yet, a rate limit that ran out, a write refused because the target changed the record
        after it was read - get another try at the start of every run."""
        waiting = [
            q.source_id
            for q in self.state.quarantined(ctx.flow.name)
            if (q.reason in ("unresolved_reference", "rate_limit_exhausted")
                or (q.reason == "conflict" and q.code == STALE_TARGET))
            and q.code != "SOURCE_MISSING"
        ]  # fmt: skip
        if not waiting:
            return
        records, gone = replay_records(
            self.source, self.state, ctx.flow, waiting, ctx.result, self._clock
        )
        ctx.result.quarantined.extend(gone)
        ctx.result.counts.quarantined += len(gone)
        size = max(1, ctx.flow.batch_size)
        for start in range(0, len(records), size):
            self._pages.run_page(
                ctx, records[start : start + size], force=True, move_watermark=False
            )

    def _watch_target(self, ctx: RunContext) -> None:
        """Find edits made in the target to records the flow synced, while their source stayed
        the same: each is run again (forced), so governance settles it like any conflict.

        The target's changes are listed cheaply (ids, external ids, modification times). The
        flow's own writes are among them (echoes): a change no later than the flow's last
        write of that record is one and costs nothing more; the rest are fetched, and only
        those whose owned fields no longer hold what the flow wrote (or accepted) are run.
        A target that stamps changes to the second (NetSuite) hides an edit made within the
        same second as the flow's write; the next change of that record's source finds it.
        """
        flow, spec = ctx.flow, ctx.flow.mapping
        mark = self.state.target_watermark(flow.name)
        run = self.state.get_run(ctx.result.run_id)
        if mark is None:  # first watch: start from now, there is no baseline to compare
            if run is not None:
                self.state.commit_page(
                    run.run_id, flow.name, target_watermark=Watermark(run.started_at)
                )
            return
        by_external = {e.external_id: e for e in ctx.crosswalk.values()}
        since = Watermark(mark.modified_at - flow.lookback, mark.record_id)
        obj, key = spec.target.object, spec.external_id_field
        for page in self.target.changes(obj, key, since):
            later = [
                entry
                for change in page
                if (entry := by_external.get(change.external_id or "")) is not None
                and entry.last_sync
                and change.modified_at > entry.synced_at
            ]
            current = self.target.get_by_external_id(obj, key, [e.external_id for e in later])
            suspects = [
                e.source_id
                for e in later
                if e.external_id in current and edited_behind(spec, e, current[e.external_id])
            ]
            if suspects:
                records, _gone = replay_records(
                    self.source, self.state, flow, suspects, ctx.result, self._clock
                )
                if records:
                    self._pages.run_page(ctx, records, force=True, move_watermark=False)
            last = max(page, key=lambda r: (r.modified_at, r.id))
            self.state.commit_page(
                ctx.result.run_id,
                flow.name,
                target_watermark=Watermark(last.modified_at, last.id),
            )

    def _sweep_deletes(self, ctx: RunContext) -> None:
        """After a full read: synced records the source no longer returned were deleted
        (hard deletes included, which no deleted-records feed shows)."""
        gone = [e for sid, e in ctx.crosswalk.items() if sid not in ctx.seen]
        size = max(1, ctx.flow.batch_size)
        for start in range(0, len(gone), size):
            out = PageOutcome(quarantine=[])
            self._pages.delete(ctx, gone[start : start + size], out)
            self._pages.commit(ctx, out, [], mark=None)

    def _close_interrupted(self, flow: str) -> None:
        """Holding the flow lock, any run still 'running' belongs to a dead process."""
        close_dead_runs(self.state, flow)

    # -- one page ----------------------------------------------------------------------------
