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
from reconcile.model import FlowScore, ReconcileReport
from reconcile.reconciler import ProgressFn, build_report, reconcile_flow
from reconcile.render import write_reports
from sync.connectors import create_connector
from sync.connectors.base import Connector
from sync.engine import Flow, Mode, RunResult, SyncEngine
from sync.mapping import MappingSpec, load_mapping
from sync.state import StateStore


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
) -> tuple[ReconcileReport, dict[str, Path]]:
    """Reconcile flows read-only and (optionally) write the JSON and Markdown reports."""
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
    paths = write_reports(report, reports_dir or config.reports_dir) if write else {}
    return report, paths


def _memory(config: HarnessConfig, flow: str) -> SyncMemory:
    if not config.state_path.exists():
        return SyncMemory()
    with StateStore(config.state_path) as state:
        return SyncMemory(
            crosswalk=state.crosswalk_all(flow),
            quarantine={q.source_id: q for q in state.quarantined(flow, status="open")},
        )
