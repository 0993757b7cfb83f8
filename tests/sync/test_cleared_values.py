"""`on_invalid: null` means the same to sync and reconcile: a source value the mapping drops,
or one the source cleared, clears the target's old value, so the reconciler's expectation
(null) is what the target holds and the harness raises no NO-GO of its own making."""

from __future__ import annotations

import time

from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from sync.mapping import with_clears


def test_only_changed_top_level_paths_without_a_value_are_cleared() -> None:
    payload = {"companyName": "Acme", "addressBook": [{"city": None}]}
    changed = ["phone", "companyName", "addressBook.0.city", "email"]
    cleared = with_clears({**payload, "email": "a@b.co"}, changed)
    assert cleared == {**payload, "email": "a@b.co", "phone": None}
    assert with_clears(payload, ["companyName"]) is payload


def test_an_update_that_makes_a_phone_invalid_clears_it_in_the_erp(sandbox: Sandbox) -> None:
    sandbox.reseed(WorldSettings(seed=29, accounts=40))
    assert sandbox.sync(full=True).status == "succeeded"
    time.sleep(1.1)  # the edits land on a later second than the sync's reads
    accounts = sorted(sandbox.stored("crm", "Account"), key=lambda r: r["id"])
    invalid, blank = accounts[:20], accounts[20:25]
    with sandbox.connectors() as systems:  # users edit phones in Salesforce
        edits = [(a["id"], {"Phone": "call the front desk"}) for a in invalid]
        edits += [(a["id"], {"Phone": None}) for a in blank]
        assert all(r.ok for r in systems["crm"].update("Account", edits))
    run = sandbox.sync()
    assert run.counts.updated == 25, run.counts
    held = {c["externalId"]: c["fields"].get("phone") for c in (
        {"externalId": r["fields"].get("externalId"), "fields": r["fields"]}
        for r in sandbox.stored("erp", "customer"))}  # fmt: skip
    assert all(held[a["id"]] is None for a in invalid + blank)
    report, _ = sandbox.reconcile(["customers"])
    (flow,) = report.flows
    assert flow.different == 0 and report.verdict.go, flow.root_causes
    assert flow.policy_flags.get("dropped phone") == 20
