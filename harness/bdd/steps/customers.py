"""The Gherkin step library. Steps are thin: they call the same public API as the CLI
(`harness.sandbox.Sandbox`, which wraps `harness.api`) and read both systems through the
connectors, as a user would."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from pytest_bdd import given, parsers, then, when

from harness.api.shadow import shadow_report
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from reconcile.explain import CLOCK_GRACE
from reconcile.model import FlowScore, ReconcileReport
from reconcile.truth import EXPECTED_CAUSES, score_findings
from sync.connectors.base import Record
from sync.engine import RunResult
from sync.mapping import MappingSpec, get_path, load_mapping
from sync.state import StateStore

CRM_OBJECT, ERP_OBJECT = "Account", "customer"
EXTERNAL_ID = "externalId"
ERP_TEXT = ("companyName", "comments", "addressBook.items.0.addressBookAddress.city")
CRM_TEXT = ("Name", "Description", "BillingCity")
TARGET_DRIFT = tuple(k for k in EXPECTED_CAUSES if k != "source_edit")
SHADOW_DRIFT = ("edit_value", "truncate", "blank", "case_change", "delete")
# case_change only where the mapping compares case-sensitively: elsewhere it is no difference.
ERP_PATHS = {
    "edit_value": ERP_TEXT,
    "truncate": ERP_TEXT,
    "blank": ERP_TEXT[1:],
    "case_change": ERP_TEXT[:2],
}


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


# -- drift, ground truth and shadow runs (features/reconcile.feature) --------------------------


def _flow_spec(box: Sandbox) -> MappingSpec:
    return load_mapping(box.config.flow("customers").mapping)


def _wait_past_the_sync(ctx: dict[str, Any]) -> None:
    """Drift must happen visibly after the sync: past the reconciler's clock grace, on a
    target that stamps whole seconds."""
    if not ctx.get("waited"):
        time.sleep(CLOCK_GRACE.total_seconds() + 1.2)
        ctx["waited"] = True


def _drift(box: Sandbox, ctx: dict[str, Any], role: str, **request: Any) -> None:
    taken = [f["id"] for f in ctx.get("facts", [])] + [
        str(f["external_id"]) for f in ctx.get("facts", []) if f.get("external_id")
    ]
    facts = box.drift(role, seed=len(ctx.get("facts", [])) + 1, exclude=taken, **request)
    ctx.setdefault("facts", []).extend(facts)


@when(parsers.parse("{count:d} differences of every kind drift into NetSuite after the sync"))
def drift_every_kind(sandbox: Sandbox, scenario_context: dict[str, Any], count: int) -> None:
    _wait_past_the_sync(scenario_context)
    kinds = dict.fromkeys(TARGET_DRIFT, 1)
    _drift(sandbox, scenario_context, "erp", object=ERP_OBJECT, count=count, kinds=kinds,
           paths=ERP_PATHS)  # fmt: skip


@when(parsers.parse("{count:d} accounts are edited in Salesforce after the sync"))
def drift_source(sandbox: Sandbox, scenario_context: dict[str, Any], count: int) -> None:
    _wait_past_the_sync(scenario_context)
    _drift(sandbox, scenario_context, "crm", object=CRM_OBJECT, count=count,
           kinds={"source_edit": 1}, paths={"source_edit": CRM_TEXT})  # fmt: skip


@then("the reconciliation finds every injected difference and nothing else")
def found_exactly(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    flow = _reconcile(sandbox, scenario_context)
    score = score_findings(flow, scenario_context["facts"], _flow_spec(sandbox))
    assert (score.recall, score.precision) == (1.0, 1.0), (score.missed, score.spurious)
    assert score.injected == len(scenario_context["facts"])
    scenario_context["truth"] = score


@then("each difference is blamed on its real root cause")
def blamed_right(scenario_context: dict[str, Any]) -> None:
    assert scenario_context["truth"].misexplained == ()


@given(
    parsers.parse(
        "{erp:d} customers drifted in NetSuite and {crm:d} accounts were edited in Salesforce"
    )
)
def drifted_both(sandbox: Sandbox, scenario_context: dict[str, Any], erp: int, crm: int) -> None:
    kinds = dict.fromkeys(SHADOW_DRIFT, 1)
    _drift(sandbox, scenario_context, "erp", object=ERP_OBJECT, count=erp, kinds=kinds,
           paths=ERP_PATHS)  # fmt: skip
    _drift(sandbox, scenario_context, "crm", object=CRM_OBJECT, count=crm,
           kinds={"source_edit": 1}, paths={"source_edit": CRM_TEXT})  # fmt: skip


@given("the sync's state file is lost")
def state_lost(sandbox: Sandbox) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sandbox.config.state_path}{suffix}").unlink(missing_ok=True)


@when("the customer flow runs in shadow mode")
def run_shadow(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    scenario_context["erp_seq_before"] = sandbox.last_change_seq("erp")
    result = sandbox.sync(mode="shadow", full=True)
    assert result.status == "succeeded", result.error
    scenario_context["shadow_run"] = result


@then(
    parsers.parse(
        "the shadow report plans {creates:d} creates and {updates:d} updates, "
        "with production agreeing on {agree:d} of {read:d} accounts"
    )
)
def shadow_plans(
    sandbox: Sandbox,
    scenario_context: dict[str, Any],
    creates: int,
    updates: int,
    agree: int,
    read: int,
) -> None:
    run: RunResult = scenario_context["shadow_run"]
    report, paths = shadow_report(sandbox.config, run.run_id)
    assert (report.would_create, report.would_update) == (creates, updates)
    assert (report.unchanged, report.read) == (agree, read)
    assert paths["json"].exists() and paths["markdown"].exists()


@then("the live run wrote exactly what the shadow run planned")
def live_as_planned(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    shadow: RunResult = scenario_context["shadow_run"]
    live: RunResult = scenario_context["run"]
    paths = _flow_spec(sandbox).target_paths
    with StateStore(sandbox.config.state_path) as state:
        planned = {(p.external_id, p.action, tuple(p.fields))
                   for p in state.planned_for_run(shadow.run_id)}  # fmt: skip
        written = {(a.external_id, a.action, _written_paths(paths, a.before, a.after))
                   for a in state.audit_for_run(live.run_id)}  # fmt: skip
    assert planned and written == planned


def _written_paths(paths: tuple[str, ...], before: Any, after: Any) -> tuple[str, ...]:
    """The target paths a write changed, read off its audit images."""
    if before is None:
        return tuple(p for p in paths if get_path(after, p) is not None)
    return tuple(
        p
        for p in paths
        if get_path(before, p) != get_path(after, p)
        and not (get_path(before, p) in (None, "") and get_path(after, p) in (None, ""))
    )
