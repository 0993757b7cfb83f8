"""Gherkin steps about system-of-record rules: conflict policies, locks, echo suppression."""

from __future__ import annotations

import time
from typing import Any

from pytest_bdd import given, parsers, then, when

from harness.sandbox import DEFAULT_MAPPING, Sandbox
from harness.steps import ERP_OBJECT, EXTERNAL_ID, crm_accounts, erp_customers
from harness.stewardship import run_resolve_conflicts
from sync.engine import RunResult
from sync.state import StateStore


def _governed(box: Sandbox, section: str) -> None:
    text = DEFAULT_MAPPING.read_text(encoding="utf-8") + "\ngovernance:\n" + section
    path = box.workdir / f"governed-{abs(hash(section))}.yaml"
    path.write_text(text, encoding="utf-8")
    box.use_mapping(path)


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
