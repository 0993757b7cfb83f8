"""The columnar engine and the per-record path score the same snapshots identically: every
finding, field score, explanation and count, under every compare rule of the mapping."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from reconcile.columnar.pairs import ColumnarOptions
from reconcile.explain import SyncMemory
from reconcile.model import FlowScore
from reconcile.reconciler import compare_snapshots
from sync.connectors.base import Record
from sync.mapping import MappingSpec, parse_mapping
from sync.state import QuarantineEntry
from tests.reconcile.conftest import MAPPING, clean_world, crosswalk, make_account, make_customer

PER_RECORD = ColumnarOptions(threshold=None)
COLUMNAR = ColumnarOptions(threshold=0)
ADDRESS = "addressBook.0.addressBookAddress"


@pytest.fixture(scope="module")
def spec() -> MappingSpec:
    """The shipped mapping plus two numeric fields with an absolute and a relative tolerance."""
    data = yaml.safe_load(MAPPING.read_text())
    data["fields"] += [
        {"target": "creditLimit", "source": "CreditLimit__c", "compare": {"abs_tolerance": 0.01}},
        {"target": "custentity_revenue", "source": "AnnualRevenue",
         "compare": {"rel_tolerance": 0.001}},
    ]  # fmt: skip
    return parse_mapping(data)


def both(
    spec: MappingSpec,
    sources: dict[str, Record],
    targets: dict[str, Record],
    memory: SyncMemory | None = None,
) -> tuple[FlowScore, FlowScore]:
    memory = memory or SyncMemory()
    python = compare_snapshots("customers", spec, sources, targets, memory, columnar=PER_RECORD)
    columnar = compare_snapshots("customers", spec, sources, targets, memory, columnar=COLUMNAR)
    return python, columnar


def edit(spec: MappingSpec, n: int, source: dict[str, Any], target: dict[str, Any]
         ) -> tuple[Record, Record]:  # fmt: skip
    """Account n with `source` changes and its customer (id 100+n) with `target` changes."""
    account = make_account(n, **{"CreditLimit__c": 1000, "AnnualRevenue": 5e6, **source})
    customer = make_customer(spec, account, str(100 + n))
    fields = customer.fields
    for path, value in target.items():
        node = fields
        *parents, leaf = path.split(".")
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[leaf] = value
    return account, customer


# (source changes, target changes, equal under the rules?); None: either is right.
CASES: dict[str, tuple[dict[str, Any], dict[str, Any], bool | None]] = {
    "whitespace-rule": ({"Name": "Acme  Trading Ltd"}, {"companyName": " Acme Trading   Ltd "},
                        True),
    "case-rule": ({}, {"email": "AP@COMPANY2.EXAMPLE.COM"}, True),
    "phone-rule": ({}, {"phone": "+44 (20) 7946-0958"}, True),
    "country-rule": ({}, {f"{ADDRESS}.country": "United Kingdom"}, True),
    "unicode-casefold": ({"BillingCity": "STRASSE"}, {f"{ADDRESS}.city": "straße"}, True),
    "unicode-dotted-i": ({"BillingCity": "İzmir"}, {f"{ADDRESS}.city": "izmir"}, False),
    "unicode-accent": ({"BillingCity": "Zürich"}, {f"{ADDRESS}.city": "Zurich"}, False),
    "emoji-equal": ({"Description": "Wholesale 🚚"}, {"comments": "Wholesale  🚚"}, True),
    "null-vs-empty": ({"Description": None}, {"comments": ""}, True),
    "empty-vs-absent": ({"Description": ""}, {"comments": None}, True),
    "spaces-vs-null": ({"Description": "   "}, {"comments": None}, None),
    "abs-inside": ({}, {"creditLimit": 1000.009}, True),
    "abs-outside": ({}, {"creditLimit": 1000.02}, False),
    "number-as-text": ({}, {"creditLimit": "1000.004"}, True),
    "number-as-bad-text": ({}, {"creditLimit": "one thousand"}, False),
    "rel-inside": ({}, {"custentity_revenue": 5_004_000}, True),
    "rel-outside": ({}, {"custentity_revenue": 5_006_000.0}, False),
    "int-vs-float": ({"CreditLimit__c": 7}, {"creditLimit": 7.0}, True),
    "bool-vs-text": ({}, {"isPerson": "false"}, False),
    "different-city": ({}, {f"{ADDRESS}.city": "Leeds"}, False),
    "truncated-name": ({"Name": "A" * 40}, {"companyName": "A" * 30}, False),
    "tag-byte-text": ({"Description": "\x01b1"}, {"comments": "\x01b1"}, True),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_each_rule_scores_the_same_on_both_engines(spec: MappingSpec, case: str) -> None:
    sources, targets = clean_world(spec, 0)
    source_changes, target_changes, equal = CASES[case]
    account, customer = edit(spec, 2, source_changes, target_changes)
    sources[account.id], targets[customer.id] = account, customer
    python, columnar = both(spec, sources, targets)
    assert python.matched == 1
    if equal is not None:
        assert python.equal == int(equal)
    assert columnar == python


def test_a_mixed_world_scores_the_same_on_both_engines(spec: MappingSpec) -> None:
    sources: dict[str, Record] = {}
    targets: dict[str, Record] = {}
    for n, (src_change, tgt_change, _equal) in enumerate(CASES.values()):
        account, customer = edit(spec, 10 + n, src_change, tgt_change)
        sources[account.id], targets[customer.id] = account, customer
    extra_sources, extra_targets = clean_world(spec, 3)
    first, second, third = extra_sources.values()
    sources.update(extra_sources)
    del extra_targets["102"]  # missing: never synced
    targets.update(extra_targets)
    stray = make_customer(spec, make_account(900), "900")  # unexpected in target
    twin = make_customer(spec, first, "901")  # duplicate external id
    unlinked_account = make_account(950)
    unlinked = make_customer(spec, unlinked_account, "950", externalId=None)
    sources[unlinked_account.id] = unlinked_account
    bad = make_account(960, BillingCountry="Atlantis")  # the mapping refuses it
    sources[bad.id] = bad
    targets["960"] = make_customer(spec, make_account(960), "960")
    targets.update({t.id: t for t in (stray, twin, unlinked)})
    held = QuarantineEntry.new(run_id="run-1", flow="customers", source_id=second.id,
                               reason="validation", code="required", message="held",
                               payload=second.fields)  # fmt: skip
    memory = SyncMemory(crosswalk={third.id: crosswalk(third, "102")}, quarantine={second.id: held})
    python, columnar = both(spec, sources, targets, memory)
    assert {f.kind for f in python.findings} >= {
        "different", "missing_in_target", "unexpected_in_target", "duplicate", "unlinked"
    }  # fmt: skip
    assert python.equal > 0 and python.different > 0
    assert columnar == python


def test_buckets_in_a_process_pool_score_the_same(spec: MappingSpec) -> None:
    sources, targets = clean_world(spec, 12)
    for n in (1, 5, 9):
        account, customer = edit(spec, n, {}, {f"{ADDRESS}.city": "Leeds", "creditLimit": 2.5})
        sources[account.id], targets[customer.id] = account, customer
    memory = SyncMemory()
    python = compare_snapshots("customers", spec, sources, targets, memory, columnar=PER_RECORD)
    pooled = ColumnarOptions(threshold=0, buckets=3, location="disk")
    columnar = compare_snapshots("customers", spec, sources, targets, memory, columnar=pooled)
    assert python.different == 3
    assert columnar == python


def test_the_threshold_chooses_the_engine() -> None:
    assert not ColumnarOptions(threshold=None).applies(10**9)
    assert ColumnarOptions(threshold=0).applies(0)
    assert ColumnarOptions(threshold=100).applies(100)
    assert not ColumnarOptions(threshold=100).applies(99)
