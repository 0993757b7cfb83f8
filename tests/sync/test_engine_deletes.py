"""Source deletes reaching the target per the flow's policy: the feed and the full sweep."""

from __future__ import annotations

import yaml

from sync.engine import Flow
from tests.sync.conftest import ACCOUNTS, Rig, mapping_variant


def with_deletes(section: str) -> Flow:
    deletes = yaml.safe_load(section)["deletes"]
    return Flow("customers", mapping_variant(deletes=deletes, governance=None), batch_size=15)


def test_a_delete_in_the_feed_is_propagated_with_its_before_image(rig: Rig) -> None:
    flow = with_deletes("deletes: propagate\n")
    rig.engine().run(flow, full=True)
    gone = rig.crm_store.records("Account")[7]
    before = rig.customers()[gone.id]
    rig.crm_store.delete("Account", gone.id)
    result = rig.engine().run(flow)
    assert result.counts.deleted == 1
    assert gone.id not in rig.customers() and len(rig.customers()) == ACCOUNTS - 1
    (entry,) = [a for a in rig.state.audit_for_run(result.run_id) if a.action == "delete"]
    assert entry.source_id == gone.id and entry.after is None
    assert entry.before is not None and entry.before["companyName"] == before["companyName"]
    assert rig.state.crosswalk_get("customers", gone.id) is None


def test_a_delete_is_flagged_when_the_policy_says_flag(rig: Rig) -> None:
    flow = with_deletes("deletes: {policy: flag, field: isInactive, value: true}\n")
    rig.engine().run(flow, full=True)
    gone = rig.crm_store.records("Account")[8]
    rig.crm_store.delete("Account", gone.id)
    result = rig.engine().run(flow)
    assert result.counts.deleted == 1
    assert rig.customers()[gone.id]["isInactive"] is True


def test_a_hard_delete_no_feed_shows_is_found_by_the_full_sweep(rig: Rig) -> None:
    flow = with_deletes("deletes: propagate\n")
    rig.engine().run(flow, full=True)
    gone = rig.crm_store.records("Account")[9]
    rig.crm_store.purge("Account", gone.id)  # past the recycle bin: queryAll cannot see it
    incremental = rig.engine().run(flow)
    assert incremental.counts.deleted == 0 and gone.id in rig.customers()
    result = rig.engine().run(flow, full=True)
    assert result.counts.deleted == 1
    assert gone.id not in rig.customers()


def test_deletes_are_ignored_by_default(rig: Rig) -> None:
    rig.engine().run(rig.flow, full=True)
    gone = rig.crm_store.records("Account")[10]
    rig.crm_store.delete("Account", gone.id)
    result = rig.engine().run(rig.flow, full=True)
    assert result.counts.deleted == 0 and gone.id in rig.customers()


def test_a_dry_run_plans_the_delete_and_keeps_the_record(rig: Rig) -> None:
    flow = with_deletes("deletes: propagate\n")
    rig.engine().run(flow, full=True)
    gone = rig.crm_store.records("Account")[11]
    rig.crm_store.delete("Account", gone.id)
    result = rig.engine().run(flow, mode="dry-run")
    assert [(p.action, p.source_id) for p in result.planned] == [("delete", gone.id)]
    assert gone.id in rig.customers()
