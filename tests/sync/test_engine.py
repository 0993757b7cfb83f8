"""The engine against both mocks in process: idempotence, healing, quarantine, modes."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mocks.netsuite import NetSuiteMockConfig
from mocks.netsuite import create_app as netsuite_app
from mocks.salesforce import create_app as salesforce_app
from mocks.world.generator import WorldSettings
from sync.connectors import ConnectionSettings, create_connector
from sync.connectors.base import Connector
from sync.engine import Flow, SyncEngine
from sync.errors import AuthError
from sync.mapping import load_mapping
from sync.state import StateStore

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

MAPPING = Path(__file__).resolve().parents[2] / "fixtures" / "mappings" / "salesforce_netsuite.yaml"
ACCOUNTS = 40
FAST = {"backoff_base": 0.001, "backoff_max": 0.01}


@dataclass
class Rig:
    crm_client: TestClient
    erp_client: TestClient
    crm: Connector
    erp: Connector
    state: StateStore
    state_path: Path
    flow: Flow

    @property
    def erp_store(self):  # type: ignore[no-untyped-def]
        return self.erp_client.app.state.mock.store  # type: ignore[attr-defined]

    @property
    def crm_store(self):  # type: ignore[no-untyped-def]
        return self.crm_client.app.state.mock.store  # type: ignore[attr-defined]

    def engine(self) -> SyncEngine:
        return SyncEngine(self.crm, self.erp, self.state)

    def customers(self) -> dict[str, dict]:  # type: ignore[type-arg]
        return {r.fields["externalId"]: r.fields for r in self.erp_store.records("customer")}

    def reopen_state(self) -> None:
        self.state.close()
        self.state = StateStore(self.state_path)


def _connector(vendor: str, client: TestClient, **credentials: str) -> Connector:
    defaults = {
        "salesforce": {"client_id": "harness-sf-client", "client_secret": "harness-sf-secret"},
        "netsuite": {
            "consumer_key": "harness-ns-consumer",
            "consumer_secret": "harness-ns-consumer-secret",
            "token_id": "harness-ns-token",
            "token_secret": "harness-ns-token-secret",
        },
    }[vendor]
    options = {"account": "1234567_SB1", **FAST} if vendor == "netsuite" else dict(FAST)
    settings = ConnectionSettings(
        vendor=vendor,
        base_url="https://127.0.0.1:1",
        credentials={**defaults, **credentials},
        options=options,
    )
    return create_connector(settings, client=client)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    crm_app = salesforce_app()
    crm_app.state.mock.seed(WorldSettings(seed=11, accounts=ACCOUNTS))
    erp_app = netsuite_app(NetSuiteMockConfig())
    with TestClient(crm_app) as crm_client, TestClient(erp_app) as erp_client:
        state_path = tmp_path / "state.db"
        state = StateStore(state_path)
        flow = Flow("customers", load_mapping(MAPPING), batch_size=15)
        rig = Rig(crm_client, erp_client, _connector("salesforce", crm_client),
                  _connector("netsuite", erp_client), state, state_path, flow)  # fmt: skip
        yield rig
        rig.state.close()


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
    assert again.counts.written == 0 and again.counts.unchanged == ACCOUNTS
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
