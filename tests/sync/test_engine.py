"""The engine against both mocks in process: idempotence, healing, quarantine, modes."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.errors import AuthError
from sync.state import StateStore
from tests.sync.conftest import ACCOUNTS, Rig, _connector


def test_full_sync_creates_every_account_with_audit_and_crosswalk(rig: Rig) -> None:
    result = rig.engine().run(rig.flow, full=True)
    assert (result.status, result.counts.created, result.counts.quarantined) == ("succeeded", 40, 0)
    customers = rig.customers()
    assert len(customers) == ACCOUNTS
    assert rig.state.crosswalk_count("customers") == ACCOUNTS
    audit = rig.state.audit_for_run(result.run_id)
    assert len(audit) == ACCOUNTS and all(a.action == "create" and a.before is None for a in audit)
    assert rig.state.watermark("customers") is not None


def test_second_run_makes_zero_writes(rig: Rig) -> None:
    rig.engine().run(rig.flow, full=True)
    seq = rig.erp_store.last_seq
    again = rig.engine().run(rig.flow, full=True)
    # A full run verifies the target rather than trusting its hashes: all found in sync.
    assert again.counts.written == 0 and again.counts.in_sync == ACCOUNTS
    assert rig.erp_store.last_seq == seq


def test_lost_state_file_heals_without_duplicates(rig: Rig) -> None:
    rig.engine().run(rig.flow, full=True)
    rig.state.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{rig.state_path}{suffix}").unlink(missing_ok=True)
    rig.state = StateStore(rig.state_path)
    seq = rig.erp_store.last_seq
    healed = rig.engine().run(rig.flow, full=True)
    assert (healed.counts.in_sync, healed.counts.created, healed.counts.updated) == (40, 0, 0)
    assert rig.erp_store.last_seq == seq
    assert len(rig.customers()) == ACCOUNTS
    assert rig.state.crosswalk_count("customers") == ACCOUNTS


def test_dry_run_plans_every_create_and_writes_nothing(rig: Rig) -> None:
    result = rig.engine().run(rig.flow, mode="dry-run")
    assert result.counts.created == ACCOUNTS
    assert {p.action for p in result.planned} == {"create"}
    assert "companyName" in result.planned[0].fields
    assert rig.customers() == {}
    assert rig.state.watermark("customers") is None
    assert rig.state.crosswalk_count("customers") == 0
    assert len(rig.state.planned_for_run(result.run_id)) == ACCOUNTS


def test_shadow_run_plans_only_the_fields_that_differ(rig: Rig) -> None:
    rig.engine().run(rig.flow, full=True)
    account = rig.crm_store.records("Account")[0]
    rig.crm_store.update("Account", account.id, {"Website": "https://renamed.example.org"})
    seq = rig.erp_store.last_seq
    result = rig.engine().run(rig.flow, mode="shadow")
    assert [(p.action, p.fields) for p in result.planned] == [("update", ("url",))]
    assert rig.erp_store.last_seq == seq


def test_incremental_run_reads_only_what_changed(rig: Rig) -> None:
    rig.engine().run(rig.flow, full=True)
    account = rig.crm_store.records("Account")[3]
    rig.crm_store.update("Account", account.id, {"Name": "Zoë D'Arcy & Söhne"})
    result = rig.engine().run(rig.flow)
    assert result.kind == "incremental"
    assert result.counts.read < ACCOUNTS
    assert (result.counts.updated, result.counts.created) == (1, 0)
    assert rig.customers()[account.id]["companyName"] == "Zoë D'Arcy & Söhne"
    (entry,) = rig.state.audit_for_run(result.run_id)
    assert entry.before is not None and entry.before["companyName"] != "Zoë D'Arcy & Söhne"


def test_record_the_target_refuses_is_quarantined_then_released_when_fixed(rig: Rig) -> None:
    # The ERP enforces 20 characters but does not publish it: only the write can fail.
    erp = rig.erp_client.app.state.mock.settings  # type: ignore[attr-defined]
    erp["max_lengths"]["companyName"] = 20
    erp["advertise_max_lengths"] = False
    long_name = "Consolidated Widget Holdings"
    account = rig.crm_store.records("Account")[5]
    rig.crm_store.update("Account", account.id, {"Name": long_name})
    for record in rig.crm_store.records("Account"):
        if record.id != account.id and len(record.fields["Name"]) > 20:
            rig.crm_store.update("Account", record.id, {"Name": record.fields["Name"][:20].strip()})
    result = rig.engine().run(rig.flow, full=True)
    (held,) = result.quarantined
    assert (held.source_id, held.reason, held.code) == (account.id, "rejected", "INVALID_CONTENT")
    assert "companyName" in held.message
    assert account.id not in rig.customers()
    assert rig.state.quarantine_open_ids("customers") == {account.id}

    rig.crm_store.update("Account", account.id, {"Name": "Widget Holdings"})
    fixed = rig.engine().run(rig.flow)
    assert fixed.counts.created == 1 and fixed.counts.quarantined == 0
    assert rig.state.quarantine_open_ids("customers") == set()
    assert rig.customers()[account.id]["companyName"] == "Widget Holdings"


def test_validation_failure_is_quarantined_with_the_field_named(rig: Rig) -> None:
    account = rig.crm_store.records("Account")[0]
    rig.crm_store.update("Account", account.id, {"BillingCountry": None})
    result = rig.engine().run(rig.flow, full=True)
    (held,) = result.quarantined
    assert held.reason == "validation" and "subsidiary" in held.message
    assert held.payload["Id"] == account.id
    assert result.counts.created == ACCOUNTS - 1 and result.status == "partial"


def test_bad_credentials_fail_the_run_and_record_why(rig: Rig) -> None:
    rig.erp = _connector("netsuite", rig.erp_client, token_id="stolen")
    with pytest.raises(AuthError):
        rig.engine().run(rig.flow, full=True)
    (run,) = rig.state.runs("customers")
    assert run.status == "failed" and run.error and "AuthError" in run.error
    assert rig.customers() == {}
