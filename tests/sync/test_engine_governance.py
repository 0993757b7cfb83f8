"""Governance in the engine: edits the target made to fields the source owns."""

from __future__ import annotations

import time

import pytest
import yaml

from reconcile.explain import SyncMemory
from reconcile.reconciler import reconcile_flow
from sync.engine import Flow
from tests.sync.conftest import Rig, mapping_variant


def governed(rig: Rig, section: str) -> Flow:
    rules = yaml.safe_load(section) or {}
    return Flow("customers", mapping_variant(governance=rules), batch_size=15)


def edit_both(rig: Rig, *, target_last: bool = True) -> tuple[str, str]:
    """The CRM renames one account and the ERP renames its customer; returns the account id
    and the ERP record id."""
    account = rig.crm_store.records("Account")[2]
    erp_id = next(r.id for r in rig.erp_store.records("customer")
                  if r.fields["externalId"] == account.id)  # fmt: skip
    first, second = (
        (lambda: rig.crm_store.update("Account", account.id, {"Name": "Source Name Ltd"})),
        (lambda: rig.erp_store.update("customer", erp_id, {"companyName": "ERP Edit GmbH"})),
    )
    if not target_last:
        first, second = second, first
    first()
    time.sleep(1.1)  # NetSuite stamps modification times to the second
    second()
    return account.id, erp_id


def test_owner_wins_restores_the_source_value_and_logs_the_conflict(rig: Rig) -> None:
    flow = governed(rig, "  on_conflict: owner_wins\n")
    rig.engine().run(flow, full=True)
    account_id, _ = edit_both(rig)
    result = rig.engine().run(flow)
    assert result.counts.conflicts == 1 and result.counts.updated == 1
    assert rig.customers()[account_id]["companyName"] == "Source Name Ltd"
    (entry,) = rig.state.audit_for_run(result.run_id)
    assert entry.before is not None and entry.before["companyName"] == "ERP Edit GmbH"
    (flag,) = [f for f in entry.flags if f["code"] == "conflict"]
    assert (flag["target"], flag["winner"], flag["policy"]) == (
        "companyName",
        "source",
        "owner_wins",
    )


def test_last_modified_wins_keeps_a_newer_target_edit_and_stops_claiming_it(rig: Rig) -> None:
    flow = governed(rig, "  on_conflict: last_modified_wins\n")
    rig.engine().run(flow, full=True)
    account_id, _ = edit_both(rig, target_last=True)
    result = rig.engine().run(flow)
    assert result.counts.conflicts == 1
    assert rig.customers()[account_id]["companyName"] == "ERP Edit GmbH"
    # A later change to another field does not bring the old name back.
    rig.crm_store.update("Account", account_id, {"Website": "https://later.example.com"})
    later = rig.engine().run(flow)
    assert later.counts.updated == 1 and later.counts.conflicts == 0
    customer = rig.customers()[account_id]
    assert (customer["companyName"], customer["url"]) == (
        "ERP Edit GmbH",
        "https://later.example.com",
    )
    # The reconciler sees the difference, and says a conflict policy kept it there.
    memory = SyncMemory(crosswalk=rig.state.crosswalk_all("customers"))
    score = reconcile_flow("customers", flow.mapping, rig.crm, rig.erp, memory=memory)
    (finding,) = [f for f in score.findings if f.source_id == account_id]
    (diff,) = finding.diffs
    assert diff.path == "companyName" and diff.cause.startswith("conflict settled for the target")


def test_last_modified_wins_writes_a_newer_source_change(rig: Rig) -> None:
    flow = governed(rig, "  on_conflict: last_modified_wins\n")
    rig.engine().run(flow, full=True)
    account_id, _ = edit_both(rig, target_last=False)
    result = rig.engine().run(flow)
    assert result.counts.conflicts == 1
    assert rig.customers()[account_id]["companyName"] == "Source Name Ltd"


def test_manual_holds_the_record_for_a_steward_and_writes_nothing(rig: Rig) -> None:
    flow = governed(rig, "  on_conflict: manual\n")
    rig.engine().run(flow, full=True)
    account_id, _ = edit_both(rig)
    seq = rig.erp_store.last_seq
    result = rig.engine().run(flow)
    (held,) = result.quarantined
    assert (held.source_id, held.reason, held.code) == (account_id, "conflict", "CONFLICT")
    assert "'ERP Edit GmbH'" in held.message and "'Source Name Ltd'" in held.message
    assert rig.erp_store.last_seq == seq
    assert rig.customers()[account_id]["companyName"] == "ERP Edit GmbH"


