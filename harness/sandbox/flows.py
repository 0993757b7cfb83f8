"""Every business flow of a pair, both directions, in one sandbox.

A pair's mappings form one integration: the CRM owns customers, contacts and orders; the ERP
owns the catalogue, prices, stock, invoices, receivables and the customers' finance. Flows
that swap ids through another flow's crosswalk (`reference: {flow: ...}`) depend on it, so
`depends_on` and the run order follow the references (the canonical model derives them):
customers -> contacts, orders, customer_finance; products -> prices, orders, inventory;
orders -> invoices -> payments.

`harness sandbox --all-flows` and the Gherkin steps configure every flow of the pair
(`Sandbox.pair.flows`) and `run_business_flows` runs them in dependency order, then
reconciles each one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from harness.api import run_reconcile, run_sync
from harness.config import FlowConfig, HarnessConfig
from harness.config.schedule import dependency_order
from harness.sandbox.box import Sandbox
from harness.sandbox.pairs import FlowDef, PairFlows, pair_flows
from mocks.world.generator import WorldSettings
from mocks.world.settings import DEFAULT_CRM, DEFAULT_ERP
from reconcile.model import ReconcileReport, Verdict
from reconcile.reading import ProgressFn
from sync.engine import RunResult


def flow_order(flows: Sequence[FlowDef | FlowConfig]) -> list[str]:
    """The flows' names, every flow after the ones it depends on."""
    return dependency_order({f.name: list(f.depends_on) for f in flows})


@dataclass(frozen=True)
class BusinessOutcome:
    """What running every flow gave: one run per flow (in run order) and the reconcile."""

    runs: tuple[RunResult, ...]
    report: ReconcileReport
    paths: dict[str, Path]
    config_path: Path | None = None


def run_business_flows(
    config: HarnessConfig,
    *,
    full: bool = True,
    on_stage: Callable[[str], None] | None = None,
    progress: ProgressFn | None = None,
) -> BusinessOutcome:
    """Sync every configured flow once in dependency order, then reconcile them all.

    A flow whose run fails (a `SyncError`) stops the loop: the flows after it depend on it
    or on its peers, and their results would only restate the failure."""
    stage = on_stage or (lambda _s: None)
    names = flow_order(config.flows)
    runs = []
    for name in names:
        stage(f"syncing {name}")
        runs.append(run_sync(config, name, full=full, progress=progress))
    stage("reconciling")
    report, paths = run_reconcile(config, names, progress=progress)
    return BusinessOutcome(tuple(runs), report, paths)


def run_business_sandbox(
    *,
    world: WorldSettings,
    workdir: Path,
    reports_dir: Path,
    crm: str = DEFAULT_CRM,
    erp: str = DEFAULT_ERP,
    project: PairFlows | None = None,
    on_stage: Callable[[str], None] | None = None,
    progress: ProgressFn | None = None,
) -> BusinessOutcome:
    """`harness sandbox --all-flows`: the pair's mocks seeded with a full-business world,
    every flow of the pair (or of `project`) synced in dependency order, every flow
    reconciled, reports written."""
    stage = on_stage or (lambda _s: None)
    stage("starting mocks")
    world = replace(world, full_business=True)
    pair = project or pair_flows(crm, erp, workdir)
    with Sandbox.start(workdir, world, pair=pair, reports_dir=reports_dir, flows=pair.flows) as box:
        outcome = run_business_flows(box.config, on_stage=stage, progress=progress)
        return replace(outcome, config_path=box.config_path)


def per_flow(report: ReconcileReport) -> list[ReconcileReport]:
    """One report per flow (its score and its go/no-go checks), for a scorecard each."""
    out = []
    for score in report.flows:
        checks = tuple(c for c in report.verdict.checks if c.flow == score.flow)
        out.append(
            replace(report, flows=(score,), verdict=Verdict(all(c.ok for c in checks), checks))
        )
    return out


__all__ = [
    "BusinessOutcome",
    "FlowDef",
    "flow_order",
    "per_flow",
    "run_business_flows",
    "run_business_sandbox",
]
