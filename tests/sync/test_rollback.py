"""Rollback against both mocks in process: a corrupting run is undone record by record."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from mocks.netsuite import NetSuiteMockConfig
from mocks.netsuite import create_app as netsuite_app
from mocks.salesforce import create_app as salesforce_app
from mocks.world.generator import WorldSettings
from sync.connectors import ConnectionSettings, create_connector
from sync.connectors.base import Connector
from sync.engine import Flow, RunResult, SyncEngine
from sync.mapping import load_mapping
from sync.rollback import RollbackResult, rollback_run
from sync.state import StateError, StateStore
from tests.paths import CUSTOMERS_MAPPING

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

MAPPING = CUSTOMERS_MAPPING
ACCOUNTS = 12
NEW_IDS = ("001Dn0000000901IAA", "001Dn0000000902IAA")
CITY = "addressBook.0.addressBookAddress.city"
CREDENTIALS = {
    "salesforce": {"client_id": "harness-sf-client", "client_secret": "harness-sf-secret"},
    "netsuite": {
        "consumer_key": "harness-ns-consumer",
        "consumer_secret": "harness-ns-consumer-secret",
        "token_id": "harness-ns-token",
        "token_secret": "harness-ns-token-secret",
    },
}


def _connector(vendor: str, client: TestClient) -> Connector:
    fast = {"backoff_base": 0.001, "backoff_max": 0.01}
    options = {"account": "1234567_SB1", **fast} if vendor == "netsuite" else fast
    settings = ConnectionSettings(vendor=vendor, base_url="https://127.0.0.1:1",
                                  credentials=CREDENTIALS[vendor], options=options)  # fmt: skip
    return create_connector(settings, client=client)


def _corrupting_mapping(tmp_path: Path) -> Path:
    """The customer mapping, but shouting: company names and cities upper-cased."""
    spec = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    for rule in spec["fields"]:
        if rule["target"] in ("companyName", CITY):
            rule["transforms"] = [*rule.get("transforms", []), "upper"]
    path = tmp_path / "shouting.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class Rig:
    crm_client: TestClient
    erp_client: TestClient
    state: StateStore
    good: Flow
    bad: Flow

    @property
    def crm_store(self) -> Any:
        return self.crm_client.app.state.mock.store  # type: ignore[attr-defined]

    @property
    def erp_store(self) -> Any:
        return self.erp_client.app.state.mock.store  # type: ignore[attr-defined]

    def sync(self, flow: Flow, *, full: bool = False) -> RunResult:
        crm, erp = (
            _connector("salesforce", self.crm_client),
            _connector("netsuite", self.erp_client),
        )
        return SyncEngine(crm, erp, self.state).run(flow, full=full)

    def rollback(self, run_id: str, **options: Any) -> RollbackResult:
        erp = _connector("netsuite", self.erp_client)
        return rollback_run(self.state, erp, run_id, target_object="customer",
                            external_id_field="externalId", **options)  # fmt: skip

    def customers(self) -> dict[str, dict[str, Any]]:
        """Every ERP customer's stored fields, by external id (a deep copy)."""
        return {
            r.fields["externalId"]: copy.deepcopy(r.fields)
            for r in self.erp_store.records("customer")
        }

    def add_accounts(self) -> None:
        template = self.crm_store.records("Account")[0].fields
        for n, account_id in enumerate(NEW_IDS):
            fields = {**template, "Name": f"Newcomer {n} GmbH", "AccountNumber": f"CO-90{n}"}
            self.crm_store.insert("Account", account_id, fields)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    crm_app = salesforce_app()
    crm_app.state.mock.seed(WorldSettings(seed=11, accounts=ACCOUNTS))
    erp_app = netsuite_app(NetSuiteMockConfig())
    with (
        TestClient(crm_app) as crm_client,
        TestClient(erp_app) as erp_client,
        StateStore(tmp_path / "state.db") as state,
    ):
        good = Flow("customers", load_mapping(MAPPING))
        bad = Flow("customers", load_mapping(_corrupting_mapping(tmp_path)))
        yield Rig(crm_client, erp_client, state, good, bad)


@pytest.fixture
def corrupted(rig: Rig) -> tuple[dict[str, dict[str, Any]], RunResult]:
    """A clean first sync, its snapshot, then a shouting run that also creates two records."""
    first = rig.sync(rig.good, full=True)
    assert first.counts.created == ACCOUNTS
    snapshot = rig.customers()
    rig.add_accounts()
    bad = rig.sync(rig.bad, full=True)
    assert (bad.counts.updated, bad.counts.created) == (ACCOUNTS, 2)
    shouted = rig.customers()
    assert all(c["companyName"].isupper() for c in shouted.values())
    return snapshot, bad


def test_rollback_restores_every_record_and_removes_created_ones(
    rig: Rig, corrupted: tuple[dict[str, dict[str, Any]], RunResult]
) -> None:
    snapshot, bad = corrupted
    result = rig.rollback(bad.run_id)
    assert result.status == "succeeded"
    assert (result.count("restored"), result.count("deleted")) == (ACCOUNTS, 2)
    assert rig.customers() == snapshot
    for account_id in NEW_IDS:
        assert rig.state.crosswalk_get("customers", account_id) is None
    kept = rig.state.crosswalk_all("customers")
    assert len(kept) == ACCOUNTS and {e.content_hash for e in kept.values()} == {""}
    # The governance memory now says what the target holds again, not the shouted names.
    for entry in kept.values():
        assert entry.last_sync is not None
        memory = entry.last_sync["mapped"]
        assert memory["companyName"] == snapshot[entry.external_id]["companyName"]


