"""The matching cascade: crosswalk, external id, business keys, fuzzy; ambiguity is reported."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from reconcile.explain import SyncMemory
from reconcile.normalize import domain_key, email_key, name_key, text_key
from reconcile.reconciler import compare_snapshots
from sync.connectors.base import Record
from sync.mapping import MappingSpec, MatchSpec
from tests.reconcile.conftest import clean_world, make_account, make_customer

ZIP = "addressBook.0.addressBookAddress.zip"
CITY = "addressBook.0.addressBookAddress.city"


def _unlink(target: Record, **changes: Any) -> Record:
    """The same record as created by hand: no external id, maybe other spellings."""
    fields = {**target.fields, "externalId": None, **changes}
    return Record(target.id, fields, target.modified_at)


@pytest.mark.parametrize(
    ("normalizer", "value", "expected"),
    [
        pytest.param(text_key, "  Acme \t Trading ", "acme trading", id="text-spaces-case"),
        pytest.param(text_key, "   ", None, id="text-blank-is-none"),
        pytest.param(email_key, " AP@Acme.COM ", "ap@acme.com", id="email-casefold"),
        pytest.param(domain_key, "https://www.Acme.com/about", "acme.com", id="domain-url"),
        pytest.param(domain_key, "www.acme.co.uk", "acme.co.uk", id="domain-bare-host"),
        pytest.param(domain_key, "ap@acme.com", "acme.com", id="domain-of-email"),
        pytest.param(name_key, "Acme, Inc.", "acme", id="name-legal-suffix"),
        pytest.param(name_key, "ACME Trading Co. Ltd", "acme trading", id="name-two-suffixes"),
        pytest.param(name_key, "Ltd", "ltd", id="name-only-suffix-kept"),
    ],
)
def test_business_key_normalizers(normalizer: Any, value: str, expected: str | None) -> None:
    assert normalizer(value) == expected


def test_ids_pair_first_and_are_counted(mapping_spec: MappingSpec) -> None:
    sources, targets = clean_world(mapping_spec, 3)
    score = compare_snapshots("customers", mapping_spec, sources, targets, SyncMemory())
    assert score.matched_by == {"external_id": 3}
    assert (score.unlinked, score.ambiguous, score.equal) == (0, 0, 3)
    assert score.findings == ()


@pytest.mark.parametrize(
    ("changes", "matched_by"),
    [
        pytest.param({"email": "AP@company0.example.com"}, "business_key", id="email"),
        pytest.param(
            {"email": None, "url": "https://company0.example.com/"}, "business_key", id="url-domain"
        ),
        pytest.param(
            {"email": None, "url": None, "companyName": "COMPANY 0 LIMITED"},
            "business_key",
            id="name-and-zip",
        ),
    ],
)
def test_a_target_without_external_id_is_linked_and_reported_unlinked(
    mapping_spec: MappingSpec, changes: dict[str, Any], matched_by: str
) -> None:
    sources, targets = clean_world(mapping_spec, 3)
    targets["100"] = _unlink(targets["100"], **changes)
    score = compare_snapshots("customers", mapping_spec, sources, targets, SyncMemory())
    (finding,) = score.findings
    assert (finding.kind, finding.target_id, finding.matched_by) == ("unlinked", "100", matched_by)
    assert "the target lacks the external id" in finding.root_cause
    assert "externalId" in {d.path for d in finding.diffs}
    assert 0.9 <= (finding.confidence or 0) < 1
    assert score.matched_by == {"external_id": 2, matched_by: 1}
    assert (score.unlinked, score.missing_in_target, score.unexpected_in_target) == (1, 0, 0)
    assert score.equal == 2  # linked without an id is never equal


def test_a_similar_name_in_the_same_zip_links_by_fuzzy_match(mapping_spec: MappingSpec) -> None:
    source = make_account(1, Name="Northwind Traders Holdings Ltd")
    target = make_customer(mapping_spec, source, "100")
    targets = {
        "100": _unlink(target, email=None, url=None, companyName="Northwind Trader Holdings")
    }
    score = compare_snapshots("customers", mapping_spec, {source.id: source}, targets, SyncMemory())
    (finding,) = score.findings
    assert (finding.kind, finding.matched_by) == ("unlinked", "fuzzy")
    assert finding.root_cause.startswith("linked by fuzzy match only")
    assert 0.9 < (finding.confidence or 0) < 1
    assert {d.path for d in finding.diffs} == {"externalId", "email", "url", "companyName"}


def test_a_target_with_another_external_id_is_never_linked(mapping_spec: MappingSpec) -> None:
    sources, targets = clean_world(mapping_spec, 2)
    targets["100"] = _unlink(targets["100"], externalId="SOMEONE-ELSE")
    score = compare_snapshots("customers", mapping_spec, sources, targets, SyncMemory())
    assert sorted(f.kind for f in score.findings) == ["missing_in_target", "unexpected_in_target"]


def test_an_orphan_like_nothing_stays_unexpected(mapping_spec: MappingSpec) -> None:
    sources, targets = clean_world(mapping_spec, 2)
    del targets["100"]
    stray = make_customer(mapping_spec, make_account(77, Name="Utterly Different Plc"), "900")
    targets["900"] = _unlink(stray, email=None, url=None)
    score = compare_snapshots("customers", mapping_spec, sources, targets, SyncMemory())
    assert sorted(f.kind for f in score.findings) == ["missing_in_target", "unexpected_in_target"]


def test_two_equally_good_candidates_are_ambiguous(mapping_spec: MappingSpec) -> None:
    sources, targets = clean_world(mapping_spec, 2)
    twin = make_customer(mapping_spec, sources[next(iter(sources))], "900")
    targets["100"] = _unlink(targets["100"])
    targets["900"] = _unlink(twin)
    score = compare_snapshots("customers", mapping_spec, sources, targets, SyncMemory())
    (finding,) = score.findings
    assert finding.kind == "ambiguous" and finding.candidates == ("100", "900")
    assert (score.ambiguous, score.matched, score.missing_in_target) == (1, 1, 0)
    assert score.unexpected_in_target == 0  # the candidates are named, not unexpected


def test_one_candidate_two_sources_want_is_ambiguous_for_both(mapping_spec: MappingSpec) -> None:
    sources = {a.id: a for a in (make_account(1), make_account(2, Name="Company 1 Ltd"))}
    target = make_customer(mapping_spec, sources[make_account(1).id], "100")
    targets = {"100": _unlink(target, email=None, url=None)}
    score = compare_snapshots("customers", mapping_spec, sources, targets, SyncMemory())
    assert [f.kind for f in score.findings] == ["ambiguous", "ambiguous"]
    assert all("another source" in f.detail for f in score.findings)


def test_fuzzy_needs_a_shared_block(mapping_spec: MappingSpec) -> None:
    sources, targets = clean_world(mapping_spec, 1)
    targets["100"] = _unlink(
        targets["100"], email=None, url=None, companyName="Company 0 Ltd",
        addressBook=[{"addressBookAddress": {"zip": "X1", "city": "Leeds"}}],
    )  # fmt: skip
    score = compare_snapshots("customers", mapping_spec, sources, targets, SyncMemory())
    assert sorted(f.kind for f in score.findings) == ["missing_in_target", "unexpected_in_target"]


def test_a_stray_copy_of_a_paired_record_is_not_linked(mapping_spec: MappingSpec) -> None:
    """Two CRM accounts of one company (a duplicate in the source): one was synced; its target
    record was copied without the external id. The copy is evidence of nothing for the other."""
    sources, targets = clean_world(mapping_spec, 1)
    twin = make_account(5, Name="Company 0 Ltd", Billing_Email__c="ap@company0.example.com")
    sources[twin.id] = twin
    copy = _unlink(targets["100"])
    targets["900"] = Record("900", {**copy.fields, "id": "900"}, copy.modified_at)
    score = compare_snapshots("customers", mapping_spec, sources, targets, SyncMemory())
    assert sorted((f.kind, f.source_id or f.target_id) for f in score.findings) == [
        ("missing_in_target", twin.id),
        ("unexpected_in_target", "900"),
    ]


def test_without_match_rules_only_the_ids_pair(mapping_spec: MappingSpec) -> None:
    spec = replace(mapping_spec, match=MatchSpec())
    sources, targets = clean_world(spec, 2)
    targets["100"] = _unlink(targets["100"])
    score = compare_snapshots("customers", spec, sources, targets, SyncMemory())
    assert sorted(f.kind for f in score.findings) == ["missing_in_target", "unexpected_in_target"]
    assert score.matched_by == {"external_id": 1}
