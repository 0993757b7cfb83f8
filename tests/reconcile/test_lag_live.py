"""Sync lag on real servers: an initial load times nothing (n/a, said why); edits carried by
the next run are timed from the source change to the sync's write of it."""

from __future__ import annotations

import time

from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings


def test_lag_times_the_changes_made_while_the_flow_was_live(sandbox: Sandbox) -> None:
    sandbox.reseed(WorldSettings(seed=37, accounts=50))
    assert sandbox.sync(full=True).status == "succeeded"
    report, _ = sandbox.reconcile(["customers"])
    (loaded,) = report.flows
    assert loaded.equal == 50 and loaded.lag_changes == 0 and loaded.lag_p95_seconds is None
    time.sleep(1.1)
    accounts = sorted(sandbox.stored("crm", "Account"), key=lambda r: r["id"])[:6]
    with sandbox.connectors() as systems:
        edits = [(a["id"], {"Description": "renewed contract"}) for a in accounts]
        assert all(r.ok for r in systems["crm"].update("Account", edits))
    time.sleep(1.0)  # the sync runs a second or so after the edits
    assert sandbox.sync().counts.updated == 6
    report, _ = sandbox.reconcile(["customers"])
    (flow,) = report.flows
    assert flow.lag_changes == 6
    assert flow.lag_p95_seconds is not None and 0.5 <= flow.lag_p95_seconds < 120
