"""The HubSpot dialect on wire payloads shaped as VENDORS.md section 2 documents them: typed
properties, describe, writes as strings, error bodies, 207 batch answers, associations and
line items. Pure functions: no server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sync.connectors.hubspot import batches, dialect, lines, links
from sync.connectors.hubspot.dialect import Reference

PROPERTIES = {
    "results": [
        {"name": "name", "type": "string", "fieldType": "text"},
        {"name": "description", "type": "string", "fieldType": "textarea"},
        {"name": "phone", "type": "string", "fieldType": "phonenumber"},
        {"name": "erp_customer_id", "type": "string", "fieldType": "text", "hasUniqueValue": True},
        {"name": "erp_credit_limit", "type": "number", "fieldType": "number"},
        {"name": "erp_status", "type": "enumeration", "fieldType": "select",
         "options": [{"label": "Active", "value": "Active"},
                     {"label": "Inactive", "value": "Inactive"}]},
        {"name": "erp_active", "type": "bool", "fieldType": "booleancheckbox"},
        {"name": "closedate", "type": "datetime", "fieldType": "date"},
        {"name": "hs_lastmodifieddate", "type": "datetime", "fieldType": "date",
         "modificationMetadata": {"readOnlyValue": True}},
    ]
}  # fmt: skip
TYPES = dialect.property_types(PROPERTIES)


def company(**props: str | None) -> dict[str, object]:
    return {
        "id": "512",
        "properties": {"hs_object_id": "512", "hs_lastmodifieddate": "2024-01-10T12:34:56.789Z",
                       **props},
        "createdAt": "2024-01-09T08:00:00.000Z",
        "updatedAt": "2024-01-10T12:34:56.789Z",
        "archived": False,
    }  # fmt: skip


def test_properties_come_back_typed_from_their_definitions() -> None:
    record = dialect.record_from_wire(
        company(name="Acme", erp_credit_limit="5000", erp_active="true", erp_status="Active",
                closedate="1704844800000", description=""),
        TYPES, "hs_lastmodifieddate",
    )  # fmt: skip
    assert record.id == "512"
    assert record.fields["name"] == "Acme"
    assert record.fields["erp_credit_limit"] == 5000 and isinstance(
        record.fields["erp_credit_limit"], int
    )
    assert record.fields["erp_active"] is True
    assert record.fields["erp_status"] == "Active"
    assert record.fields["closedate"] == "2024-01-10T00:00:00.000Z"  # epoch ms -> ISO
    assert record.fields["description"] is None  # "" is no value
    assert record.fields["hs_object_id"] == "512"  # an id, not a number
    assert record.modified_at == datetime(2024, 1, 10, 12, 34, 56, 789000, tzinfo=UTC)
    assert not record.deleted


def test_fractional_numbers_are_floats_and_archived_objects_are_deleted_at_archived_at() -> None:
    wire = {**company(erp_credit_limit="1250.50"), "archived": True,
            "archivedAt": "2024-02-01T00:00:00.000Z"}  # fmt: skip
    record = dialect.record_from_wire(wire, TYPES, "hs_lastmodifieddate")
    assert record.fields["erp_credit_limit"] == 1250.5
    assert record.deleted
    assert record.modified_at == datetime(2024, 2, 1, tzinfo=UTC)


def test_describe_types_lengths_unique_ids_and_the_profile_s_required_fields() -> None:
    schema = dialect.schema_from_properties("companies", PROPERTIES, required={"name"})
    name, ext = schema.fields["name"], schema.fields["erp_customer_id"]
    assert (name.type, name.length, name.required) == ("string", dialect.TEXT_LIMIT, True)
    assert ext.external_id and not ext.required
    assert schema.fields["description"].type == "textarea"
    assert schema.fields["phone"].type == "phone"
    assert schema.fields["erp_credit_limit"].type == "double"
    assert schema.fields["erp_credit_limit"].length is None
    assert schema.fields["erp_status"].picklist == ("Active", "Inactive")
    assert schema.fields["erp_active"].type == "boolean"
    assert not schema.fields["hs_lastmodifieddate"].updateable


def test_contacts_and_deals_describe_their_references_and_lines() -> None:
    contacts = dialect.schema_from_properties("contacts", {"results": [
        {"name": "email", "type": "string", "fieldType": "text"}]})  # fmt: skip
    assert contacts.fields["company"].type == "reference"
    assert contacts.fields["email"].external_id  # upserts may go by email
    deals = dialect.schema_from_properties("deals", {"results": []}, {"company"}, lines="lines")
    assert deals.fields["company"].required
    assert deals.fields["lines"].type == "array"


def test_writes_send_every_value_as_a_string_without_references_and_stamps() -> None:
    wire = dialect.properties_to_wire(
        {"id": "9", "name": "Acme", "erp_credit_limit": 5000.0, "erp_active": False,
         "closedate": datetime(2024, 1, 10, tzinfo=UTC), "company": "77", "phone": None,
         "hs_lastmodifieddate": "2024-01-10T00:00:00.000Z"},
        skip={"company"},
    )  # fmt: skip
    assert wire == {"name": "Acme", "erp_credit_limit": "5000", "erp_active": "false",
                    "closedate": "2024-01-10T00:00:00.000Z", "phone": ""}  # fmt: skip


def test_search_filters_compare_epoch_milliseconds() -> None:
    stamp = datetime(2024, 1, 10, 12, 34, 56, 789999, tzinfo=UTC)
    assert dialect.epoch_ms(stamp) == 1704890096789
    assert dialect.parse_datetime("1704890096789") == datetime(2024, 1, 10, 12, 34, 56, 789000,
                                                               tzinfo=UTC)  # fmt: skip
    assert dialect.modified_property("contacts") == "lastmodifieddate"
    assert dialect.modified_property("deals") == "hs_lastmodifieddate"


@pytest.mark.parametrize(
    ("status", "body", "code", "says"),
    [
        (400, {"status": "error", "message": "Property values were not valid",
               "category": "VALIDATION_ERROR", "correlationId": "c-1",
               "errors": [{"message": "x is not a valid option", "code": "INVALID_OPTION"}]},
         "INVALID_OPTION", "not a valid option"),
        (429, {"status": "error", "message": "You have reached your ten secondly rolling limit.",
               "errorType": "RATE_LIMIT", "policyName": "TEN_SECONDLY_ROLLING"},
         "RATE_LIMIT", "TEN_SECONDLY_ROLLING"),
        (409, {"status": "error", "category": "CONFLICT",
               "message": "Contact already exists. Existing ID: 4711"}, "CONFLICT", "4711"),
        (401, {"status": "error", "category": "EXPIRED_AUTHENTICATION",
               "message": "The OAuth token used to make this call expired"},
         "EXPIRED_AUTHENTICATION", "expired"),
        (502, "<html>Bad gateway</html>", None, "Bad gateway"),
    ],
    ids=["validation", "rate-limit", "conflict", "expired", "not-json"],
)  # fmt: skip
def test_error_bodies_give_the_vendor_code(status: int, body: object, code: str | None,
                                           says: str) -> None:  # fmt: skip
    fault = dialect.parse_error(status, body)
    assert fault.code == code
    assert says in fault.message


def test_a_conflict_names_the_existing_record() -> None:
    assert dialect.existing_id("Contact already exists. Existing ID: 4711") == "4711"
    assert dialect.existing_id("Contact already exists.") is None


def test_a_partial_batch_files_results_and_errors_at_their_inputs() -> None:
    body = {
        "status": "COMPLETE",
        "results": [
            {"id": "2", "properties": {"erp_customer_id": "C-3"}, "new": False},
            {"id": "1", "properties": {"erp_customer_id": "C-1"}, "new": True},
        ],
        "numErrors": 1,
        "errors": [{"status": "error", "category": "VALIDATION_ERROR",
                    "message": "erp_status: Bogus is not an option",
                    "context": {"ids": ["C-2"], "propertyName": ["erp_status"]}}],
    }  # fmt: skip
    got = batches.outcomes(["C-1", "C-2", "C-3", "C-4"], body, key_property="erp_customer_id")
    assert [(r.key, r.ok, r.id, r.created) for r in got] == [
        ("C-1", True, "1", True), ("C-2", False, None, False), ("C-3", True, "2", False),
        ("C-4", False, None, False),
    ]  # fmt: skip
    assert got[1].error_code == "VALIDATION_ERROR" and got[1].fields == ("erp_status",)
    assert got[3].error_code == "NOT_IN_ANSWER"  # never assumed written


def test_a_batch_conflict_carries_the_existing_id() -> None:
    body = {
        "results": [],
        "errors": [
            {
                "category": "CONFLICT",
                "context": {"ids": ["K-1"]},
                "message": "Contact already exists. Existing ID: 88",
            }
        ],
    }
    (error,) = batches.batch_errors(body)
    assert error.keys == {"K-1"} and error.existing == "88"


def test_the_primary_association_wins_over_other_companies() -> None:
    ref = Reference("companies", 279, 1)
    assert links.preferred({"30": {279}, "12": {279, 1}}, ref) == "12"
    assert links.preferred({"30": {279}, "7": {999}}, ref) == "30"
    assert links.preferred({}, ref) is None


def test_line_items_read_as_plain_lines_and_write_back() -> None:
    types = {"quantity": "number", "price": "number", "hs_position_on_quote": "number",
             "hs_product_id": "number", "name": "string"}  # fmt: skip
    row = {
        "id": "900",
        "properties": {
            "name": "Widget",
            "quantity": "2",
            "price": "5.5",
            "hs_product_id": "31",
            "hs_position_on_quote": "1",
        },
    }
    line = lines.line_from_wire(row, types)
    assert line == {"id": "900", "name": "Widget", "quantity": 2, "price": 5.5, "product": "31",
                    "hs_position_on_quote": 1}  # fmt: skip
    assert lines.line_to_wire({"product": "31", "quantity": 2, "price": 5.5}, 3) == {
        "hs_product_id": "31",
        "quantity": "2",
        "price": "5.5",
        "hs_position_on_quote": "3",
    }
