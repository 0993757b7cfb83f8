"""The public API behind the CLI and the Gherkin steps: wire config, connectors, state and flows.

This is the only place that puts the pieces together (DESIGN.md); the CLI and the BDD step
library both call these functions, so a scenario exercises exactly what a user runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from harness.config import FlowConfig, HarnessConfig
from reconcile.explain import SyncMemory
from reconcile.history import summarize
from reconcile.mask import mask_report
from reconcile.model import FlowScore, ReconcileReport
from reconcile.reconciler import ProgressFn, build_report, reconcile_flow
from reconcile.render import write_reports
from sync.connectors import create_connector
from sync.connectors.base import Connector
from sync.engine import Flow, Mode, RunResult, SyncEngine
from sync.mapping import MappingSpec, load_mapping
from sync.state import ReconcileSummary, RunInfo, StateError, StateStore

TREND_DEPTH = 200  # past flow summaries the HTML report's trend chart draws


@dataclass(frozen=True)
class FlowPlan:
    config: FlowConfig
    spec: MappingSpec

    def engine_flow(self) -> Flow:
        return Flow(self.config.name, self.spec, batch_size=self.config.batch_size)


def load_flows(config: HarnessConfig, names: Sequence[str] | None = None) -> list[FlowPlan]:
    """Resolve and load the mappings of the named flows (all when `names` is empty)."""
    chosen = [config.flow(n) for n in names] if names else list(config.flows)
    return [FlowPlan(flow, load_mapping(flow.mapping)) for flow in chosen]


@contextmanager
def open_connectors(
    config: HarnessConfig, *, read_only: bool = False
) -> Iterator[dict[str, Connector]]:
    """Connectors for every configured system, closed on exit."""
    with ExitStack() as stack:
        connectors: dict[str, Connector] = {}
        for name, system in config.systems.items():
            settings = system.connection_settings()
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
    full: bool = False,
    progress: ProgressFn | None = None,
) -> RunResult:
    """Run one flow once, recording into the configured state store."""
    (plan,) = load_flows(config, [flow_name])
    config.state_path.parent.mkdir(parents=True, exist_ok=True)
    with (
        open_connectors(config, read_only=mode != "live") as connectors,
        StateStore(config.state_path) as state,
    ):
        engine = SyncEngine(
            connectors[plan.config.source], connectors[plan.config.target], state, progress=progress
        )
        return engine.run(plan.engine_flow(), mode=mode, full=full)


def run_reconcile(
    config: HarnessConfig,
    flow_names: Sequence[str] | None = None,
    *,
    progress: ProgressFn | None = None,
    write: bool = True,
    reports_dir: Path | None = None,
    mask_pii: bool = False,
) -> tuple[ReconcileReport, dict[str, Path]]:
    """Reconcile flows read-only and (optionally) write the reports (JSON, Markdown, HTML,
    JUnit XML). The summary is recorded in the state file's reconcile log (when the file
    exists or can be created); the HTML report draws the trend from that log. `mask_pii`
    masks names, emails and phones in the report before anything renders it."""
    plans = load_flows(config, flow_names)
    scores: list[FlowScore] = []
    with open_connectors(config, read_only=True) as connectors:
        for plan in plans:
            memory = _memory(config, plan.config.name)
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
    if mask_pii:
        report = mask_report(report)
    history = record_reconcile(config, report)
    paths = (
        write_reports(report, reports_dir or config.reports_dir, history=history) if write else {}
    )
    return report, paths


def record_reconcile(config: HarnessConfig, report: ReconcileReport) -> list[ReconcileSummary]:
    """Log the report's per-flow summary in the state file; returns the log's recent rows
    (this reconcile included), or nothing when the state file cannot be opened or created:
    a reconcile is read-only towards the systems and must not fail over its own history."""
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


def _memory(config: HarnessConfig, flow: str) -> SyncMemory:
    if not config.state_path.exists():
        return SyncMemory()
    with StateStore(config.state_path) as state:
        live_runs = [r for r in state.runs(flow, limit=10_000) if r.mode == "live"]
        return SyncMemory(
            crosswalk=state.crosswalk_all(flow),
            quarantine={q.source_id: q for q in state.quarantined(flow, status="open")},
            live_since=min((r.started_at for r in live_runs), default=None),
        )