def test_a_target_owned_field_is_only_filled_while_blank(rig: Rig) -> None:
    flow = governed(rig, "  fields:\n    comments: {owner: target}\n")
    rig.engine().run(flow, full=True)
    account = rig.crm_store.records("Account")[4]
    erp_id = next(r.id for r in rig.erp_store.records("customer")
                  if r.fields["externalId"] == account.id)  # fmt: skip
    rig.erp_store.update("customer", erp_id, {"comments": "Credit hold - call finance"})
    rig.crm_store.update("Account", account.id, {"Description": "New CRM description"})
    rig.engine().run(flow)
    assert rig.customers()[account.id]["comments"] == "Credit hold - call finance"


@pytest.mark.parametrize("policy", ["owner_wins", "last_modified_wins", "manual"])
def test_agreeing_edits_are_not_conflicts(rig: Rig, policy: str) -> None:
    flow = governed(rig, f"  on_conflict: {policy}\n")
    rig.engine().run(flow, full=True)
    account = rig.crm_store.records("Account")[6]
    erp_id = next(r.id for r in rig.erp_store.records("customer")
                  if r.fields["externalId"] == account.id)  # fmt: skip
    rig.erp_store.update("customer", erp_id, {"companyName": "Same On Both Sides"})
    rig.crm_store.update("Account", account.id, {"Name": "Same On Both Sides"})
    result = rig.engine().run(flow)
    assert result.counts.conflicts == 0 and result.counts.quarantined == 0


def test_watching_the_target_reverts_an_edit_made_there_alone(rig: Rig) -> None:
    flow = governed(rig, "  on_conflict: owner_wins\n  watch_target: true\n")
    rig.engine().run(flow, full=True)
    rig.engine().run(flow)  # the first watch sets its baseline
    time.sleep(1.1)  # NetSuite stamps changes to the second: an edit in the write's second hides
    account = rig.crm_store.records("Account")[3]
    original = rig.customers()[account.id]["companyName"]
    erp_id = next(r.id for r in rig.erp_store.records("customer")
                  if r.fields["externalId"] == account.id)  # fmt: skip
    rig.erp_store.update("customer", erp_id, {"companyName": "Renamed In The ERP"})
    result = rig.engine().run(flow)
    assert (result.counts.conflicts, result.counts.updated) == (1, 1)
    assert rig.customers()[account.id]["companyName"] == original
    again = rig.engine().run(flow)  # its own revert is an echo: nothing more happens
    assert (again.counts.conflicts, again.counts.written) == (0, 0)


def test_without_watching_an_edit_in_the_target_alone_goes_unnoticed(rig: Rig) -> None:
    flow = governed(rig, "  on_conflict: owner_wins\n")
    rig.engine().run(flow, full=True)
    account = rig.crm_store.records("Account")[3]
    erp_id = next(r.id for r in rig.erp_store.records("customer")
                  if r.fields["externalId"] == account.id)  # fmt: skip
    rig.erp_store.update("customer", erp_id, {"companyName": "Renamed In The ERP"})
    result = rig.engine().run(flow)
    assert result.counts.conflicts == 0
    assert rig.customers()[account.id]["companyName"] == "Renamed In The ERP"


@pytest.mark.parametrize(
    ("keep", "name"), [("source", "Source Name Ltd"), ("target", "ERP Edit GmbH")]
)
def test_a_steward_settles_a_held_conflict(rig: Rig, keep: str, name: str) -> None:
    flow = governed(rig, "  on_conflict: manual\n")
    rig.engine().run(flow, full=True)
    account_id, _ = edit_both(rig)
    (held,) = rig.engine().run(flow).quarantined
    settled = rig.engine().resolve_conflicts(flow, [account_id], keep=keep, by="dana")  # type: ignore[arg-type]
    assert settled.status == "succeeded" and settled.counts.conflicts == 1
    assert rig.customers()[account_id]["companyName"] == name
    assert rig.state.quarantine_open_ids("customers") == set()
    (closed,) = rig.state.quarantined("customers", status="replayed")
    assert closed.qid == held.qid
    quiet = rig.engine().run(flow)  # decided once: no new conflict on the next run
    assert (quiet.counts.conflicts, quiet.counts.quarantined) == (0, 0)
