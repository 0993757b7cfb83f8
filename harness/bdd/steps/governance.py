"""Steps about system-of-record rules: conflict policies, locks, echo suppression, and both
directions at once (the CRM owns a customer's identity, the ERP its finance). Fields are the
canonical ones, resolved through the flows' mappings: the name through the customers flow,
the credit limit through the customer finance flow."""

from __future__ import annotations

import time
from typing import Any

import yaml
from pytest_bdd import given, parsers, then, when

from harness.api import run_resolve_conflicts
from harness.bdd.business import Business, FlowView, get
from harness.bdd.steps.common import (
    canonical_field,
    crm_customers,
    customers,
    erp_customer,
    role_of,
)
from harness.bdd.variants import write_variant
from harness.sandbox import Sandbox
from sync.connectors.base import Record
from sync.engine import RunResult
from sync.mapping import get_path
from sync.state import StateStore

FINANCE_FLOW = "customer_finance"  # the ERP's finance fields, back to the CRM
STAMP_GRANULARITY = 1.1  # seconds: a system may stamp modification times to the second


def _governed(box: Sandbox, section: str) -> None:
    path = box.workdir / f"governed-{abs(hash(section))}.yaml"
    box.use_mapping(write_variant(box.default_mapping, path, governance=yaml.safe_load(section)))


def _rename_in_erp(box: Sandbox, ctx: dict[str, Any], name: str) -> None:
    record = erp_customer(box, ctx["source_id"])
    Business(box).edit(customers(box), "erp", record.id, {"name": name})
    ctx["erp_edit"] = name


def _conflict_flags(box: Sandbox, ctx: dict[str, Any], run: RunResult) -> list[dict[str, Any]]:
    with StateStore(box.config.state_path) as state:
        entries = state.audit_for_source(customers(box).name, ctx["source_id"])
    return [f for e in entries if e.run_id == run.run_id
            for f in e.flags if f.get("code") == "conflict"]  # fmt: skip


@given(parsers.parse('the customer flow settles conflicts with "{policy}"'))
def settles_with(sandbox: Sandbox, policy: str) -> None:
    _governed(sandbox, f"  on_conflict: {policy}\n")


@given(
    parsers.parse(
        'the customer flow settles conflicts with "{policy}" and watches the ERP for edits'
    )
)
def settles_and_watches(sandbox: Sandbox, policy: str) -> None:
    _governed(sandbox, f"  on_conflict: {policy}\n  watch_target: true\n")


@given("the customer flow locks its fields and watches the ERP for edits")
def locked(sandbox: Sandbox) -> None:
    _governed(sandbox, "  on_conflict: manual\n  lock: true\n  watch_target: true\n")


