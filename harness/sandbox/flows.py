"""Every business flow of the reference integration, both directions, in one sandbox.

The mapping specs in `fixtures/mappings/` form one integration: the CRM owns customers,
contacts and orders; the ERP owns the catalogue, prices, stock, invoices, receivables and
the customers' finance. Flows that swap ids through another flow's crosswalk
(`reference: {flow: ...}`) depend on it, so `depends_on` and the run order below follow the
references: customers -> contacts, orders, customer_finance; products -> prices, orders,
inventory; orders -> invoices -> payments.

`harness sandbox --all-flows` and the Gherkin steps use `BUSINESS_FLOWS` to write a config
with every flow (`harness.sandbox.write_config(..., flows=BUSINESS_FLOWS)`) and
`run_business_flows` to run them in dependency order, then reconcile each one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from harness.api import run_reconcile, run_sync
from harness.config import HarnessConfig
from harness.config.schedule import dependency_order
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from reconcile.model import ReconcileReport, Verdict
from reconcile.reconciler import ProgressFn
from sync.engine import RunResult

MAPPINGS = Path(__file__).resolve().parents[2] / "fixtures" / "mappings"
Role = Literal["crm", "erp"]


@dataclass(frozen=True)
class FlowDef:
    """One flow as harness.yaml lists it: its mapping, direction and prerequisites."""

    name: str
    mapping: Path
    source: Role
    target: Role
    depends_on: tuple[str, ...] = ()

    def as_config(self) -> dict[str, Any]:
        """The flow's harness.yaml entry (what `render_config(flows=...)` takes)."""
        entry: dict[str, Any] = {
            "name": self.name,
            "mapping": self.mapping,
            "source": self.source,
            "target": self.target,
        }
        if self.depends_on:
            entry["depends_on"] = list(self.depends_on)
        return entry


def _flow(name: str, file: str, source: Role, target: Role, *after: str) -> FlowDef:
    return FlowDef(name, MAPPINGS / file, source, target, tuple(after))


# In dependency order; `flow_order` re-derives it, so adding a flow anywhere is safe.
BUSINESS_FLOWS: tuple[FlowDef, ...] = (
    _flow("customers", "salesforce_netsuite.yaml", "crm", "erp"),
    _flow("products", "products.yaml", "erp", "crm"),
    _flow("customer_finance", "customer_finance.yaml", "erp", "crm", "customers"),
    _flow("contacts", "contacts.yaml", "crm", "erp", "customers"),
    _flow("prices", "prices.yaml", "erp", "crm", "products"),
    _flow("orders", "orders.yaml", "crm", "erp", "customers", "products"),
    _flow("inventory", "inventory.yaml", "erp", "crm", "products"),
    _flow("invoices", "invoices.yaml", "erp", "crm", "customers", "orders"),
    _flow("payments", "payments.yaml", "erp", "crm", "invoices"),
)


def business_flow(name: str) -> FlowDef:
    """The business flow called `name`; an unknown one names the known ones."""
    for flow in BUSINESS_FLOWS:
        if flow.name == name:
            return flow
    known = ", ".join(f.name for f in BUSINESS_FLOWS)
    raise KeyError(f"no business flow {name!r}; known flows: {known}")


def flow_order(flows: Sequence[FlowDef] = BUSINESS_FLOWS) -> list[str]:
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
    names = dependency_order({f.name: list(f.depends_on) for f in config.flows})
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
    on_stage: Callable[[str], None] | None = None,
    progress: ProgressFn | None = None,
) -> BusinessOutcome:
    """`harness sandbox --all-flows`: mocks up seeded with a full-business world, every
    business flow synced in dependency order, every flow reconciled, reports written."""
    stage = on_stage or (lambda _s: None)
    stage("starting mocks")
    world = replace(world, full_business=True)
    with Sandbox.start(workdir, world, reports_dir=reports_dir, flows=BUSINESS_FLOWS) as box:
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
    "BUSINESS_FLOWS",
    "BusinessOutcome",
    "FlowDef",
    "business_flow",
    "flow_order",
    "per_flow",
    "run_business_flows",
    "run_business_sandbox",
]
