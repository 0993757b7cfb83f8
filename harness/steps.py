"""The Gherkin step library. Steps are thin: they call the same public API as the CLI
(`harness.sandbox.Sandbox`, which wraps `harness.api`) and read both systems through the
connectors, as a user would."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, then, when

from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from reconcile.model import FlowScore, ReconcileReport
from sync.connectors.base import Record
from sync.engine import RunResult

CRM_OBJECT, ERP_OBJECT = "Account", "customer"
EXTERNAL_ID = "externalId"


# -- reading both systems ----------------------------------------------------------------------


def crm_accounts(box: Sandbox) -> list[Record]:
    with box.connectors() as c:
        return sorted((r for page in c["crm"].read(CRM_OBJECT) for r in page), key=lambda r: r.id)


def erp_customers(box: Sandbox) -> list[Record]:
    with box.connectors() as c:
        return [r for page in c["erp"].read(ERP_OBJECT) for r in page if not r.deleted]


def edit_account(box: Sandbox, account_id: str, changes: dict[str, Any]) -> None:
    with box.connectors() as c:
        (outcome,) = c["crm"].update(CRM_OBJECT, [(account_id, changes)])
    assert outcome.ok, f"Salesforce refused the edit: {outcome.error_code} {outcome.message}"


def _long_name(length: int) -> str:
    words = "Northwind Trading Consolidated Industrial Supply Partners Worldwide Holdings"
    text = (words + " ") * (length // len(words) + 2)
    return text[:length].rstrip() + "x" * (length - len(text[:length].rstrip()))


def _reconcile(box: Sandbox, ctx: dict[str, Any]) -> FlowScore:
    report, _paths = box.reconcile(["customers"])
    ctx["report"] = report
    (flow,) = report.flows
    return flow


def _report(box: Sandbox, ctx: dict[str, Any]) -> ReconcileReport:
    if "report" not in ctx:
        _reconcile(box, ctx)
    report: ReconcileReport = ctx["report"]
    return report


# -- Given -------------------------------------------------------------------------------------


@given(
    parsers.parse("a Salesforce sandbox holding {count:d} accounts generated from seed {seed:d}")
)
def seeded_crm(sandbox: Sandbox, count: int, seed: int) -> None:
    sandbox.reseed(WorldSettings(seed=seed, accounts=count))
    assert len(crm_accounts(sandbox)) == count


@given("a NetSuite sandbox with no customers")
def empty_erp(sandbox: Sandbox) -> None:
    assert erp_customers(sandbox) == []


@given("the customer flow has run in full")
def flow_has_run(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    result = sandbox.sync(full=True)
    assert result.status == "succeeded", result.error
    scenario_context["first_run"] = result


@given("one account has no billing country")
def account_without_country(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    target = crm_accounts(sandbox)[0]
    edit_account(sandbox, target.id, {"BillingCountry": None})
    scenario_context["account_id"] = target.id


@given(parsers.parse("one account has a name of {length:d} characters"))
def account_with_long_name(sandbox: Sandbox, scenario_context: dict[str, Any], length: int) -> None:
    target = crm_accounts(sandbox)[1]
    name = _long_name(length)
    assert len(name) == length
    edit_account(sandbox, target.id, {"Name": name})
    scenario_context.update(account_id=target.id, long_name=name)


@given(
    parsers.parse(
        "NetSuite silently truncates company names longer than {limit:d} characters "
        "and does not advertise it"
    )
)
def erp_truncates(sandbox: Sandbox, limit: int) -> None:
    sandbox.erp_settings(
        on_overflow="truncate", max_lengths={"companyName": limit}, advertise_max_lengths=False
    )


# -- When --------------------------------------------------------------------------------------


def _run(box: Sandbox, ctx: dict[str, Any], *, full: bool) -> RunResult:
    ctx["erp_seq_before"] = box.last_change_seq("erp")
    result = box.sync(full=full)
    ctx["run"] = result
    ctx.pop("report", None)
    return result


@when("the customer flow runs in full")
@when("the customer flow runs in full again")
def run_full(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    _run(sandbox, scenario_context, full=True)


@when("the customer flow runs incrementally")
def run_incremental(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    _run(sandbox, scenario_context, full=False)


@when(parsers.parse('a user renames one account in Salesforce to "{name}"'))
def rename_account(sandbox: Sandbox, scenario_context: dict[str, Any], name: str) -> None:
    target = crm_accounts(sandbox)[2]
    edit_account(sandbox, target.id, {"Name": name})
    scenario_context["account_id"] = target.id


# -- Then --------------------------------------------------------------------------------------


@then(parsers.parse("NetSuite holds {count:d} customers"))
def erp_count(sandbox: Sandbox, count: int) -> None:
    assert len(erp_customers(sandbox)) == count


@then("every customer carries its Salesforce account id as external id")
def external_ids(sandbox: Sandbox) -> None:
    crm_ids = {r.id for r in crm_accounts(sandbox)}
    erp_ids = {r.fields.get(EXTERNAL_ID) for r in erp_customers(sandbox)}
    assert erp_ids == crm_ids


@then(
    parsers.parse(
        "the reconciliation says GO with {record:d}% record accuracy and {field:d}% field accuracy"
    )
)
def reconcile_go(
    sandbox: Sandbox, scenario_context: dict[str, Any], record: int, field: int
) -> None:
    flow = _reconcile(sandbox, scenario_context)
    report = scenario_context["report"]
    assert report.verdict.go, report.verdict.reasons
    assert round(flow.record_accuracy * 100) == record
    assert round(flow.field_accuracy * 100) == field
    assert flow.source_records == flow.matched == flow.equal


@then("the reconciliation says NO-GO")
def reconcile_no_go(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    _reconcile(sandbox, scenario_context)
    assert not scenario_context["report"].verdict.go


@then(parsers.parse("the run wrote {written:d} records and found {unchanged:d} unchanged"))
def run_wrote(scenario_context: dict[str, Any], written: int, unchanged: int) -> None:
    counts = scenario_context["run"].counts
    assert counts.written == written
    assert counts.unchanged == unchanged


@then("NetSuite recorded no change during that run")
def erp_untouched(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    assert sandbox.changes_since(scenario_context["erp_seq_before"], "erp") == []


@then(parsers.parse('that account is quarantined for "{reason}" naming "{field}"'))
def quarantined(scenario_context: dict[str, Any], reason: str, field: str) -> None:
    run: RunResult = scenario_context["run"]
    held = [q for q in run.quarantined if q.source_id == scenario_context["account_id"]]
    assert len(held) == 1, [q.source_id for q in run.quarantined]
    assert held[0].reason == reason
    assert field in held[0].message
    assert run.counts.quarantined == 1


@then(
    parsers.parse(
        "the reconciliation finds {count:d} record missing in target, caused by quarantine"
    )
)
def missing_by_quarantine(sandbox: Sandbox, scenario_context: dict[str, Any], count: int) -> None:
    flow = _reconcile(sandbox, scenario_context)
    assert flow.missing_in_target == count
    missing = [f for f in flow.findings if f.kind == "missing_in_target"]
    assert [f.source_id for f in missing] == [scenario_context["account_id"]]
    assert missing[0].root_cause.startswith("quarantined")


@then(parsers.parse("the run updated {updated:d} customer and created none"))
def run_updated(scenario_context: dict[str, Any], updated: int) -> None:
    counts = scenario_context["run"].counts
    assert (counts.updated, counts.created) == (updated, 0)
    assert scenario_context["run"].kind == "incremental"


@then(parsers.parse('that customer\'s company name in NetSuite is "{name}"'))
def erp_name(sandbox: Sandbox, scenario_context: dict[str, Any], name: str) -> None:
    with sandbox.connectors() as c:
        found = c["erp"].get_by_external_id(
            ERP_OBJECT, EXTERNAL_ID, [scenario_context["account_id"]]
        )
    assert found[scenario_context["account_id"]].fields["companyName"] == name


@then("no NetSuite customer holds a shortened copy of that name")
def no_truncated_copy(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    long_name: str = scenario_context["long_name"]
    names = [str(r.fields.get("companyName", "")) for r in erp_customers(sandbox)]
    assert not [n for n in names if n and long_name.startswith(n)]


@then(parsers.parse('the reconciliation blames "{cause}" for that account\'s company name'))
def blamed(sandbox: Sandbox, scenario_context: dict[str, Any], cause: str) -> None:
    report = _report(sandbox, scenario_context)
    (flow,) = report.flows
    account = scenario_context["account_id"]
    diffs = [d for f in flow.findings if f.source_id == account for d in f.diffs]
    assert [d.cause for d in diffs if d.path == "companyName"], diffs
    assert all(d.cause.startswith(cause) for d in diffs if d.path == "companyName")
