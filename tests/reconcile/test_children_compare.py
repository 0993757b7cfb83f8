"""Child collections (order lines) compared by key, and flows scoped to the records they own."""

from __future__ import annotations

from datetime import UTC, datetime

from reconcile.compare import compare_rules, differing_paths, signature
from reconcile.reconciler import flow_scope
from sync.connectors.base import Record
from sync.mapping import parse_mapping
from tests.sync.mapping.test_children_and_references import ORDER_SPEC

WHEN = datetime(2026, 3, 1, tzinfo=UTC)
LINES = [
    {"line": 1, "item": "501", "quantity": 2, "rate": 9.5},
    {"line": 2, "item": "502", "quantity": 1, "rate": 120.0},
]


def test_lines_agree_whatever_their_order_and_the_fields_the_target_adds() -> None:
    rules = compare_rules(parse_mapping(ORDER_SPEC))
    expected = {"externalId": "8011", "entity": "77", "item": LINES}
    stored = [
        {**line, "amount": line["quantity"] * line["rate"], "item_refName": f"SKU-{line['item']}"}
        for line in LINES
    ]
    actual = {"externalId": "8011", "entity": "77", "entity_refName": "Acme",
              "item": list(reversed(stored))}  # fmt: skip
    assert differing_paths(expected, actual, rules) == []
    assert signature(expected, rules) == signature(actual, rules)


def test_a_changed_quantity_or_a_missing_line_is_a_difference_on_the_collection() -> None:
    rules = compare_rules(parse_mapping(ORDER_SPEC))
    expected = {"externalId": "8011", "entity": "77", "item": LINES}
    changed = {**expected, "item": [LINES[0], {**LINES[1], "quantity": 3}]}
    short = {**expected, "item": LINES[:1]}
    assert [r.path for r, _e, _a in differing_paths(expected, changed, rules)] == ["item"]
    assert [r.path for r, _e, _a in differing_paths(expected, short, rules)] == ["item"]


FINANCE = """
version: 1
name: customer_finance
source: {system: netsuite, object: customer, key: externalId}
target:
  system: salesforce
  object: Account
  external_id: Id
  update_only: true
  scope: {Type: Customer}
fields:
  - {target: Description, source: comments}
"""


def test_an_update_only_flow_answers_for_linked_sources_and_the_targets_they_name() -> None:
    spec = parse_mapping(FINANCE)
    sources = {
        "1": Record("1", {"externalId": "001A", "comments": "x"}, WHEN),
        "2": Record("2", {"externalId": None, "comments": "erp only"}, WHEN),
    }
    targets = {
        "001A": Record("001A", {"Id": "001A", "Type": "Customer"}, WHEN),
        "001B": Record("001B", {"Id": "001B", "Type": "Customer"}, WHEN),
        "001C": Record("001C", {"Id": "001C", "Type": "Partner"}, WHEN),
    }
    kept_sources, kept_targets = flow_scope(spec, sources, targets)
    assert set(kept_sources) == {"1"} and set(kept_targets) == {"001A"}
