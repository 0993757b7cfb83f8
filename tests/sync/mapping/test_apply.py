"""apply_mapping on realistic Salesforce Accounts through the shipped NetSuite mapping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sync.errors import ConfigError
from sync.mapping import (
    EndpointRef,
    FieldIssue,
    FieldRule,
    MappedRecord,
    MappingSpec,
    apply_mapping,
    load_mapping,
    parse_mapping,
)
from sync.mapping.spec import TransformStep

ROOT = Path(__file__).resolve().parents[3]
SPEC = load_mapping(ROOT / "fixtures" / "integrations" / "salesforce-netsuite" / "customers.yaml")


def account(**fields: Any) -> dict[str, Any]:
    """A Salesforce Account as the REST API returns it; keyword arguments override fields."""
    record: dict[str, Any] = {
        "Id": "0015g00000AbCdEAAV",
        "SystemModstamp": "2024-01-15T10:22:00.000+0000",
        "Name": "  O'Brien &   Müller GmbH ",
        "Phone": "030 12345678",
        "Billing_Email__c": " AP@OBrien-Mueller.de ",
        "Website": "www.obrien-mueller.de/",
        "Description": "Key account since 2019.\nPrefers invoices by email.",
        "BillingStreet": "Friedrichstraße 123\nHinterhaus, 3. OG",
        "BillingCity": "Berlin",
        "BillingState": None,
        "BillingPostalCode": "10117",
        "BillingCountry": "Deutschland",
        "Industry": "Manufacturing",
    }
    record.update(fields)
    return record


def codes(items: tuple[FieldIssue, ...]) -> list[tuple[str, str]]:
    return [(i.target, i.code) for i in items]


def test_a_clean_account_becomes_a_nested_customer() -> None:
    mapped = apply_mapping(SPEC, account())
    assert mapped.ok and mapped.flags == ()
    assert mapped.key == "0015g00000AbCdEAAV"
    assert mapped.payload == {
        "externalId": "0015g00000AbCdEAAV",
        "companyName": "O'Brien & Müller GmbH",
        "isPerson": False,
        "phone": "+493012345678",
        "email": "ap@obrien-mueller.de",
        "url": "https://www.obrien-mueller.de",
        "comments": "Key account since 2019.\nPrefers invoices by email.",
        "subsidiary": "3",
        "addressBook": [
            {
                "defaultBilling": True,
                "defaultShipping": True,
                "addressBookAddress": {
                    "addr1": "Friedrichstraße 123",
                    "addr2": "Hinterhaus, 3. OG",
                    "city": "Berlin",
                    "zip": "10117",
                    "country": "DE",
                },
            }
        ],
    }


def test_absent_and_null_source_fields_are_left_out() -> None:
    mapped = apply_mapping(
        SPEC,
        account(
            Phone=None,
            Website=None,
            Description=None,
            BillingStreet=None,
            BillingCity=None,
            BillingPostalCode=None,
        ),
    )
    assert mapped.ok
    assert set(mapped.payload) == {
        "externalId",
        "companyName",
        "isPerson",
        "email",
        "subsidiary",
        "addressBook",
    }
    assert mapped.payload["addressBook"][0]["addressBookAddress"] == {"country": "DE"}


@pytest.mark.parametrize(
    ("street", "addr1", "addr2"),
    [
        pytest.param("1 Market St", "1 Market St", None, id="one-line"),
        pytest.param("1 Market St\r\nSuite 400", "1 Market St", "Suite 400", id="crlf"),
        pytest.param(
            "1 Market St\nSuite 400\nAttn: AP",
            "1 Market St",
            "Suite 400, Attn: AP",
            id="third-line-carried",
        ),
        pytest.param(
            "\n  12 Rue de l'Église \n\nBât. B",
            "12 Rue de l'Église",
            "Bât. B",
            id="blank-lines-accents",
        ),
    ],
)
def test_multi_line_streets(street: str, addr1: str, addr2: str | None) -> None:
    address = apply_mapping(SPEC, account(BillingStreet=street)).payload["addressBook"][0]
    assert address["addressBookAddress"].get("addr1") == addr1
    assert address["addressBookAddress"].get("addr2") == addr2


@pytest.mark.parametrize(
    ("country", "subsidiary", "phone", "iso"),
    [
        pytest.param("USA", "1", "(212) 555-0187", "US", id="usa"),
        pytest.param("U.S.A.", "1", "212.555.0187", "US", id="u.s.a."),
        pytest.param("UK", "2", "020 7946 0018", "GB", id="uk"),
        pytest.param("England", "2", "+44 (0)20 7946 0018", "GB", id="england"),
        pytest.param("DEU", "3", "0049 30 12345678", "DE", id="deu"),
        pytest.param("france", "4", "01 23 45 67 89", "FR", id="france-lower"),
        pytest.param("CAN", "5", "(416) 555-0199", "CA", id="can"),
    ],
)
def test_country_variants_pick_subsidiary_and_phone_region(
    country: str, subsidiary: str, phone: str, iso: str
) -> None:
    mapped = apply_mapping(SPEC, account(BillingCountry=country, Phone=phone))
    assert mapped.ok, mapped.issues
    assert mapped.payload["subsidiary"] == subsidiary
    assert mapped.payload["phone"].startswith("+")
    assert mapped.payload["addressBook"][0]["addressBookAddress"]["country"] == iso


@pytest.mark.parametrize("name", [None, "", "   \t"], ids=["null", "empty", "blank"])
def test_required_name_missing(name: str | None) -> None:
    mapped = apply_mapping(SPEC, account(Name=name))
    assert not mapped.ok
    assert codes(mapped.issues) == [("companyName", "required")]
    issue = mapped.issues[0]
    assert issue.source_fields == ("Name",)
    assert issue.value == name
    assert issue.message == (
        "customer.companyName is required but Account.Name gave no value "
        "(missing or blank); fill it in salesforce"
    )


def test_missing_id_is_a_required_external_id() -> None:
    mapped = apply_mapping(SPEC, account(Id=None))
    assert codes(mapped.issues) == [("externalId", "required")]
    assert mapped.key is None and "externalId" not in mapped.payload


def test_too_long_name_is_rejected_never_cut() -> None:
    name = "Northwind Traders International Holdings " * 3
    mapped = apply_mapping(SPEC, account(Name=name))
    assert codes(mapped.issues) == [("companyName", "too_long")]
    issue = mapped.issues[0]
    assert issue.message == (
        "customer.companyName <- Account.Name: 122 characters, limit 83 [on_overflow: reject]; "
        "shorten it in salesforce or set on_overflow: truncate"
    )
    assert issue.value == name.strip()
    assert mapped.payload["companyName"] == name.strip()  # quarantined with what it would send


def test_truncate_cuts_and_flags() -> None:
    spec = parse_mapping(
        {
            "version": 1,
            "name": "t",
            "fields": [
                {
                    "target": "memo",
                    "source": "Description",
                    "max_length": {"limit": 10, "on_overflow": "truncate"},
                },
            ],
            "source": {"system": "salesforce", "object": "Account", "key": "Id"},
            "target": {"system": "netsuite", "object": "customer", "external_id": "externalId"},
        }
    )
    mapped = apply_mapping(spec, {"Id": "1", "Description": "Prefers invoices by email"})
    assert mapped.ok
    assert mapped.payload["memo"] == "Prefers in"
    assert codes(mapped.flags) == [("memo", "truncated")]
    assert mapped.flags[0].value == "Prefers invoices by email"
    assert "25 characters, limit 10; cut to 10" in mapped.flags[0].message


def test_comments_over_999_characters_are_rejected() -> None:
    mapped = apply_mapping(SPEC, account(Description="x" * 1000))
    assert codes(mapped.issues) == [("comments", "too_long")]


@pytest.mark.parametrize("email", ["ap@", "Accounts Payable <ap@acme.com>", "ap@acme"])
def test_invalid_email_is_dropped_with_a_flag(email: str) -> None:
    mapped = apply_mapping(SPEC, account(Billing_Email__c=email))
    assert mapped.ok
    assert "email" not in mapped.payload
    assert codes(mapped.flags) == [("email", "dropped")]
    flag = mapped.flags[0]
    assert flag.value == email and flag.source_fields == ("Billing_Email__c",)
    assert flag.message.startswith(f"customer.email <- Account.Billing_Email__c: dropped {email!r}")


def test_invalid_phone_is_dropped_and_flagged() -> None:
    mapped = apply_mapping(SPEC, account(Phone="(591) 341-7776", BillingCountry="USA"))
    assert mapped.ok and "phone" not in mapped.payload
    assert codes(mapped.flags) == [("phone", "dropped")]
    assert mapped.flags[0].source_fields == ("Phone", "BillingCountry")


def test_invalid_value_quarantines_by_default() -> None:
    spec = parse_mapping(
        {
            "version": 1,
            "name": "t",
            "source": {"system": "salesforce", "object": "Account", "key": "Id"},
            "target": {"system": "netsuite", "object": "customer", "external_id": "externalId"},
            "fields": [
                {
                    "target": "phone",
                    "source": "Phone",
                    "transforms": [{"phone_e164": {"region_from": "BillingCountry"}}],
                }
            ],
        }
    )
    mapped = apply_mapping(spec, account(Phone="(591) 341-7776", BillingCountry="USA"))
    assert codes(mapped.issues) == [("phone", "invalid")]
    issue = mapped.issues[0]
    assert issue.source_fields == ("Phone", "BillingCountry")
    assert issue.value == "(591) 341-7776"
    assert issue.message == (
        "customer.phone <- Account.Phone: '(591) 341-7776' is not a usable phone number: it is "
        "not a valid number for +1 [phone_e164]; fix the value in salesforce, or set "
        "on_invalid: null to sync the record without it"
    )


def test_country_without_subsidiary_is_invalid() -> None:
    mapped = apply_mapping(SPEC, account(BillingCountry="Japan", Phone=None))
    assert codes(mapped.issues) == [("subsidiary", "invalid")]
    message = mapped.issues[0].message
    assert message.startswith(
        "customer.subsidiary <- Account.BillingCountry: 'JP' is not in "
        "the lookup table (known: CA, DE, FR, GB, US)"
    )
    assert "[lookup]" in message
    assert mapped.payload["addressBook"][0]["addressBookAddress"]["country"] == "JP"


def test_unknown_country_is_invalid_everywhere_it_is_used() -> None:
    mapped = apply_mapping(SPEC, account(BillingCountry="Narnia", Phone="+49 30 12345678"))
    assert codes(mapped.issues) == [
        ("subsidiary", "invalid"),
        ("addressBook.0.addressBookAddress.country", "invalid"),
    ]


@pytest.mark.parametrize("country", [None, "", "  "], ids=["null", "empty", "blank"])
def test_missing_country_means_no_subsidiary(country: str | None) -> None:
    mapped = apply_mapping(SPEC, account(BillingCountry=country, Phone="+49 30 12345678"))
    assert codes(mapped.issues) == [("subsidiary", "required")]


def test_dropped_required_value_is_flagged_and_reported() -> None:
    spec = parse_mapping(
        {
            "version": 1,
            "name": "t",
            "source": {"system": "crm", "object": "Contact", "key": "Id"},
            "target": {"system": "erp", "object": "contact", "external_id": "externalId"},
            "fields": [
                {
                    "target": "email",
                    "source": "Email",
                    "transforms": ["email"],
                    "on_invalid": "null",
                    "required": True,
                }
            ],
        }
    )
    mapped = apply_mapping(spec, {"Id": "1", "Email": "nope"})
    assert codes(mapped.flags) == [("email", "dropped")]
    assert codes(mapped.issues) == [("email", "required")]
    assert "dropped as invalid" in mapped.issues[0].message


def test_sources_feed_a_list_to_the_first_transform() -> None:
    spec = parse_mapping(
        {
            "version": 1,
            "name": "t",
            "source": {"system": "salesforce", "object": "Account", "key": "Id"},
            "target": {"system": "netsuite", "object": "customer", "external_id": "externalId"},
            "fields": [
                {
                    "target": "comments",
                    "sources": ["Description", "Industry"],
                    "transforms": [{"concat": {"separator": " | "}}],
                    "compare": {"ignore_case": True, "ignore_whitespace": True},
                }
            ],
        }
    )
    mapped = apply_mapping(spec, account(Description="Key account"))
    assert mapped.payload["comments"] == "Key account | Manufacturing"
    assert apply_mapping(spec, account(Description=None, Industry=None)).payload == {
        "externalId": "0015g00000AbCdEAAV"
    }


def test_records_never_share_constant_containers() -> None:
    spec = MappingSpec(
        name="t",
        source=EndpointRef("crm", "Account", key="Id"),
        target=EndpointRef("erp", "customer", external_id="externalId"),
        fields=(FieldRule("tags", kind="constant", constant=["vip"]),),
    )
    first, second = apply_mapping(spec, {"Id": "1"}), apply_mapping(spec, {"Id": "2"})
    first.payload["tags"].append("changed")
    assert second.payload["tags"] == ["vip"]
    assert spec.rule_for("tags") is spec.fields[0]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        pytest.param(
            (FieldRule("a", sources=("A",), transforms=(TransformStep("nope"),)),),
            "unknown transform 'nope'",
            id="unknown-transform",
        ),
        pytest.param(
            (FieldRule("a", sources=("A",)), FieldRule("a.b", sources=("B",))),
            "a is mapped as a value, so a.b cannot be mapped inside it",
            id="conflict",
        ),
    ],
)
def test_hand_built_specs_that_cannot_compile(rules: tuple[FieldRule, ...], message: str) -> None:
    spec = MappingSpec(
        "t",
        EndpointRef("crm", "A", key="Id"),
        EndpointRef("erp", "b", external_id="externalId"),
        rules,
    )
    with pytest.raises(ConfigError, match=message):
        apply_mapping(spec, {"Id": "1"})


def test_the_compiled_plan_is_reused() -> None:
    plan = SPEC._plan
    assert plan is not None
    apply_mapping(SPEC, account())
    assert SPEC._plan is plan


def test_mapped_record_ok_ignores_flags() -> None:
    flag = FieldIssue("email", "dropped", "m", ("Billing_Email__c",), "x")
    assert MappedRecord({}, flags=(flag,)).ok
    assert not MappedRecord({}, issues=(flag,)).ok
