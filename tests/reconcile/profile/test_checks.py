"""The pure parts of the profile: format rules, name keys, duplicate scoring, scoring."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reconcile.profile import ProfileHints, name_key, profile_records
from reconcile.profile.audit import score_audit
from reconcile.profile.duplicates import Candidate, find_clusters, host_of, similarity
from reconcile.profile.formats import (
    casing,
    country_style,
    email_ok,
    phone_style,
    postal_ok,
    whitespace_ok,
)
from sync.connectors.base import FieldSchema, ObjectSchema, Record
from sync.mapping import load_mapping

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "ok"),
    [("ap@acme1.example.com", True), ("ap@@acme.com", False), ("ap.acme.com", False),
     ("ap@acme", False), ("ap @acme.com", False), ("ap@acme..com", False)],
)  # fmt: skip
def test_email_rule(value: str, ok: bool) -> None:
    assert email_ok(value) is ok


@pytest.mark.parametrize(
    ("value", "region", "style"),
    [("+1 415-555-2671", None, "international"), ("+14155552671", None, "e164"),
     ("(415) 555-2671", "US", "national"), ("415.555.2671", "US", "dotted"),
     ("4155552671", "US", "digits"), ("555-0000", "US", None), ("call me", "US", None)],
)  # fmt: skip
def test_phone_styles(value: str, region: str | None, style: str | None) -> None:
    assert phone_style(value, region) == style


@pytest.mark.parametrize(
    ("value", "code", "style"),
    [("Germany", "DE", "name"), ("DE", "DE", "iso2"), ("DEU", "DE", "iso3"),
     ("Deutschland", "DE", "variant"), ("UNITED STATES", "US", "variant"),
     ("Narnia", None, "unknown")],
)  # fmt: skip
def test_country_spellings(value: str, code: str | None, style: str) -> None:
    assert country_style(value) == (code, style)


def test_postal_codes_whitespace_and_casing() -> None:
    assert postal_ok("SW1A 1AA", "GB") and not postal_ok("SW1A1AA", "GB")
    assert postal_ok("K1A 0B1", "CA") and not postal_ok("K1A  0B1", "CA")
    assert postal_ok("10115", "DE") and not postal_ok("101 15", "DE")
    assert postal_ok("1234", "ZZ") is None
    assert (
        whitespace_ok("1 Main St\nSuite 200")
        and not whitespace_ok(" Acme")
        and not (whitespace_ok("Acme  Inc."))
    )
    assert (casing("ACME, INC."), casing("acme inc."), casing("ACME, Inc."), casing("AB")) == (
        "upper",
        "lower",
        "mixed",
        "none",
    )


def test_names_compare_without_legal_form_accents_or_order() -> None:
    assert name_key("ACME, Inc.") == name_key("Acme Incorporated") == "acme"
    assert name_key("Müller & Söhne G.m.b.H.") == name_key("Muller and Sohne GmbH")
    assert similarity("johnson smith", "jonhson smith") >= 85
    assert similarity("burns woodward", "burns ward") < 80
    assert similarity("brien o", "brien o robertson") < 80
    assert host_of("https://www.Acme.example.com/about") == "acme.example.com"
    assert host_of("ap@acme.example.com") == "acme.example.com" and host_of("n/a") is None


def test_clusters_need_a_shared_domain_or_phone_unless_names_agree_exactly() -> None:
    clusters = find_clusters(
        [
            Candidate("1", "Acme Inc.", ("acme.com",), "+14155552671"),
            Candidate("2", "ACME, Inc.", (), "+14155552671"),
            Candidate("3", "Acme Incorporated", ("acme.com",)),
            Candidate("4", "Acmee Corp.", ()),  # similar name, nothing shared
            Candidate("5", "Globex LLC", ("acme.com",)),  # shared domain, other name
            Candidate("6", "Initech Ltd", (), "+442079460000"),
            Candidate("7", "Initech Limited", ()),  # same name, nothing shared
        ]
    )
    assert [c.record_ids for c in clusters] == [("1", "2", "3"), ("6", "7")]
    assert set(clusters[0].reasons) >= {"domain", "phone"}


def _record(rid: str, **fields: object) -> Record:
    return Record(rid, dict(fields), T0)


def test_profile_of_records_finds_each_kind_and_scores_against_truth() -> None:
    schema = ObjectSchema(
        "Account",
        {
            "Id": FieldSchema("Id", "id"),
            "Name": FieldSchema("Name", "string", 255, required=True),
            "Phone": FieldSchema("Phone", "phone", 40),
            "BillingCountry": FieldSchema("BillingCountry", "string", 80),
            "Billing_Email__c": FieldSchema("Billing_Email__c", "email", 80),
            "Fax": FieldSchema("Fax", "phone", 40),
        },
    )
    good = {"Phone": "+1 415-555-2671", "BillingCountry": "United States"}
    rows = [
        _record(f"a{i}", Name=f"Company{chr(65 + i)}{chr(75 + i)} Inc.", **good,
                Billing_Email__c=f"ap@c{i}.example.com")
        for i in range(8)
    ]  # fmt: skip
    rows += [
        _record("b1", Name="Xy" * 45, **good, Billing_Email__c="ap@b1.example.com"),
        _record("b2", Name="Zeta Corp.", Phone="", BillingCountry="United States",
                Billing_Email__c="ap@b2.example.com"),
        _record("b3", Name="Eta Corp.", Phone="(415) 555-2671", BillingCountry="USA",
                Billing_Email__c="ap@@b3.example.com"),
    ]  # fmt: skip
    spec = load_mapping("fixtures/integrations/salesforce-netsuite/customers.yaml")
    report = profile_records(
        schema,
        rows,
        system="crm",
        vendor="salesforce",
        hints=ProfileHints.from_mapping(spec, "source"),
    )
    found = {(i.kind, i.record_id, i.field) for i in report.issues if i.kind != "duplicate"}
    assert found == {
        ("overlong_value", "b1", "Name"),
        ("missing_value", "b2", "Phone"),
        ("inconsistent_format", "b3", "Phone"),
        ("inconsistent_format", "b3", "BillingCountry"),
        ("invalid_format", "b3", "Billing_Email__c"),
    }
    fax = next(f for f in report.fields if f.name == "Fax")
    assert not fax.expected and fax.completeness == 0
    assert 0 < report.score < 1
    truth = [
        {"kind": "overlong_value", "record_id": "b1", "vendor_field": "Name"},
        {"kind": "missing_value", "record_id": "b2", "vendor_field": "Phone"},
        {"kind": "missing_value", "record_id": "a1", "vendor_field": "Phone"},
        {"kind": "invalid_email", "record_id": "b3", "vendor_field": "Billing_Email__c"},
    ]
    scores = score_audit(report, truth)
    assert (scores["missing"].recall, scores["missing"].precision) == (0.5, 1.0)
    assert (scores["format"].recall, scores["format"].precision) == (1.0, 1 / 3)
    assert scores["overlong"].recall == 1.0
