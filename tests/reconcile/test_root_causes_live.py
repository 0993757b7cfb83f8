"""Root causes that tell the truth, on real mock servers: a source deleted after sync, a record
the source's queries do not show yet, a change without a stamp bump, a change committed late
behind the watermark, and a change in flight. Missed changes never drown in a GO."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta

import pytest

from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from reconcile.explain import (
    DELETED_IN_SOURCE,
    IN_FLIGHT,
    MISSED_BY_INCREMENTAL,
    NO_STAMP_BUMP,
    NOT_YET_VISIBLE,
)
from reconcile.model import FlowScore

ACCOUNTS = 60


@pytest.fixture
def synced(sandbox: Sandbox) -> Sandbox:
    sandbox.reseed(WorldSettings(seed=31, accounts=ACCOUNTS))
    result = sandbox.sync(full=True)
    assert result.status == "succeeded" and result.counts.created == ACCOUNTS, result.error
    time.sleep(1.2)  # later edits land on a later second than the sync's writes
    return sandbox


def _accounts(box: Sandbox) -> list[dict]:
    return sorted(box.stored("crm", "Account"), key=lambda r: r["id"])


def _causes(box: Sandbox) -> tuple[FlowScore, Counter[str]]:
    report, _ = box.reconcile(["customers"])
    (flow,) = report.flows
    return flow, Counter(f.root_cause for f in flow.findings)


def test_a_source_deleted_after_sync_is_deleted_in_source(synced: Sandbox) -> None:
    doomed = [a["id"] for a in _accounts(synced)[:5]]
    with synced.connectors() as systems:  # a user deletes them in Salesforce
        assert all(r.ok for r in systems["crm"].delete("Account", doomed))
    flow, causes = _causes(synced)
    assert causes == {DELETED_IN_SOURCE: 5}, causes
    assert {f.source_id for f in flow.findings} == set(doomed)


def test_a_record_hidden_from_the_source_queries_is_not_yet_visible(synced: Sandbox) -> None:
    hidden = [a["id"] for a in _accounts(synced)[:4]]
    plan = {"rules": [{"name": "lag", "effect": {"type": "late_visibility", "seconds": 600}}]}
    with synced.connectors() as systems:
        edits = [(rid, {"Description": "touched"}) for rid in hidden]
        assert all(r.ok for r in systems["crm"].update("Account", edits))
    synced.set_faults("crm", plan)
    try:
        _flow, causes = _causes(synced)
    finally:
        synced.clear_faults()
    assert causes == {NOT_YET_VISIBLE: 4}, causes


def test_a_change_without_a_stamp_bump_is_named_and_fails_the_gate(synced: Sandbox) -> None:
    account = _accounts(synced)[0]
    stamp = datetime.fromisoformat(account["modified_at"])
    name = account["fields"]["Name"]
    synced.backdate("crm", "Account", account["id"], {"Name": f"{name} Holdings Group"}, stamp)
    flow, causes = _causes(synced)
    assert causes == {NO_STAMP_BUMP: 1}, causes
    assert flow.missed_changes == 1
    report, _ = synced.reconcile(["customers"])
    assert not report.verdict.go
    assert any("missed changes" in reason for reason in report.verdict.reasons)


def test_a_late_commit_behind_the_watermark_is_missed_by_the_incremental_read(
    synced: Sandbox,
) -> None:
    accounts = _accounts(synced)
    with synced.connectors() as systems:  # a later edit moves the watermark past the others
        assert systems["crm"].update("Account", [(accounts[1]["id"], {"Phone": "+14155550100"})])
    assert synced.sync().counts.updated == 1
    late = accounts[0]
    moved = next(a for a in _accounts(synced) if a["id"] == accounts[1]["id"])
    # Stamped a second before the edit that moved the watermark, committed after that sync.
    stamp = datetime.fromisoformat(moved["modified_at"]) - timedelta(seconds=1)
    synced.backdate("crm", "Account", late["id"], {"Description": "late commit"}, stamp)
    assert synced.sync().counts.updated == 0  # the incremental read cannot see it
    flow, causes = _causes(synced)
    assert causes == {MISSED_BY_INCREMENTAL: 1}, causes
    assert flow.missed_changes == 1


def test_a_change_after_the_last_read_is_in_flight_and_not_missed(synced: Sandbox) -> None:
    account = _accounts(synced)[0]
    with synced.connectors() as systems:
        assert systems["crm"].update("Account", [(account["id"], {"Description": "new"})])
    flow, causes = _causes(synced)
    assert causes == {IN_FLIGHT: 1} and flow.missed_changes == 0, causes
