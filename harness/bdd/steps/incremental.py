"""Gherkin steps about incremental edges: timestamp ties, late commits, hard deletes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from harness.bdd.steps.customers import ERP_OBJECT, EXTERNAL_ID, crm_accounts, erp_customers
from harness.bdd.variants import write_variant
from harness.sandbox import DEFAULT_MAPPING, Sandbox
from mocks.store import RecordStore
from sync.engine import RunResult
from sync.errors import SyncError
from sync.state import RunInfo, StateStore

CURSOR_GONE = {
    "version": 1,
    "seed": 1,
    "rules": [
        {
            "name": "query-locator-expired",
            "match": {"methods": ["GET"], "path": "/services/data/*/query/*-*"},
            "effect": {
                "type": "error",
                "status": 400,
                "code": "INVALID_QUERY_LOCATOR",
                "message": "invalid query locator",
            },
        }
    ],
}


def _crm_store(box: Sandbox) -> RecordStore:
    store: RecordStore = box.mocks.crm.app.state.mock.store
    return store


def _stamp(store: RecordStore, record_id: str) -> datetime:
    record = store.get("Account", record_id)
    assert record is not None, record_id
    return record.modified_at


@given(parsers.parse("Salesforce returns query results in pages of {size:d}"))
def query_pages(sandbox: Sandbox, size: int) -> None:
    sandbox.crm_settings(default_query_batch=size)


@given(parsers.parse("the customer flow looks back {seconds:d} seconds"))
def looks_back(sandbox: Sandbox, seconds: int) -> None:
    sandbox.use_mapping(DEFAULT_MAPPING, lookback_seconds=seconds)


@given("the customer flow propagates deletes")
def propagates_deletes(sandbox: Sandbox) -> None:
    path = sandbox.workdir / "customers-deletes.yaml"
    sandbox.use_mapping(write_variant(DEFAULT_MAPPING, path, deletes="propagate"))


@when(
    parsers.parse("{count:d} accounts are edited in one transaction, sharing one modification time")
)
def tied_edits(sandbox: Sandbox, scenario_context: dict[str, Any], count: int) -> None:
    store = _crm_store(sandbox)
    chosen = [r.id for r in store.records("Account")[:count]]
    at = store.now()
    for i, record_id in enumerate(chosen):
        store.update("Account", record_id, {"Description": f"Tied edit {i:03d}"}, at=at)
    assert len({_stamp(store, r) for r in chosen}) == 1
    scenario_context["tied"] = {
        record_id: f"Tied edit {i:03d}" for i, record_id in enumerate(chosen)
    }


@when("Salesforce refuses the query cursor after the first page")
def cursor_refused(sandbox: Sandbox) -> None:
    sandbox.set_faults("crm", CURSOR_GONE)


@when("the customer flow tries to run incrementally")
def tries_incremental(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    with pytest.raises(SyncError) as failure:
        sandbox.sync()
    with StateStore(sandbox.config.state_path) as state:
        (last, *_older) = state.runs("customers", limit=1)
    scenario_context.update(failed_run=last, failure=failure.value)


@then("that run failed with the first page committed")
def failed_after_first_page(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    run: RunInfo = scenario_context["failed_run"]
    assert run.status == "failed" and "INVALID_QUERY_LOCATOR" in (run.error or "")
    assert run.counts["read"] == 200 and run.counts["updated"] == 200
    tied = scenario_context["tied"]
    synced = {c.fields[EXTERNAL_ID] for c in erp_customers(sandbox)
              if c.fields.get("comments") in tied.values()}  # fmt: skip
    assert len(synced) == 200


@then(parsers.parse("all {count:d} edits are in NetSuite, none lost and none duplicated"))
def all_edits_arrived(sandbox: Sandbox, scenario_context: dict[str, Any], count: int) -> None:
    tied: dict[str, str] = scenario_context["tied"]
    customers = erp_customers(sandbox)
    ids = [c.fields[EXTERNAL_ID] for c in customers]
    assert len(ids) == len(set(ids)) == len(crm_accounts(sandbox))
    by_id = {c.fields[EXTERNAL_ID]: c.fields.get("comments") for c in customers}
    assert {k: by_id[k] for k in tied} == tied and len(tied) == count


@when(
    parsers.parse(
        "an account edit commits late, stamped {seconds:d} seconds before the sync's watermark"
    )
)
def late_commit(sandbox: Sandbox, scenario_context: dict[str, Any], seconds: int) -> None:
    with StateStore(sandbox.config.state_path) as state:
        mark = state.watermark("customers")
    assert mark is not None
    store = _crm_store(sandbox)
    stamp = mark.modified_at - timedelta(seconds=seconds)
    record = next(r for r in store.records("Account") if r.modified_at < stamp)
    scenario_context.update(account_id=record.id, old_name=record.fields["Name"])
    store.update("Account", record.id, {"Name": "Late Commit Holdings"}, at=stamp)
    assert _stamp(store, record.id) == stamp


@then("that customer's company name in NetSuite is still the old one")
def still_old(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    with sandbox.connectors() as c:
        found = c["erp"].get_by_external_id(
            ERP_OBJECT, EXTERNAL_ID, [scenario_context["account_id"]]
        )
    assert found[scenario_context["account_id"]].fields["companyName"] != "Late Commit Holdings"


@then("the reconciliation reports that account's company name as different")
def reconcile_sees_it(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    report, _paths = sandbox.reconcile(["customers"])
    (flow,) = report.flows
    hits = [f for f in flow.findings if f.source_id == scenario_context["account_id"]]
    assert [d.path for f in hits for d in f.diffs] == ["companyName"], hits


@when(parsers.parse("{count:d} accounts are hard-deleted in Salesforce, past the recycle bin"))
def hard_deleted(sandbox: Sandbox, scenario_context: dict[str, Any], count: int) -> None:
    facts = sandbox.trap("crm", trap="hard_delete", object="Account", count=count, seed=5)
    scenario_context["deleted_ids"] = [f["id"] for f in facts]
    assert len(scenario_context["deleted_ids"]) == count


@then("the audit log holds the before-image of each deleted customer")
def deletes_audited(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    run: RunResult = scenario_context["run"]
    with StateStore(sandbox.config.state_path) as state:
        deletes = [a for a in state.audit_for_run(run.run_id) if a.action == "delete"]
    assert sorted(a.source_id for a in deletes) == sorted(scenario_context["deleted_ids"])
    assert all(a.before and a.before.get("companyName") for a in deletes)
