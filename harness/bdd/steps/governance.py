"""Gherkin steps about system-of-record rules: conflict policies, locks, echo suppression."""

from __future__ import annotations

import time
from typing import Any

import yaml
from pytest_bdd import given, parsers, then, when

from harness.api import run_resolve_conflicts
from harness.bdd.steps.customers import ERP_OBJECT, EXTERNAL_ID, crm_accounts, erp_customers
from harness.bdd.variants import write_variant
from harness.sandbox import DEFAULT_MAPPING, Sandbox
from sync.engine import RunResult
from sync.state import StateStore


def _governed(box: Sandbox, section: str) -> None:
    path = box.workdir / f"governed-{abs(hash(section))}.yaml"
    box.use_mapping(write_variant(DEFAULT_MAPPING, path, governance=yaml.safe_load(section)))


def _erp_record_id(box: Sandbox, account_id: str) -> str:
    with box.connectors() as c:
        found = c["erp"].get_by_external_id(ERP_OBJECT, EXTERNAL_ID, [account_id])
    return found[account_id].id


def _rename_in_erp(box: Sandbox, account_id: str, name: str) -> None:
    with box.connectors() as c:
        (outcome,) = c["erp"].update(
            ERP_OBJECT, [(_erp_record_id(box, account_id), {"companyName": name})]
        )
    assert outcome.ok, f"NetSuite refused the edit: {outcome.error_code} {outcome.message}"


@given(parsers.parse('the customer flow settles conflicts with "{policy}"'))
def settles_with(sandbox: Sandbox, policy: str) -> None:
    _governed(sandbox, f"  on_conflict: {policy}\n")


@given(
    parsers.parse(
        'the customer flow settles conflicts with "{policy}" and watches NetSuite for edits'
    )
)
def settles_and_watches(sandbox: Sandbox, policy: str) -> None:
    _governed(sandbox, f"  on_conflict: {policy}\n  watch_target: true\n")


@given("the customer flow locks its fields and watches NetSuite for edits")
def locked(sandbox: Sandbox) -> None:
    _governed(sandbox, "  on_conflict: manual\n  lock: true\n  watch_target: true\n")


