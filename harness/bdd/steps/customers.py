"""Steps about customers moving from the CRM to the ERP: seeding, runs, what arrived, and the
reconciliation's verdict. Objects and fields come from the customers flow's mapping (rules
tagged with their canonical field), so the same sentences hold for any CRM x ERP pair."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, then, when

from harness.bdd.steps.common import (
    crm_customers,
    customers,
    edit_customer,
    erp_customers,
    long_name,
    reconcile,
    report,
    run,
)
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from sync.engine import RunResult

# -- Given -------------------------------------------------------------------------------------


@given(parsers.parse("a CRM sandbox holding {count:d} customers generated from seed {seed:d}"))
def seeded_crm(sandbox: Sandbox, count: int, seed: int) -> None:
    sandbox.reseed(WorldSettings(seed=seed, accounts=count))
    assert len(crm_customers(sandbox)) == count


@given("an ERP sandbox with no customers")
def empty_erp(sandbox: Sandbox) -> None:
    assert erp_customers(sandbox) == []


@given("the customer flow has run in full")
def flow_has_run(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    result = sandbox.sync(full=True)
    assert result.status == "succeeded", result.error
    scenario_context["first_run"] = result


@given("one customer has no country")
def customer_without_country(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    target = crm_customers(sandbox)[0]
    edit_customer(sandbox, "crm", target.id, country=None)
    scenario_context["source_id"] = target.id


@given(parsers.parse("one customer has a name of {length:d} characters"))
def customer_with_long_name(
    sandbox: Sandbox, scenario_context: dict[str, Any], length: int
) -> None:
    target = crm_customers(sandbox)[1]
    name = long_name(length)
    edit_customer(sandbox, "crm", target.id, name=name)
    scenario_context.update(source_id=target.id, long_name=name)


@given(
    parsers.parse(
        "the ERP silently cuts customer names longer than {limit:d} characters "
        "and does not advertise it"
    )
)
def erp_truncates(sandbox: Sandbox, limit: int) -> None:
    flow = customers(sandbox)
    cuts = {flow.spec.target.object: {flow.target_path("name"): limit}}
    sandbox.knob("erp", "silent_truncation", cuts)


# -- When --------------------------------------------------------------------------------------


@when("the customer flow runs in full")
@when("the customer flow runs in full again")
def run_full(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    run(sandbox, scenario_context, full=True)


@when("the customer flow runs incrementally")
def run_incremental(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    run(sandbox, scenario_context, full=False)


@when(parsers.parse('a user renames one customer in the CRM to "{name}"'))
def rename_customer(sandbox: Sandbox, scenario_context: dict[str, Any], name: str) -> None:
    target = crm_customers(sandbox)[2]
    edit_customer(sandbox, "crm", target.id, name=name)
    scenario_context["source_id"] = target.id


# -- Then --------------------------------------------------------------------------------------


@then(parsers.parse("the ERP holds {count:d} customers"))
def erp_count(sandbox: Sandbox, count: int) -> None:
    assert len(erp_customers(sandbox)) == count


@then("every customer carries its CRM id as external id")
def external_ids(sandbox: Sandbox) -> None:
    external = customers(sandbox).spec.external_id_field
    crm_ids = {r.id for r in crm_customers(sandbox)}
    assert {r.fields.get(external) for r in erp_customers(sandbox)} == crm_ids


@then(
    parsers.parse(
        "the reconciliation says GO with {record:d}% record accuracy and {field:d}% field accuracy"
    )
)
def reconcile_go(
    sandbox: Sandbox, scenario_context: dict[str, Any], record: int, field: int
) -> None:
    flow = reconcile(sandbox, scenario_context)
    verdict = scenario_context["report"].verdict
    assert verdict.go, verdict.reasons
    assert round(flow.record_accuracy * 100) == record
    assert round(flow.field_accuracy * 100) == field
    assert flow.source_records == flow.matched == flow.equal


@then("the reconciliation says NO-GO")
def reconcile_no_go(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    reconcile(sandbox, scenario_context)
    assert not scenario_context["report"].verdict.go


@then(parsers.parse("the run wrote {written:d} records and found {agree:d} already in the ERP"))
def run_wrote(scenario_context: dict[str, Any], written: int, agree: int) -> None:
    """A full run checks every record against the target: those that agree are `in_sync`."""
    counts = scenario_context["run"].counts
    assert (counts.written, counts.in_sync) == (written, agree)


@then("the ERP recorded no change during that run")
def erp_untouched(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    assert sandbox.changes_since(scenario_context["erp_seq_before"], "erp") == []


@then(parsers.parse('that customer is quarantined for "{reason}" naming its {field}'))
def quarantined(
    sandbox: Sandbox, scenario_context: dict[str, Any], reason: str, field: str
) -> None:
    result: RunResult = scenario_context["run"]
    held = [q for q in result.quarantined if q.source_id == scenario_context["source_id"]]
    assert len(held) == 1, [q.source_id for q in result.quarantined]
    assert held[0].reason == reason
    assert customers(sandbox).target_path(_canonical(field)) in held[0].message
    assert result.counts.quarantined == 1


@then(
    parsers.parse(
        "the reconciliation finds {count:d} record missing in target, caused by quarantine"
    )
)
def missing_by_quarantine(sandbox: Sandbox, scenario_context: dict[str, Any], count: int) -> None:
    flow = reconcile(sandbox, scenario_context)
    assert flow.missing_in_target == count
    missing = [f for f in flow.findings if f.kind == "missing_in_target"]
    assert [f.source_id for f in missing] == [scenario_context["source_id"]]
    assert missing[0].root_cause.startswith("quarantined")


@then(parsers.parse("the run updated {updated:d} customer and created none"))
def run_updated(scenario_context: dict[str, Any], updated: int) -> None:
    counts = scenario_context["run"].counts
    assert (counts.updated, counts.created) == (updated, 0)
    assert scenario_context["run"].kind == "incremental"


@then(parsers.parse('that customer\'s name in the ERP is "{name}"'))
def erp_name(sandbox: Sandbox, scenario_context: dict[str, Any], name: str) -> None:
    assert _erp_name(sandbox, scenario_context["source_id"]) == name


@then("no ERP customer holds a shortened copy of that name")
def no_truncated_copy(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    path = customers(sandbox).target_path("name")
    cut: str = scenario_context["long_name"]
    names = [str(r.fields.get(path) or "") for r in erp_customers(sandbox)]
    assert not [n for n in names if n and cut.startswith(n)]


@then(parsers.parse('the reconciliation blames "{cause}" for that customer\'s {field}'))
def blamed(sandbox: Sandbox, scenario_context: dict[str, Any], cause: str, field: str) -> None:
    (flow,) = report(sandbox, scenario_context).flows
    path = customers(sandbox).target_path(_canonical(field))
    source_id = scenario_context["source_id"]
    diffs = [d for f in flow.findings if f.source_id == source_id for d in f.diffs]
    assert [d.cause for d in diffs if d.path == path], diffs
    assert all(d.cause.startswith(cause) for d in diffs if d.path == path)


def _erp_name(box: Sandbox, source_id: str) -> Any:
    from harness.bdd.business import Business

    flow = customers(box)
    found = Business(box).by_external_id(flow, [source_id])
    return found[source_id].fields.get(flow.target_path("name"))


def _canonical(words: str) -> str:
    """A business phrase as a canonical field name ("postal code" -> "postal_code")."""
    return words.strip().replace(" ", "_")
