"""validate_against_schema: what the target's describe says it would refuse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sync.connectors.base import FieldSchema, ObjectSchema
from sync.mapping import apply_mapping, load_mapping, validate_against_schema

ROOT = Path(__file__).resolve().parents[3]
SPEC = load_mapping(ROOT / "fixtures" / "integrations" / "salesforce-netsuite" / "customers.yaml")

CUSTOMER = ObjectSchema(
    "customer",
    {
        f.name: f
        for f in (
            FieldSchema("id", "id", createable=False, updateable=False),
            FieldSchema("externalId", "string", length=255, external_id=True),
            FieldSchema("companyName", "string", length=83, required=True),
            FieldSchema("isPerson", "boolean"),
            FieldSchema("phone", "phone", length=32),
            FieldSchema("email", "email", length=254),
            FieldSchema("url", "url", length=254),
            FieldSchema("comments", "textarea", length=999),
            FieldSchema("subsidiary", "reference", required=True),
            FieldSchema("creditLimit", "currency"),
            FieldSchema("daysOverdue", "int"),
            FieldSchema("category", "picklist", picklist=("Retail", "Wholesale")),
            FieldSchema("addressBook", "array"),
            FieldSchema("dateCreated", "datetime", createable=False),
            FieldSchema("customForm", "object"),
        )
    },
)


def customer(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "externalId": "0015g00000AbCdEAAV",
        "companyName": "Acme GmbH",
        "isPerson": False,
        "subsidiary": "3",
        "addressBook": [{"defaultBilling": True}],
    }
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not None}


def test_the_fixture_payload_fits_the_customer_schema() -> None:
    account = {
        "Id": "0015g00000AbCdEAAV",
        "Name": "Acme GmbH",
        "BillingCountry": "DE",
        "Phone": "+49 30 12345678",
        "Website": "acme.de",
        "BillingStreet": "Hauptstr. 1",
    }
    mapped = apply_mapping(SPEC, account)
    assert mapped.ok
    assert validate_against_schema(mapped.payload, CUSTOMER, spec=SPEC) == []


@pytest.mark.parametrize(
    ("changes", "target", "code", "message"),
    [
        pytest.param(
            {"compnyName": "x"},
            "compnyName",
            "unknown_field",
            "customer has no field 'compnyName' (did you mean 'companyName'?)",
            id="unknown",
        ),
        pytest.param(
            {"dateCreated": "2024-01-15T10:22:00Z"},
            "dateCreated",
            "read_only",
            "customer.dateCreated is read-only (not createable)",
            id="read-only",
        ),
        pytest.param(
            {"companyName": None},
            "companyName",
            "required",
            "customer.companyName is required but the mapping does not map it",
            id="required-absent",
        ),
        pytest.param(
            {"companyName": "  "},
            "companyName",
            "required",
            "customer.companyName is required",
            id="required-blank",
        ),
        pytest.param(
            {"comments": "x" * 1000},
            "comments",
            "too_long",
            "customer.comments allows 999 characters, got 1000; set max_length: 999",
            id="too-long",
        ),
        pytest.param(
            {"isPerson": "false"},
            "isPerson",
            "type",
            "customer.isPerson (boolean) needs true or false, got str 'false'",
            id="bool-as-text",
        ),
        pytest.param(
            {"phone": 4930123}, "phone", "type", "needs text, got int", id="number-as-text"
        ),
        pytest.param(
            {"creditLimit": True},
            "creditLimit",
            "type",
            "needs a number, got bool",
            id="bool-is-not-a-number",
        ),
        pytest.param(
            {"daysOverdue": 1.5},
            "daysOverdue",
            "type",
            "needs a whole number, got float",
            id="float-is-not-int",
        ),
        pytest.param(
            {"subsidiary": ["3"]}, "subsidiary", "type", "(reference) needs an id", id="reference"
        ),
        pytest.param(
            {"subsidiary": {"id": "3"}},
            "subsidiary",
            "type",
            "customer.subsidiary (reference) needs an id, got dict {'id': '3'}",
            id="reference-in-wire-form",
        ),
        pytest.param({"addressBook": "Main St"}, "addressBook", "type", "needs a list", id="array"),
        pytest.param(
            {"addressBook": {"items": [{"defaultBilling": True}]}},
            "addressBook",
            "type",
            "customer.addressBook (array) needs a list, got dict",
            id="sublist-in-wire-form",
        ),
        pytest.param({"customForm": "7"}, "customForm", "type", "needs an object", id="object"),
        pytest.param(
            {"category": "retail"},
            "category",
            "invalid",
            "does not allow 'retail' (allowed: Retail, Wholesale)",
            id="picklist",
        ),
    ],
)
def test_schema_problems(changes: dict[str, Any], target: str, code: str, message: str) -> None:
    issues = validate_against_schema(customer(**changes), CUSTOMER)
    assert [(i.target, i.code) for i in issues] == [(target, code)]
    assert message in issues[0].message


@pytest.mark.parametrize(
    ("changes"),
    [
        pytest.param({"subsidiary": "3"}, id="reference-as-id-string"),
        pytest.param({"subsidiary": 3}, id="reference-as-id-number"),
        pytest.param({"addressBook": [{"addr1": "x"}]}, id="array-as-list"),
        pytest.param({"creditLimit": 10}, id="int-is-a-number"),
        pytest.param({"category": "Retail"}, id="picklist-value"),
        pytest.param({"comments": "x" * 999}, id="at-the-limit"),
    ],
)
def test_accepted_shapes(changes: dict[str, Any]) -> None:
    assert validate_against_schema(customer(**changes), CUSTOMER) == []


def test_nested_values_are_only_checked_at_the_top() -> None:
    payload = customer(addressBook=[{"addressBookAddress": {"addr1": "x" * 500}}])
    assert validate_against_schema(payload, CUSTOMER) == []


def test_with_the_spec_messages_name_the_source_fields() -> None:
    schema = ObjectSchema(
        "customer",
        {**CUSTOMER.fields, "companyName": FieldSchema("companyName", "string", length=20)},
    )
    issues = validate_against_schema(
        customer(companyName="Acme Widgets International"), schema, spec=SPEC
    )
    assert [(i.code, i.source_fields) for i in issues] == [("too_long", ("Name",))]
    assert issues[0].message == (
        "customer.companyName allows 20 characters, got 26; mapped from Name; "
        "set max_length: 20 in the mapping"
    )
    missing = validate_against_schema(customer(subsidiary=None), CUSTOMER, spec=SPEC)
    assert [(i.code, i.source_fields) for i in missing] == [("required", ("BillingCountry",))]
    assert "customer.subsidiary is required but BillingCountry gave no value" in missing[0].message
