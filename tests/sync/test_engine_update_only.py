"""Flows that only update linked target records, and sources exploded into sublist rows."""

from __future__ import annotations

from datetime import UTC, datetime

from sync.connectors.base import Record
from sync.engine import Flow, SyncEngine
from sync.explode import explode, parent_of
from sync.mapping import parse_mapping
from tests.sync.conftest import ACCOUNTS, Rig

FINANCE = """
version: 1
name: customer_notes
source: {system: netsuite, object: customer, key: externalId, modified_field: lastModifiedDate}
target: {system: salesforce, object: Account, external_id: Id, update_only: true}
fields:
  - {target: Description, source: comments}
"""


def test_an_update_only_flow_updates_linked_records_and_skips_the_rest(rig: Rig) -> None:
    rig.engine().run(rig.flow, full=True)  # the customers flow links every account
    linked = rig.crm_store.records("Account")[0]
    erp_id = next(r.id for r in rig.erp_store.records("customer")
                  if r.fields["externalId"] == linked.id)  # fmt: skip
    rig.erp_store.update("customer", erp_id, {"comments": "Credit hold until March"})
    erp_only = rig.erp_store.records("customer")[-1]
    rig.erp_store.update("customer", erp_only.id, {"externalId": None})
    accounts_before = len(rig.crm_store.records("Account"))

    flow = Flow("customer_notes", parse_mapping(FINANCE), batch_size=15)
    result = SyncEngine(rig.erp, rig.crm, rig.state).run(flow, full=True)
    assert result.counts.skipped == 1 and result.counts.created == 0
    assert result.counts.quarantined == 0, [q.message for q in result.quarantined]
    assert (
        rig.crm_store.get("Account", linked.id).fields["Description"] == "Credit hold until March"
    )  # type: ignore[union-attr]
    assert len(rig.crm_store.records("Account")) == accounts_before
    (entry,) = [a for a in rig.state.audit_for_run(result.run_id) if a.source_id == linked.id]
    assert entry.action == "update" and entry.before is not None
    assert entry.before["Description"] != "Credit hold until March"


def test_a_link_to_a_missing_record_waits_in_quarantine(rig: Rig) -> None:
    rig.engine().run(rig.flow, full=True)
    stray = rig.erp_store.records("customer")[3]
    rig.erp_store.update("customer", stray.id, {"externalId": "001000000000000AAA"})
    flow = Flow("customer_notes", parse_mapping(FINANCE), batch_size=15)
    result = SyncEngine(rig.erp, rig.crm, rig.state).run(flow, full=True)
    (held,) = result.quarantined
    assert (held.source_id, held.reason, held.code) == (
        "001000000000000AAA", "unresolved_reference", "TARGET_MISSING")  # fmt: skip
    assert result.counts.updated + result.counts.in_sync == ACCOUNTS - 1


STOCK = """
version: 1
name: inventory
source:
  system: netsuite
  object: inventoryItem
  key: id
  modified_field: lastModifiedDate
  explode: {path: locations.items, key: location.id}
target: {system: salesforce, object: Inventory_Level__c, external_id: NetSuite_Id__c}
fields:
  - {target: Name, source: parent.itemId}
  - {target: Quantity_On_Hand__c, source: quantityOnHand}
"""


def test_a_sublist_explodes_into_one_record_per_row_with_the_parent_at_hand() -> None:
    spec = parse_mapping(STOCK)
    assert spec.source_fields == ("id", "lastModifiedDate", "locations", "itemId")
    when = datetime(2026, 5, 1, tzinfo=UTC)
    item = Record("501", {"id": "501", "itemId": "WIDGET-9", "locations": {"items": [
        {"location": {"id": "1"}, "quantityOnHand": 12},
        {"location": {"id": "2"}, "quantityOnHand": 0},
        {"location": None, "quantityOnHand": 5},
    ]}}, when)  # fmt: skip
    rows = explode(spec, [item, Record("502", {"id": "502", "itemId": "X"}, when)])
    assert [r.id for r in rows] == ["501:1", "501:2"]
    assert rows[0].fields["parent"]["itemId"] == "WIDGET-9" and rows[0].modified_at == when
    assert parent_of(rows[1].id) == "501"