def test_rollback_is_a_run_with_its_own_audit(
    rig: Rig, corrupted: tuple[dict[str, dict[str, Any]], RunResult]
) -> None:
    snapshot, bad = corrupted
    result = rig.rollback(bad.run_id)
    assert result.run_id is not None
    run = rig.state.get_run(result.run_id)
    assert run is not None and (run.mode, run.kind, run.status) == ("rollback", "rollback",
                                                                      "succeeded")  # fmt: skip
    assert run.counts["restored"] == ACCOUNTS and run.counts["deleted"] == 2
    audit = rig.state.audit_for_run(result.run_id)
    deletes = [a for a in audit if a.action == "delete"]
    restores = [a for a in audit if a.action == "restore"]
    assert sorted(a.source_id for a in deletes) == sorted(NEW_IDS)
    assert all(a.after is None and a.before and a.before["companyName"].isupper()
               for a in deletes)  # fmt: skip
    assert len(restores) == ACCOUNTS
    one = restores[0]
    assert one.before is not None and one.after is not None
    assert one.before["companyName"].isupper()
    assert one.after["companyName"] == snapshot[one.external_id]["companyName"]
    assert set(one.flags[0]["paths"]) == {"companyName", CITY}
    assert rig.state.rolled_back_by(bad.run_id) == rig.state.get_run(result.run_id)
    assert rig.state.rollback_of(result.run_id) == bad.run_id


def test_next_sync_rechecks_restored_records_and_writes_nothing_they_do_not_need(
    rig: Rig, corrupted: tuple[dict[str, dict[str, Any]], RunResult]
) -> None:
    _snapshot, bad = corrupted
    rig.rollback(bad.run_id)
    again = rig.sync(rig.good, full=True)
    assert (again.counts.in_sync, again.counts.updated, again.counts.created) == (ACCOUNTS, 0, 2)


def test_record_edited_after_the_run_is_a_conflict_unless_forced(
    rig: Rig, corrupted: tuple[dict[str, dict[str, Any]], RunResult]
) -> None:
    snapshot, bad = corrupted
    victim = rig.erp_store.records("customer")[0]
    rig.erp_store.update("customer", victim.id, {"companyName": "Edited By Hand Ltd"})
    result = rig.rollback(bad.run_id)
    assert result.status == "partial"
    (conflict,) = [i for i in result.items if i.outcome == "conflict"]
    assert conflict.external_id == victim.fields["externalId"]
    assert conflict.conflicts == ("companyName",)
    after = rig.customers()
    assert after[conflict.external_id]["companyName"] == "Edited By Hand Ltd"
    others = {k: v for k, v in after.items() if k != conflict.external_id}
    assert others == {k: v for k, v in snapshot.items() if k != conflict.external_id}

    forced = rig.rollback(bad.run_id, force=True)
    assert forced.status == "succeeded" and forced.count("restored") == 1
    assert forced.count("unchanged") == ACCOUNTS - 1 and forced.count("gone") == 2
    assert rig.customers() == snapshot


def test_dry_run_lists_the_undo_and_writes_nothing(
    rig: Rig, corrupted: tuple[dict[str, dict[str, Any]], RunResult]
) -> None:
    _snapshot, bad = corrupted
    before, seq = rig.customers(), rig.erp_store.last_seq
    runs = rig.state.runs(limit=100)
    plan = rig.rollback(bad.run_id, dry_run=True)
    assert plan.run_id is None and plan.count("planned") == ACCOUNTS + 2
    assert {i.action for i in plan.items if i.source_id in NEW_IDS} == {"delete"}
    restore = next(i for i in plan.items if i.action == "restore")
    assert set(restore.paths) == {"companyName", CITY}
    assert rig.customers() == before and rig.erp_store.last_seq == seq
    assert rig.state.runs(limit=100) == runs


def test_a_run_is_rolled_back_once_and_the_refusal_names_the_rollback(
    rig: Rig, corrupted: tuple[dict[str, dict[str, Any]], RunResult]
) -> None:
    _snapshot, bad = corrupted
    done = rig.rollback(bad.run_id)
    with pytest.raises(StateError, match=f"already rolled back by run {done.run_id}"):
        rig.rollback(bad.run_id)
    with pytest.raises(StateError, match="already rolled back"):
        rig.rollback(bad.run_id, dry_run=True)


def test_dry_run_and_unknown_runs_are_refused(rig: Rig) -> None:
    planned = SyncEngine(_connector("salesforce", rig.crm_client),
                         _connector("netsuite", rig.erp_client),
                         rig.state).run(rig.good, mode="dry-run")  # fmt: skip
    with pytest.raises(StateError, match="dry-run run: it wrote nothing"):
        rig.rollback(planned.run_id)
    with pytest.raises(StateError, match="no run 'nope'"):
        rig.rollback("nope")


def test_rolling_back_the_rollback_reapplies_the_updates(
    rig: Rig, corrupted: tuple[dict[str, dict[str, Any]], RunResult]
) -> None:
    _snapshot, bad = corrupted
    shouted = rig.customers()
    undo = rig.rollback(bad.run_id)
    assert undo.run_id is not None
    redo = rig.rollback(undo.run_id)
    # Updates come back; deleted records are not re-created (a full sync does that).
    assert redo.status == "partial" and redo.count("restored") == ACCOUNTS
    assert redo.count("unsupported") == 2
    assert rig.customers() == {k: v for k, v in shouted.items() if k not in NEW_IDS}
