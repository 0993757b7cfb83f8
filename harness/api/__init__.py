"""The public API behind the CLI and the Gherkin steps: wire config, connectors, state and flows.

This is the only place that puts the pieces together (DESIGN.md); the CLI and the BDD step
library both call these functions, so a scenario exercises exactly what a user runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from harness.api.report_context import report_context
from harness.config import FlowConfig, HarnessConfig
from harness.monitoring import alerts
from harness.monitoring.health import HealthReport, collect_health
from harness.monitoring.logs import adopt_config
from harness.monitoring.retention import PruneReport, prune
from reconcile.model import FlowScore, ReconcileReport
from sync.connectors import create_connector
from sync.errors import ConfigError, SyncError
from sync.state import QuarantineEntry, ReconcileSummary, RunInfo, StateError, StateStore
from sync.state import quarantine as qlib

if TYPE_CHECKING:
    # The engine, the mapping, the comparer and the renderers are imported by the functions
    # that use them: every command imports this module, and `harness --help` needs none.
    from reconcile.explain import SyncMemory
    from reconcile.reading import ProgressFn
    from sync.connectors.base import Connector
    from sync.engine import Flow, Mode, RunResult
    from sync.governance import Owner
    from sync.mapping import MappingSpec
    from sync.rollback import RollbackResult

Clock = Callable[[], datetime]
TREND_DEPTH = 200  # past flow summaries the HTML report's trend chart draws


@dataclass(frozen=True)
class FlowPlan:
    config: FlowConfig
    spec: MappingSpec

    def engine_flow(self) -> Flow:
        from sync.engine import Flow

        return Flow(
            self.config.name,
            self.spec,
            batch_size=self.config.batch_size,
            lookback=timedelta(seconds=self.config.lookback_seconds),
            schema_recheck=timedelta(seconds=self.config.schema_recheck_seconds),
        )


def load_flows(config: HarnessConfig, names: Sequence[str] | None = None) -> list[FlowPlan]:
    """Resolve and load the mappings of the named flows (all when `names` is empty)."""
    from harness.rollout import segmented
    from sync.mapping import load_mapping

    chosen = [config.flow(n) for n in names] if names else list(config.flows)
    # A phased rollout limits each flow to the active phase's segment (sync and reconcile).
    return [FlowPlan(flow, segmented(config, load_mapping(flow.mapping))) for flow in chosen]


@contextmanager
def open_connectors(
    config: HarnessConfig, *, read_only: bool = False
) -> Iterator[dict[str, Connector]]:
    """Connectors for every configured system, closed on exit."""
    with ExitStack() as stack:
        connectors: dict[str, Connector] = {}
        # Resolved together, so a missing variable error names every one that is missing.
        for name, settings in config.connection_settings().items():
            if read_only and not settings.read_only:
                settings = replace(settings, read_only=True)
            connector = create_connector(settings)
            stack.callback(connector.close)
            connectors[name] = connector
        yield connectors


def run_sync(
    config: HarnessConfig,
    flow_name: str,
    *,
    mode: Mode = "live",
    full: bool | None = None,
    progress: ProgressFn | None = None,
    clock: Clock | None = None,
) -> RunResult:
    """Run one flow once, recording into the configured state store. Afterwards the run is
    checked against the `alerts:` rules and any alert is posted (never failing the sync).
    `full=None`: a shadow run reads the whole source (a shadow judges everything the target
    holds; the live runs' watermark would show it only the latest changes), others read
    incrementally. `clock` (default: the wall clock) stamps the run, its watermarks and its
    crosswalk rows: `harness soak` runs the engine on simulated time."""
    from harness.rollout import capped_mode
    from sync.engine import SyncEngine

    mode = capped_mode(config, mode)  # a shadow phase writes nothing
    if full is None:
        full = mode == "shadow"

    (plan,) = load_flows(config, [flow_name])
    config.state_path.parent.mkdir(parents=True, exist_ok=True)
    adopt_config(config, os.environ)
    now = clock or _utc_now
    started = now()
    try:
        with (
            open_connectors(config, read_only=mode != "live") as connectors,
            StateStore(config.state_path, clock=clock) as state,
        ):
            engine = SyncEngine(
                connectors[plan.config.source],
                connectors[plan.config.target],
                state,
                progress=progress,
                clock=now,
            )
            result = engine.run(plan.engine_flow(), mode=mode, full=full)
    except SyncError:
        _alert_failed_run(config, flow_name, started)
        raise
    alerts.after_run(config, result.run_id)
    return result


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _alert_failed_run(config: HarnessConfig, flow: str, started: datetime) -> None:
    """Alert on the run that just failed (if one was started: a busy flow starts none)."""
    if config.alerts.webhook_url() is None:
        return
    try:
        with StateStore(config.state_path) as state:
            latest = state.runs(flow, limit=1)
    except StateError:
        return
    if latest and latest[0].status == "failed" and latest[0].started_at >= started:
        alerts.after_run(config, latest[0].run_id)


def run_reconcile(
    config: HarnessConfig,
    flow_names: Sequence[str] | None = None,
    *,
    progress: ProgressFn | None = None,
    write: bool = True,
    reports_dir: Path | None = None,
    mask_pii: bool = False,
    clock: Clock | None = None,
) -> tuple[ReconcileReport, dict[str, Path]]:
    """Reconcile flows read-only and (optionally) write the reports (JSON, Markdown, HTML,
    JUnit XML). The state file the syncs wrote must exist (a missing one is a ConfigError);
    the summary is recorded in its reconcile log, from which the HTML report draws the trend.
    `mask_pii` masks names, emails and phones in the report before anything renders it.
    `clock` (default: the wall clock) dates the report and its entry in the reconcile log,
    so a soak's trend runs on simulated days."""
    from reconcile.mask import mask_report
    from reconcile.reconciler import build_report, reconcile_flow
    from reconcile.render import write_reports

    plans = load_flows(config, flow_names)
    _require_state_file(config)
    started = datetime.now(UTC)
    scores: list[FlowScore] = []
    with open_connectors(config, read_only=True) as connectors:
        for plan in plans:
            memory = _memory(config, plan.config.name, plan.spec)
            scores.append(
                reconcile_flow(
                    plan.config.name,
                    plan.spec,
                    connectors[plan.config.source],
                    connectors[plan.config.target],
                    memory=memory,
                    progress=progress,
                )
            )
    report = build_report(scores, config.thresholds, {"config": str(config.path)})
    seconds = (datetime.now(UTC) - started).total_seconds()
    flows = [plan.config.name for plan in plans]
    report = replace(report, context=report_context(config, flows, started, seconds))
    if clock is not None:
        report = replace(report, generated_at=clock().isoformat(timespec="seconds"))
    if mask_pii:
        report = mask_report(report)
    history = record_reconcile(config, report)
    paths = (
        write_reports(report, reports_dir or config.reports_dir, history=history) if write else {}
    )
    return report, paths


def _require_state_file(config: HarnessConfig) -> None:
    """A reconcile judges what the syncs recorded: a missing (or misspelt) state path is an
    error, never a fresh empty database that makes every pair look new."""
    if not config.state_path.is_file():
        raise ConfigError(
            f"no state file at {config.state_path}: check `state.path`, or run "
            "`harness sync` first (a reconcile never creates one)",
            file=str(config.path),
            key="state.path",
        )


def record_reconcile(config: HarnessConfig, report: ReconcileReport) -> list[ReconcileSummary]:
    """Log the report's per-flow summary in the state file; returns the log's recent rows
    (this reconcile included), or nothing when the state file cannot be opened or created:
    a reconcile is read-only towards the systems and must not fail over its own history."""
    from reconcile.history import summarize

    try:
        with StateStore(config.state_path) as state:
            state.record_reconcile(summarize(report, str(config.path)))
            return state.reconcile_history(limit=TREND_DEPTH)
    except (StateError, OSError):
        return []


def run_history(config: HarnessConfig, flow: str | None = None, limit: int = 50) -> list[RunInfo]:
    """Past sync runs, newest first (none when there is no state file)."""
    if not config.state_path.exists():
        return []
    with StateStore(config.state_path) as state:
        return state.runs(flow, limit)


def reconcile_history(
    config: HarnessConfig, flow: str | None = None, limit: int = 50
) -> list[ReconcileSummary]:
    """Past reconciles' per-flow summaries, newest first (none when there is no state file)."""
    if not config.state_path.exists():
        return []
    with StateStore(config.state_path) as state:
        return state.reconcile_history(flow, limit)


def _memory(config: HarnessConfig, flow: str, spec: MappingSpec | None = None) -> SyncMemory:
    from reconcile.explain import SyncMemory
    from sync.references import TableResolver, load_reference_tables

    with StateStore(config.state_path) as state:  # it exists: `_require_state_file`
        live_runs = [r for r in state.runs(flow, limit=10_000) if r.mode == "live"]
        refs = spec.references if spec is not None else ()
        mark = state.watermark(flow)
        lookback = timedelta(seconds=config.flow(flow).lookback_seconds)
        return SyncMemory(
            crosswalk=state.crosswalk_all(flow),
            quarantine={q.source_id: q for q in state.quarantined(flow, status="open")},
            live_since=min((r.started_at for r in live_runs), default=None),
            refs=TableResolver(load_reference_tables(state, refs)) if refs else None,
            read_through=mark.modified_at - lookback if mark is not None else None,
        )


# -- operations: rollback, quarantine, monitoring --------------------------------------------


def _existing_state(config: HarnessConfig) -> StateStore:
    if not config.state_path.exists():
        raise StateError(f"no state file at {config.state_path}; nothing has been synced yet")
    return StateStore(config.state_path)


def run_rollback(
    config: HarnessConfig,
    run_id: str,
    *,
    dry_run: bool = False,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
) -> RollbackResult:
    """Undo a live run through its flow's target connector (see `sync.rollback`); with
    `dry_run` the target is opened read-only and nothing is written anywhere. A rollback of
    the run stopped midway is resumed; `force` also takes over one recorded as running on
    another host (and overwrites records edited since the run)."""
    from sync.rollback import rollback_run

    adopt_config(config, os.environ)
    with _existing_state(config) as state:
        # Left 'running' by a killed process, it is judged under the flow's lock, in the undo.
        of_run = state.get_run(run_id) or state.check_rollbackable(run_id)
        (plan,) = load_flows(config, [of_run.flow])
        with open_connectors(config, read_only=dry_run) as connectors:
            return rollback_run(
                state,
                connectors[plan.config.target],
                run_id,
                target_object=plan.spec.target.object,
                external_id_field=plan.spec.external_id_field,
                dry_run=dry_run,
                force=force,
                progress=progress,
            )


def quarantine_list(
    config: HarnessConfig,
    *,
    flow: str | None = None,
    reason: str | None = None,
    status: str | None = "open",
) -> list[QuarantineEntry]:
    """Quarantine entries, oldest first (none when there is no state file)."""
    if not config.state_path.exists():
        return []
    with StateStore(config.state_path) as state:
        return qlib.list_entries(state, flow=flow, reason=reason, status=status)


def quarantine_show(config: HarnessConfig, qid: str) -> qlib.EntryDetail:
    with _existing_state(config) as state:
        return qlib.entry_detail(state, qid)


def quarantine_discard(
    config: HarnessConfig, qids: Sequence[str], *, by: str, note: str | None = None
) -> list[QuarantineEntry]:
    """Close open entries as discarded by a person; all or none."""
    with _existing_state(config) as state:
        return state.quarantine_discard(qids, by=by, note=note)


def select_replay(
    config: HarnessConfig,
    qids: Sequence[str] = (),
    *,
    flow: str | None = None,
    reason: str | None = None,
) -> dict[str, list[QuarantineEntry]]:
    """The open entries `harness quarantine replay` would re-run, grouped by flow."""
    with _existing_state(config) as state:
        return qlib.select_for_replay(state, qids, flow=flow, reason=reason)


def run_replay(
    config: HarnessConfig,
    flow_name: str,
    qids_or_source_ids: Sequence[str],
    *,
    mode: Mode = "live",
    progress: ProgressFn | None = None,
) -> RunResult:
    """Re-run only these records of one flow through the current mapping (a 'replay' run):
    written ones leave the quarantine as replayed, failing ones stay open with the new
    reason. Tokens may be quarantine ids or source ids."""
    from sync.engine import SyncEngine

    (plan,) = load_flows(config, [flow_name])
    adopt_config(config, os.environ)
    with (
        _existing_state(config) as state,
        open_connectors(config, read_only=mode != "live") as connectors,
    ):
        source_ids = qlib.source_ids_for(state, flow_name, qids_or_source_ids)
        engine = SyncEngine(
            connectors[plan.config.source], connectors[plan.config.target], state, progress=progress
        )
        return engine.replay(plan.engine_flow(), source_ids, mode=mode)


def side_of(config: HarnessConfig, flow_name: str, system: str) -> Owner:
    """Which side of the flow a system name (`crm`, `erp`, ...) is."""
    flow = config.flow(flow_name)
    if system == flow.source:
        return "source"
    if system == flow.target:
        return "target"
    raise ConfigError(
        f"flow {flow_name!r} runs {flow.source} -> {flow.target}; keep one of those, "
        f"not {system!r}",
        key="--keep",
    )


def run_resolve_conflicts(
    config: HarnessConfig, flow_name: str, tokens: Sequence[str], *, keep: str, by: str
) -> RunResult:
    """Settle held conflicts of one flow by keeping one system's values (a replay run).

    `tokens` are quarantine ids or source ids; `keep` is a system name from harness.yaml.
    """
    if not by.strip():
        raise ConfigError("say who decides with --by NAME: the audit log records it", key="--by")
    from sync.engine import SyncEngine

    side = side_of(config, flow_name, keep)
    (plan,) = load_flows(config, [flow_name])
    adopt_config(config, os.environ)
    with _existing_state(config) as state, open_connectors(config) as connectors:
        source_ids = qlib.source_ids_for(state, flow_name, tokens)
        held = {q.source_id for q in state.quarantined(flow_name) if q.reason == "conflict"}
        stray = [s for s in source_ids if s not in held]
        if stray:
            raise ConfigError(
                f"not held for a conflict in flow {flow_name!r}: {', '.join(stray)}; "
                "see `harness conflicts list`"
            )
        engine = SyncEngine(connectors[plan.config.source], connectors[plan.config.target], state)
        return engine.resolve_conflicts(plan.engine_flow(), source_ids, keep=side, by=by)


def health(config: HarnessConfig, now: datetime | None = None) -> HealthReport | None:
    """Every flow's health from the state file (None when there is none yet)."""
    if not config.state_path.exists():
        return None
    with StateStore(config.state_path) as state:
        flows = [f.name for f in config.flows]
        return collect_health(state, flows, now or datetime.now(UTC))


def metrics_text(config: HarnessConfig) -> str:
    """The state file's metrics in Prometheus text format."""
    from harness.monitoring.metrics import render_metrics

    return render_metrics(config.state_path, tuple(f.name for f in config.flows))


def prune_history(
    config: HarnessConfig, *, older_than: timedelta | None = None, dry_run: bool = False
) -> PruneReport:
    """Apply the retention window (default `retention.days`) to the state file and logs."""
    return prune(config, datetime.now(UTC), older_than=older_than, dry_run=dry_run)
