"""Step definitions of sap_traps.feature: SAP's traps set off while the customer flow writes
to the Salesforce -> SAP sandbox, through the public surfaces (`Sandbox`, the mock's admin
API, SAP's own OData API for a user's edit). The shared step library (`harness.bdd`, through
the pytest plugin) supplies the business sentences the other features use too."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from harness.api import run_replay
from harness.bdd.business import Business, get
from harness.bdd.steps.common import crm_customers, customers, edit_customer, run
from harness.sandbox import Sandbox
from mocks.sap import amount_due, post_payment
from sync._entries import STALE_TARGET
from sync.connectors.sap.connector import SapConnector
from sync.connectors.sap.writes import ETAG_MISMATCH
from sync.engine import RunResult
from sync.state import StateStore
from tests.vendors.sap.sap_system import EXTERNAL_ID, SapSystem

scenarios(str(Path(__file__).with_name("sap_traps.feature")))

WATCH_POLLS = 3000  # bounded wait for the throttled write to reach SAP (20 ms apart: 60 s)
THROTTLE_SECONDS = 3  # SAP's Retry-After: the window in which its user edits the customer
CHANGESET_REASON = "Object is locked by user BATCH_JOB"  # the change-set trap's refusal


@pytest.fixture
def sap(sandbox: Sandbox) -> SapSystem:
    return SapSystem(sandbox)


def _held(result: RunResult, source_id: str) -> Any:
    (entry,) = [q for q in result.quarantined if q.source_id == source_id]
    return entry


# -- CSRF expiry -------------------------------------------------------------------------------


@given(parsers.parse("the customer flow writes {round:d} customers a round, in SAP batches of "
                     "{size:d}"))  # fmt: skip
def write_rounds(sandbox: Sandbox, round: int, size: int) -> None:
    # Many small $batch calls, so a token can expire between two of them mid-page.
    sandbox.use_mapping(sandbox.default_mapping, batch_size=round)
    sandbox.tune("erp", batch_size=size)


@when(parsers.parse("the customer flow runs in full while every SAP CSRF token expires after "
                    "{after:d} customers are written"))  # fmt: skip
def full_run_with_csrf_expiry(
    sandbox: Sandbox, sap: SapSystem, scenario_context: dict[str, Any], after: int
) -> None:
    written = [0]

    def progress(_event: str, records: int) -> None:
        # Called by the engine after each write round, before the page commits: the trap
        # fires with the page still in flight, and the next $batch meets the expired token.
        written[0] += records
        if written[0] >= after and "csrf" not in scenario_context:
            scenario_context["in_sap_when_expired"] = len(sap.customers_stored())
            scenario_context["csrf"] = sap.trap("csrf_expiry")

    scenario_context["erp_seq_before"] = sandbox.last_change_seq("erp")
    scenario_context["run"] = sandbox.sync(full=True, progress=progress)


@then(parsers.parse("the run succeeded, creating all {count:d} customers and holding none"))
def run_created_all(scenario_context: dict[str, Any], count: int) -> None:
    result: RunResult = scenario_context["run"]
    assert result.status == "succeeded", (result.error, result.quarantined[:3])
    assert (result.counts.created, result.counts.quarantined) == (count, 0)


@then("SAP refused the expired token, and the flow wrote the rest of the page with a new one")
def csrf_renewed(sandbox: Sandbox, sap: SapSystem, scenario_context: dict[str, Any]) -> None:
    facts = scenario_context["csrf"]
    assert facts["expired_tokens"] >= 1, facts  # the flow's own token was live, and expired
    before = scenario_context["in_sap_when_expired"]
    assert 0 < before < len(crm_customers(sandbox))  # the trap fired mid-run, not after it
    assert len(sap.customers_stored()) == len(crm_customers(sandbox))  # written on after it
    traps = [f for f in sandbox.ground_truth("erp") if f.get("trap") == "csrf_expiry"]
    assert len(traps) == 1
    # The trap cleared every token, so any token SAP holds now was fetched after it: expiring
    # them once more counts the renewals (the scenario's last use of the flow's session).
    assert sap.trap("csrf_expiry")["expired_tokens"] >= 1


@then("SAP created each customer once")
def created_once(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    changes = sandbox.changes_since(scenario_context["erp_seq_before"], "erp")
    created = [c["id"] for c in changes
               if c["object"] == "A_BusinessPartner" and c["kind"] == "create"]  # fmt: skip
    purged = [c for c in changes if c["kind"] == "purge"]  # a create rolled back
    assert len(created) == len(set(created)) == len(crm_customers(sandbox))
    assert purged == []


# -- a failing change set ----------------------------------------------------------------------


@given(parsers.parse("{count:d} customers are renamed in the CRM"))
def renamed_in_crm(sandbox: Sandbox, scenario_context: dict[str, Any], count: int) -> None:
    names = {}
    for index, record in enumerate(crm_customers(sandbox)[:count]):
        names[record.id] = f"Renamed Customer {index + 1} GmbH"
        edit_customer(sandbox, "crm", record.id, name=names[record.id])
    scenario_context["renamed"] = names


@given(parsers.parse("SAP fails the {nth:d}rd operation of the next change set"))
def changeset_trap(sap: SapSystem, scenario_context: dict[str, Any], nth: int) -> None:
    # Every renamed customer's partner as SAP holds it now, to compare after the failure.
    before = {}
    for source_id in scenario_context["renamed"]:
        partner = str(sap.partner_for(source_id)["BusinessPartner"])
        before[source_id] = (sap.partner_stored(partner), sap.etag(partner))
    scenario_context["sap_before"] = before
    facts = sap.trap("changeset_failure", nth=nth, times=1)
    assert facts == {"nth": nth, "times": 1}


# -- a write applied with a warning ------------------------------------------------------------


@given("SAP answers the next write to a business partner with a warning")
def warning_trap(sap: SapSystem, scenario_context: dict[str, Any]) -> None:
    facts = sap.trap("write_warning", object="A_BusinessPartner", times=1)
    assert facts["times"] == 1 and facts["message"]
    scenario_context["warning"] = facts


@then("the run updated both customers and listed the one SAP warned about, with SAP's words")
def warned_run(scenario_context: dict[str, Any]) -> None:
    result: RunResult = scenario_context["run"]
    assert (result.counts.updated, result.counts.quarantined) == (2, 0)
    (warned,) = result.warnings
    assert warned[0] in scenario_context["renamed"]
    facts = scenario_context["warning"]
    assert facts["code"] in warned[1] and facts["message"] in warned[1], warned
    scenario_context["warned"] = warned[0]


@then("that customer's audit row keeps SAP's warning")
def warning_audited(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    result: RunResult = scenario_context["run"]
    with StateStore(sandbox.config.state_path) as state:
        rows = state.audit_for_run(result.run_id)
    flagged = {a.source_id: a.flags for a in rows if a.flags}
    assert set(flagged) == {scenario_context["warned"]}
    (flag,) = flagged[scenario_context["warned"]]
    assert flag["code"] == "vendor_warning"
    assert scenario_context["warning"]["message"] in flag["message"]
    assert {a.outcome for a in rows} == {"applied"} and len(rows) == 2


@then(parsers.parse('{held:d} customer is held with SAP\'s reason "{reason}" and the other '
                    "{others:d} carry their new names in SAP"))  # fmt: skip
def one_held(
    sandbox: Sandbox, sap: SapSystem, scenario_context: dict[str, Any], held: int, reason: str,
    others: int,
) -> None:  # fmt: skip
    result: RunResult = scenario_context["run"]
    assert result.counts.quarantined == held and len(result.quarantined) == held
    (entry,) = result.quarantined
    assert reason in entry.message and CHANGESET_REASON in entry.message, entry.message
    assert entry.code.startswith("/"), entry.code  # SAP's message class, as SAP sent it
    renamed: dict[str, str] = scenario_context["renamed"]
    assert entry.source_id in renamed
    scenario_context["source_id"] = entry.source_id
    arrived = {s: n for s, n in renamed.items() if s != entry.source_id}
    assert len(arrived) == others and result.counts.updated == others
    for source_id, name in arrived.items():
        assert sap.partner_for(source_id)["OrganizationBPName1"] == name


@then("SAP holds the held customer exactly as before the run, its ETag included")
def rolled_back(sandbox: Sandbox, sap: SapSystem, scenario_context: dict[str, Any]) -> None:
    stored, etag = scenario_context["sap_before"][scenario_context["source_id"]]
    # The change set's first operations (the partner's new name, its address) were applied
    # and undone: SAP's change feed shows the write and its undoing, and fields, version and
    # change stamp are back, so the ETag read before holds.
    changes = sandbox.changes_since(scenario_context["erp_seq_before"], "erp")
    touched = [c for c in changes if (c["object"], c["id"]) == ("A_BusinessPartner", stored["id"])]
    assert [c["kind"] for c in touched] == ["update", "update"]
    assert sap.partner_stored(stored["id"]) == stored
    assert sap.etag(stored["id"]) == etag


@when("the held customer is tried again")
def tried_again(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    flow = customers(sandbox).name
    scenario_context["erp_seq_before"] = sandbox.last_change_seq("erp")
    scenario_context["run"] = run_replay(sandbox.config, flow, [scenario_context["source_id"]])


# -- a stale ETag ------------------------------------------------------------------------------


@when(parsers.parse('the customer flow runs incrementally while an SAP user renames that '
                    'customer to "{name}" between the flow\'s read and its write'))  # fmt: skip
def run_with_user_edit(
    sandbox: Sandbox, sap: SapSystem, scenario_context: dict[str, Any], name: str
) -> None:
    # SAP throttles the flow's first $batch: the flow has read the customer (and its ETag)
    # and waits as SAP's Retry-After says; meanwhile an SAP user renames the customer, so
    # the $batch sent again carries an ETag that is no longer current.
    throttle = {"match": {"kind": ["write"]}, "when": {"nth": [1]},
                "effect": {"type": "rate_limit",
                           "retry_after": [THROTTLE_SECONDS, THROTTLE_SECONDS]}}  # fmt: skip
    sandbox.set_faults("erp", {"version": 1, "seed": 41, "rules": [throttle]})
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(run, sandbox, scenario_context, full=False)
        throttled = False
        for _ in range(WATCH_POLLS):
            throttled = _throttled(sandbox)
            if throttled or running.done():
                break
            wait([running], timeout=0.02)
        assert throttled and not running.done(), "SAP did not throttle the flow's write"
        sap.rename(scenario_context["source_id"], name)
        running.result()
    sandbox.clear_faults()
    scenario_context["sap_edit"] = name


def _throttled(box: Sandbox) -> bool:
    return any(f.get("effect") == "rate_limit" for f in box.ground_truth("erp"))


@then("the flow's update is refused as stale and that customer is held with SAP's reason")
def refused_as_stale(sap: SapSystem, scenario_context: dict[str, Any]) -> None:
    result: RunResult = scenario_context["run"]
    entry = _held(result, scenario_context["source_id"])
    # held as a conflict the next run settles, naming SAP's refusal
    assert (entry.reason, entry.code) == ("conflict", STALE_TARGET), (entry.code, entry.message)
    assert ETAG_MISMATCH in entry.message and "changed in SAP since it was read" in entry.message
    assert result.counts.updated == 0 and result.counts.conflicts == 1  # not over the edit
    partner = sap.partner_for(scenario_context["source_id"])
    assert partner[EXTERNAL_ID] == scenario_context["source_id"]


# -- a payment posted in FI --------------------------------------------------------------------

PAYMENTS = "payments"
BILLING = "A_BillingDocument"


def _watermark(box: Sandbox, flow: str) -> Any:
    with StateStore(box.config.state_path) as state:
        return state.watermark(flow)


@given("every business flow has run in full")
def every_flow_ran(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    for flow in sandbox.config.flows:  # in dependency order
        result = sandbox.sync(flow.name, full=True)
        held = [q.message for q in result.quarantined[:3]]
        assert result.status == "succeeded", (flow.name, held)
    assert _watermark(sandbox, PAYMENTS) is not None


@when("a customer pays half of what is due on an open invoice in SAP's accounting")
def pays_half(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    flow = Business(sandbox).flow(PAYMENTS)
    status, due = flow.field("erp", "payment_status"), flow.field("erp", "amount_due")
    invoices = Business(sandbox).records(flow, "erp")
    unpaid = next(r for r in invoices if r.fields[status] in ("A", "B") and r.fields[due])
    total = Decimal(str(unpaid.fields[due]))
    half = (total / 2).quantize(Decimal("0.01"))
    (before,) = [r for r in sandbox.stored("erp", BILLING) if r["id"] == unpaid.id]
    scenario_context["invoice"] = (unpaid.id, before, SapSystem(sandbox).billing_etag(unpaid.id))
    # FI posts the payment on the day of the last sync: a clearing SAP users make in FI
    mark = _watermark(sandbox, PAYMENTS)
    ledger = sandbox.mocks.erp.app.state.mock.store
    post_payment(ledger, unpaid.id, half, on=mark.modified_at.date())
    scenario_context["due"] = total - half
    assert amount_due(ledger, unpaid.id) == total - half
    scenario_context["mark_before"] = mark


@then("SAP's billing document of that invoice did not change, its stamp and ETag included")
def billing_unchanged(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    number, before, etag = scenario_context["invoice"]
    (after,) = [r for r in sandbox.stored("erp", BILLING) if r["id"] == number]
    assert after == before
    assert SapSystem(sandbox).billing_etag(number) == etag


@then("the CRM shows what is still due on that invoice, and no other invoice was updated")
def crm_shows_due(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    number = scenario_context["invoice"][0]
    result: RunResult = scenario_context["runs"][PAYMENTS]
    assert result.status == "succeeded" and result.counts.updated == 1, result.counts
    flow = Business(sandbox).flow(PAYMENTS)
    (crm,) = Business(sandbox).by_external_id(flow, [number]).values()
    shown = get(crm, flow.target_path("amount_due"))
    assert abs(Decimal(str(shown)) - scenario_context["due"]) < Decimal("0.005"), shown


@then("SAP's open items found that invoice: its billing documents changed since the last run "
      "do not name it")  # fmt: skip
def found_through_fi(
    sandbox: Sandbox, scenario_context: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    number, mark = scenario_context["invoice"][0], scenario_context["mark_before"]
    with sandbox.connectors() as connectors:
        sap = connectors["erp"]
        assert isinstance(sap, SapConnector)
        monkeypatch.setattr(sap.fi, "touched_since", lambda _start: set())  # no FI read
        by_stamp = {r.id for page in sap.read(BILLING, since=mark) for r in page}
    assert number not in by_stamp  # a read on the billing stamp alone misses the payment
    with sandbox.connectors() as connectors:
        found = {r.id for page in connectors["erp"].read(BILLING, since=mark) for r in page}
    assert number in found