@given("the customer flow runs incrementally")
def given_incremental(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    result = sandbox.sync()
    assert result.status == "succeeded", result.error


@when(parsers.parse('a second later someone renames that customer in NetSuite to "{name}"'))
def erp_rename_later(sandbox: Sandbox, scenario_context: dict[str, Any], name: str) -> None:
    time.sleep(1.1)  # NetSuite stamps modification times to the second
    _rename_in_erp(sandbox, scenario_context["account_id"], name)


@when(parsers.parse('someone renames one customer in NetSuite to "{name}"'))
def erp_rename(sandbox: Sandbox, scenario_context: dict[str, Any], name: str) -> None:
    account = crm_accounts(sandbox)[4]
    scenario_context.update(account_id=account.id, crm_name=account.fields["Name"])
    time.sleep(1.1)  # NetSuite stamps changes to the second: not the second of the last write
    _rename_in_erp(sandbox, account.id, name)


@when(parsers.parse('a data steward resolves it keeping the "{system}" values'))
def steward_resolves(sandbox: Sandbox, scenario_context: dict[str, Any], system: str) -> None:
    result = run_resolve_conflicts(
        sandbox.config,
        "customers",
        [scenario_context["account_id"]],
        keep=system,
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


@then(parsers.parse('the audit log says "{policy}" let the {winner} win on "{field}"'))
def audit_explains(sandbox: Sandbox, scenario_context: dict[str, Any], policy: str,
                   winner: str, field: str) -> None:  # fmt: skip
    run: RunResult = scenario_context["run"]
    with StateStore(sandbox.config.state_path) as state:
        flags = [
            f
            for entry in state.audit_for_source("customers", scenario_context["account_id"])
            if entry.run_id == run.run_id
            for f in entry.flags
            if f.get("code") == "conflict"
        ]
    if winner == "target" and not flags:
        # The target's value stood, so nothing was written; the decision is on the run.
        assert run.counts.conflicts == 1 and run.counts.written == 0
        return
    (flag,) = flags
    assert (flag["policy"], flag["winner"], flag["target"]) == (policy, winner, field)
    assert policy in flag["message"]


@then('the audit log reports the locked field "companyName"')
def audit_locked(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    run: RunResult = scenario_context["run"]
    with StateStore(sandbox.config.state_path) as state:
        (entry,) = [e for e in state.audit_for_run(run.run_id)]
    (flag,) = [f for f in entry.flags if f.get("code") == "conflict"]
    assert flag["target"] == "companyName" and "locked" in flag["message"]
    assert entry.before is not None and entry.before["companyName"] == "Sneaky Rename Inc"


@then("that customer's company name in NetSuite is its Salesforce name again")
def restored(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    customer = next(c for c in erp_customers(sandbox)
                    if c.fields[EXTERNAL_ID] == scenario_context["account_id"])  # fmt: skip
    assert customer.fields["companyName"] == scenario_context["crm_name"].strip()


@then("nothing is held in quarantine")
def quarantine_empty(sandbox: Sandbox) -> None:
    with StateStore(sandbox.config.state_path) as state:
        assert state.quarantined("customers") == []


@then("none of those runs wrote anything or found a conflict")
def no_echo(scenario_context: dict[str, Any]) -> None:
    runs: list[RunResult] = scenario_context["runs"]
    assert [(r.counts.written, r.counts.conflicts, r.counts.deleted) for r in runs] == [
        (0, 0, 0)
    ] * len(runs)


# -- both directions: customers (CRM -> ERP) and customer_finance (ERP -> CRM) ----------------

FINANCE_FLOW = "customer_finance"


def _crm_account(box: Sandbox, account_id: str) -> dict[str, Any]:
    with box.connectors() as c:
        found = c["crm"].get_by_external_id("Account", "Id", [account_id])
    return found[account_id].fields


def _erp_customer(box: Sandbox, account_id: str) -> dict[str, Any]:
    with box.connectors() as c:
        found = c["erp"].get_by_external_id(ERP_OBJECT, EXTERNAL_ID, [account_id])
    return found[account_id].fields


@when(
    parsers.parse(
        "a second later finance sets that customer's credit limit to {limit:d} "
        'and renames it "{name}" in NetSuite'
    )
)
def erp_finance_edit(
    sandbox: Sandbox, scenario_context: dict[str, Any], limit: int, name: str
) -> None:
    time.sleep(1.1)  # NetSuite stamps modification times to the second
    record_id = _erp_record_id(sandbox, scenario_context["account_id"])
    with sandbox.connectors() as c:
        changes = {"creditLimit": limit, "companyName": name}
        (outcome,) = c["erp"].update(ERP_OBJECT, [(record_id, changes)])
    assert outcome.ok, f"NetSuite refused the edit: {outcome.error_code} {outcome.message}"
    scenario_context["erp_edit"] = name


@when(parsers.parse("the customers and customer finance flows run {cycles:d} cycles"))
def bidirectional_cycles(sandbox: Sandbox, scenario_context: dict[str, Any], cycles: int) -> None:
    runs: list[RunResult] = []
    for _ in range(cycles):
        for flow in ("customers", FINANCE_FLOW):
            result = sandbox.sync(flow)
            assert result.status == "succeeded", (flow, result.error, result.quarantined[:3])
            runs.append(result)
    scenario_context["cycle_runs"] = runs


@then(parsers.parse('that customer\'s company name is "{name}" in both systems'))
def name_agrees(sandbox: Sandbox, scenario_context: dict[str, Any], name: str) -> None:
    account_id = scenario_context["account_id"]
    assert _crm_account(sandbox, account_id)["Name"] == name
    assert _erp_customer(sandbox, account_id)["companyName"] == name


@then(parsers.parse("its credit limit is {limit:d} in both systems"))
def credit_limit_agrees(sandbox: Sandbox, scenario_context: dict[str, Any], limit: int) -> None:
    account_id = scenario_context["account_id"]
    assert _crm_account(sandbox, account_id)["Credit_Limit__c"] == limit
    assert _erp_customer(sandbox, account_id)["creditLimit"] == limit


@then("the audit log explains every change made to that customer")
def audit_explains_both_directions(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    account_id = scenario_context["account_id"]
    runs: list[RunResult] = scenario_context["cycle_runs"]
    ran = {r.run_id for r in runs}
    with StateStore(sandbox.config.state_path) as state:
        to_erp = [e for e in state.audit_for_source("customers", account_id) if e.run_id in ran]
        to_crm = [e for e in state.audit_for_source(FINANCE_FLOW, account_id) if e.run_id in ran]
    # The CRM's rename went to NetSuite over the ERP's own rename: a conflict the owner won.
    (write,) = to_erp
    assert write.before is not None and write.after is not None
    assert write.before["companyName"] == scenario_context["erp_edit"]
    (flag,) = [f for f in write.flags if f.get("code") == "conflict"]
    assert (flag["policy"], flag["winner"], flag["target"]) == (
        "owner_wins",
        "source",
        "companyName",
    )
    # The ERP's credit limit went to Salesforce once, and nothing else was written there.
    (finance,) = to_crm
    assert finance.before is not None and finance.after is not None
    assert finance.after["Credit_Limit__c"] == _erp_customer(sandbox, account_id)["creditLimit"]
    assert finance.before.get("Credit_Limit__c") != finance.after["Credit_Limit__c"]
    # Later cycles found both systems agreeing: no write and no conflict (no echo).
    later = runs[2:]
    assert [(r.counts.written, r.counts.conflicts) for r in later] == [(0, 0)] * len(later)
