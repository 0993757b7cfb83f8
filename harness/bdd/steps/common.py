"""What the step modules share: the business view of the sandbox, running a flow, reading a
reconciliation. Steps stay thin: they call the same public API as the CLI."""

from __future__ import annotations

from typing import Any

from harness.bdd.business import Business, FlowView, Role
from harness.sandbox import Sandbox
from reconcile.model import FlowScore, ReconcileReport
from sync.connectors.base import Record
from sync.engine import RunResult

CUSTOMERS = "customer"


def customers(box: Sandbox) -> FlowView:
    """The flow carrying customers from the CRM to the ERP."""
    return Business(box).of(CUSTOMERS)


def crm_customers(box: Sandbox) -> list[Record]:
    flow = customers(box)
    return Business(box).records(flow, flow.source)


def erp_customers(box: Sandbox) -> list[Record]:
    flow = customers(box)
    return Business(box).records(flow, flow.target)


def erp_customer(box: Sandbox, source_id: str) -> Record:
    """The ERP's copy of the CRM customer `source_id` (found by its external id)."""
    flow = customers(box)
    found = Business(box).by_external_id(flow, [source_id])
    assert source_id in found, f"the ERP holds no customer for {source_id}"
    return found[source_id]


def edit_customer(box: Sandbox, role: Role, record_id: str, **values: Any) -> None:
    """Change canonical fields (`name="..."`, `country=None`) of one customer in `role`."""
    Business(box).edit(customers(box), role, record_id, values)


def run(box: Sandbox, ctx: dict[str, Any], flow: str | None = None, *, full: bool) -> RunResult:
    """Run a flow (the pair's default: customers), remembering the run and where the ERP's
    change feed stood before it."""
    ctx["erp_seq_before"] = box.last_change_seq("erp")
    result = box.sync(flow, full=full)
    ctx["run"] = result
    ctx.pop("report", None)
    return result


def reconcile(box: Sandbox, ctx: dict[str, Any], flow: str = "customers") -> FlowScore:
    report, _paths = box.reconcile([flow])
    ctx["report"] = report
    (score,) = report.flows
    return score


def report(box: Sandbox, ctx: dict[str, Any]) -> ReconcileReport:
    if "report" not in ctx:
        reconcile(box, ctx)
    found: ReconcileReport = ctx["report"]
    return found


def role_of(system: str) -> Role:
    """A system as a sentence names it ("CRM", "the ERP's") as a role."""
    words = system.strip().removeprefix("the ").removesuffix("'s").lower()
    assert words in ("crm", "erp"), f"say the CRM or the ERP, not {system!r}"
    return "crm" if words == "crm" else "erp"


def canonical_field(words: str) -> str:
    """A business phrase as a canonical field name ("credit limit" -> "credit_limit")."""
    return words.strip().replace(" ", "_")


def long_name(length: int) -> str:
    """A plausible company name of exactly `length` characters."""
    words = "Northwind Trading Consolidated Industrial Supply Partners Worldwide Holdings"
    text = (words + " ") * (length // len(words) + 2)
    head = text[:length].rstrip()
    return head + "x" * (length - len(head))


__all__ = [
    "canonical_field",
    "crm_customers",
    "customers",
    "edit_customer",
    "erp_customer",
    "erp_customers",
    "long_name",
    "reconcile",
    "report",
    "role_of",
    "run",
]