@given("the customer flow runs incrementally")
def given_incremental(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    result = sandbox.sync()
    assert result.status == "succeeded", result.error


@when(parsers.parse('a second later someone renames that customer in the ERP to "{name}"'))
def erp_rename_later(sandbox: Sandbox, scenario_context: dict[str, Any], name: str) -> None:
    time.sleep(STAMP_GRANULARITY)  # not the second the CRM's edit was stamped in
    _rename_in_erp(sandbox, scenario_context, name)


@when(parsers.parse('someone renames one customer in the ERP to "{name}"'))
def erp_rename(sandbox: Sandbox, scenario_context: dict[str, Any], name: str) -> None:
    flow = customers(sandbox)
    customer = crm_customers(sandbox)[4]
    crm_name = customer.fields[flow.source_field("name")]
    scenario_context.update(source_id=customer.id, crm_name=crm_name)
    time.sleep(STAMP_GRANULARITY)  # not the second of the last write
    _rename_in_erp(sandbox, scenario_context, name)


@when(parsers.parse("a data steward resolves it keeping the {system} values"))
def steward_resolves(sandbox: Sandbox, scenario_context: dict[str, Any], system: str) -> None:
    result = run_resolve_conflicts(
        sandbox.config,
        customers(sandbox).name,
        [scenario_context["source_id"]],
        keep=role_of(system),
        by="dana@example.com",
    )
    assert result.status == "succeeded", result.error
    scenario_context["run"] = result


@when(parsers.parse("the customer flow runs incrementally {times:d} times"))
def runs_repeatedly(sandbox: Sandbox, scenario_context: dict[str, Any], times: int) -> None:
    scenario_context["runs"] = [sandbox.sync() for _ in range(times)]


@then(parsers.parse("the run found {count:d} conflict"))
def found_conflicts(scenario_context: dict[str, Any], count: int) -> None:
    assert scenario_context["run"].counts.conflicts == count


@then(
    parsers.parse('the audit log says "{policy}" let the {system} win on the customer\'s {field}')
)
def audit_explains(sandbox: Sandbox, scenario_context: dict[str, Any], policy: str,
                   system: str, field: str) -> None:  # fmt: skip
    flow = customers(sandbox)
    winner = flow.side(role_of(system))
    run: RunResult = scenario_context["run"]
    flags = _conflict_flags(sandbox, scenario_context, run)
    if winner == "target" and not flags:
        # The target's value stood, so nothing was written; the decision is on the run.
        assert run.counts.conflicts == 1 and run.counts.written == 0
        return
    (flag,) = flags
    path = flow.target_path(canonical_field(field))
    assert (flag["policy"], flag["winner"], flag["target"]) == (policy, winner, path)
    assert policy in flag["message"]


@then("the audit log reports the customer's name as locked")
def audit_locked(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    path = customers(sandbox).target_path("name")
    run: RunResult = scenario_context["run"]
    with StateStore(sandbox.config.state_path) as state:
        (entry,) = [e for e in state.audit_for_run(run.run_id)]
    (flag,) = [f for f in entry.flags if f.get("code") == "conflict"]
    assert flag["target"] == path and "locked" in flag["message"]
    assert entry.before is not None
    assert get_path(entry.before, path) == scenario_context["erp_edit"]


@then("that customer's name in the ERP is its CRM name again")
def restored(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    customer = erp_customer(sandbox, scenario_context["source_id"])
    name = get(customer, customers(sandbox).target_path("name"))
    assert name == scenario_context["crm_name"].strip()


@then("nothing is held in quarantine")
def quarantine_empty(sandbox: Sandbox) -> None:
    with StateStore(sandbox.config.state_path) as state:
        assert state.quarantined(customers(sandbox).name) == []


@then("none of those runs wrote anything or found a conflict")
def no_echo(scenario_context: dict[str, Any]) -> None:
    runs: list[RunResult] = scenario_context["runs"]
    assert [(r.counts.written, r.counts.conflicts, r.counts.deleted) for r in runs] == [
        (0, 0, 0)
    ] * len(runs)


# -- both directions: customers (CRM -> ERP) and customer finance (ERP -> CRM) ----------------


def _finance(box: Sandbox) -> FlowView:
    """The flow carrying the customers' finance fields from the ERP back to the CRM."""
    return Business(box).flow(FINANCE_FLOW)


def _crm_customer(box: Sandbox, source_id: str) -> Record:
    """The CRM's customer, found as the finance flow finds it (by its own id)."""
    found = Business(box).by_external_id(_finance(box), [source_id])
    return found[source_id]


@when(
    parsers.parse(
        "a second later finance sets that customer's credit limit to {limit:d} "
        'and renames it "{name}" in the ERP'
    )
)
def erp_finance_edit(
    sandbox: Sandbox, scenario_context: dict[str, Any], limit: int, name: str
) -> None:
    time.sleep(STAMP_GRANULARITY)  # not the second the CRM's edit was stamped in
    record = erp_customer(sandbox, scenario_context["source_id"])
    Business(sandbox).edit_together(
        "erp",
        record.id,
        (_finance(sandbox), {"credit_limit": limit}),
        (customers(sandbox), {"name": name}),
    )
    scenario_context["erp_edit"] = name


@when(parsers.parse("the customers and customer finance flows run {cycles:d} cycles"))
def bidirectional_cycles(sandbox: Sandbox, scenario_context: dict[str, Any], cycles: int) -> None:
    runs: list[RunResult] = []
    for _ in range(cycles):
        for flow in (customers(sandbox).name, FINANCE_FLOW):
            result = sandbox.sync(flow)
            assert result.status == "succeeded", (flow, result.error, result.quarantined[:3])
            runs.append(result)
    scenario_context["cycle_runs"] = runs


@then(parsers.parse('that customer\'s name is "{name}" in both systems'))
def name_agrees(sandbox: Sandbox, scenario_context: dict[str, Any], name: str) -> None:
    flow, source_id = customers(sandbox), scenario_context["source_id"]
    assert get(_crm_customer(sandbox, source_id), flow.field("crm", "name")) == name
    assert get(erp_customer(sandbox, source_id), flow.field("erp", "name")) == name


@then(parsers.parse("its credit limit is {limit:d} in both systems"))
def credit_limit_agrees(sandbox: Sandbox, scenario_context: dict[str, Any], limit: int) -> None:
    finance, source_id = _finance(sandbox), scenario_context["source_id"]
    assert get(_crm_customer(sandbox, source_id), finance.field("crm", "credit_limit")) == limit
    assert get(erp_customer(sandbox, source_id), finance.field("erp", "credit_limit")) == limit


@then("the audit log explains every change made to that customer")
def audit_explains_both_directions(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    flow, finance = customers(sandbox), _finance(sandbox)
    source_id = scenario_context["source_id"]
    runs: list[RunResult] = scenario_context["cycle_runs"]
    ran = {r.run_id for r in runs}
    with StateStore(sandbox.config.state_path) as state:
        to_erp = [e for e in state.audit_for_source(flow.name, source_id) if e.run_id in ran]
        to_crm = [e for e in state.audit_for_source(finance.name, source_id) if e.run_id in ran]
    # The CRM's rename went to the ERP over the ERP's own rename: a conflict the owner won.
    name = flow.target_path("name")
    (write,) = to_erp
    assert write.before is not None and write.after is not None
    assert get_path(write.before, name) == scenario_context["erp_edit"]
    (flag,) = [f for f in write.flags if f.get("code") == "conflict"]
    assert (flag["policy"], flag["winner"], flag["target"]) == ("owner_wins", "source", name)
    # The ERP's credit limit went to the CRM once, and nothing else was written there.
    limit = finance.target_path("credit_limit")
    erp_limit = get(erp_customer(sandbox, source_id), finance.source_field("credit_limit"))
    (back,) = to_crm
    assert back.before is not None and back.after is not None
    assert get_path(back.after, limit) == erp_limit
    assert get_path(back.before, limit) != get_path(back.after, limit)
    # Later cycles found both systems agreeing: no write and no conflict (no echo).
    later = runs[2:]
    assert [(r.counts.written, r.counts.conflicts) for r in later] == [(0, 0)] * len(later)
