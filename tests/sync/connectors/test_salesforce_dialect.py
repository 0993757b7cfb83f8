"""Salesforce dialect: pure wire <-> record conversions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sync.connectors.salesforce import dialect
from sync.errors import ConfigError


def test_datetime_round_trip_in_rest_form() -> None:
    parsed = dialect.parse_datetime("2024-01-15T10:22:33.120+0000")
    assert parsed == datetime(2024, 1, 15, 10, 22, 33, 120000, tzinfo=UTC)
    assert dialect.format_datetime(parsed) == "2024-01-15T10:22:33.120+0000"
    assert dialect.parse_datetime("2024-01-15T12:22:33.000+0200").hour == 10
    assert dialect.parse_datetime("2024-01-15T10:22:33Z") == datetime(
        2024, 1, 15, 10, 22, 33, tzinfo=UTC
    )


def test_soql_datetime_is_unquoted_and_floored_to_the_second() -> None:
    when = datetime(2024, 1, 15, 10, 22, 33, 999000, tzinfo=UTC)
    assert dialect.soql_datetime(when) == "2024-01-15T10:22:33Z"


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("plain", "'plain'"),
        ("O'Brien", "'O\\'Brien'"),
        ("back\\slash", "'back\\\\slash'"),
        ('say "hi"\n', "'say \\\"hi\\\"\\n'"),
        ("tab\there", "'tab\\there'"),
    ],
    ids=["plain", "quote", "backslash", "double-quote-newline", "tab"],
)
def test_soql_quote_escapes(value: str, literal: str) -> None:
    assert dialect.soql_quote(value) == literal


def test_identifiers_are_validated() -> None:
    assert dialect.identifier("External_Id__c") == "External_Id__c"
    assert dialect.identifier("Owner.Name") == "Owner.Name"
    with pytest.raises(ConfigError):
        dialect.identifier("Name FROM Account WHERE")


def test_select_list_adds_id_and_modstamp_once() -> None:
    assert dialect.select_list(["Name", "id", "Phone"]) == ["Id", "Name", "Phone", "SystemModstamp"]
    assert dialect.select_list([], include_deleted=True) == ["Id", "SystemModstamp", "IsDeleted"]


def test_incremental_query() -> None:
    since = datetime(2024, 1, 15, 10, 22, 33, 500000, tzinfo=UTC)
    assert dialect.incremental_query("Account", ["Id", "Name"], since) == (
        "SELECT Id, Name FROM Account WHERE SystemModstamp >= 2024-01-15T10:22:33Z"
        " ORDER BY SystemModstamp, Id"
    )
    assert "WHERE" not in dialect.incremental_query("Account", ["Id"], None)


def test_chunk_values_respects_count_and_length() -> None:
    values = [f"v{i}" for i in range(450)]
    chunks = list(dialect.chunk_values(values))
    assert [len(c) for c in chunks] == [200, 200, 50]
    long_values = ["x" * 1000] * 5
    assert all(len(c) <= 2 for c in dialect.chunk_values(long_values, max_chars=7000))
    assert sum(len(c) for c in dialect.chunk_values(long_values, max_chars=7000)) == 5


def test_record_from_wire_strips_attributes_everywhere() -> None:
    wire = {
        "attributes": {"type": "Account", "url": "/x"},
        "Id": "001000000000001AAA",
        "Name": "Acme",
        "Owner": {"attributes": {"type": "User"}, "Name": "Ann"},
        "SystemModstamp": "2024-01-15T10:22:33.000+0000",
        "IsDeleted": True,
    }
    record = dialect.record_from_wire(wire)
    assert record.id == "001000000000001AAA"
    assert record.fields["Owner"] == {"Name": "Ann"}
    assert "attributes" not in record.fields
    assert record.deleted is True
    assert record.modified_at == datetime(2024, 1, 15, 10, 22, 33, tzinfo=UTC)


def test_record_to_wire_adds_type_and_formats_values() -> None:
    when = datetime(2024, 1, 15, 10, 22, 33, tzinfo=UTC)
    wire = dialect.record_to_wire("Account", {"Name": "A", "Closed__c": when}, record_id="001")
    assert wire == {
        "attributes": {"type": "Account"},
        "id": "001",
        "Name": "A",
        "Closed__c": "2024-01-15T10:22:33.000+0000",
    }


def test_schema_from_describe() -> None:
    body = {
        "name": "Account",
        "fields": [
            {"name": "Id", "type": "id", "length": 18, "nillable": False, "createable": False},
            {"name": "Name", "type": "string", "length": 255, "nillable": False,
             "createable": True, "defaultedOnCreate": False},
            {"name": "OwnerId", "type": "reference", "length": 18, "nillable": False,
             "createable": True, "defaultedOnCreate": True},
            {"name": "IsDeleted", "type": "boolean", "length": 0, "nillable": False,
             "createable": False, "defaultedOnCreate": True},
            {"name": "Industry", "type": "picklist", "length": 40, "nillable": True,
             "picklistValues": [{"value": "Banking", "active": True},
                                {"value": "Old", "active": False}]},
            {"name": "External_Id__c", "type": "string", "length": 80, "externalId": True},
            {"name": "BillingAddress", "type": "address", "nillable": True},
            {"name": "AnnualRevenue", "type": "currency", "length": 0},
        ],
    }  # fmt: skip
    schema = dialect.schema_from_describe(body)
    assert schema.name == "Account"
    name = schema.fields["Name"]
    assert (name.required, name.length, name.type) == (True, 255, "string")
    assert not schema.fields["OwnerId"].required
    assert not schema.fields["IsDeleted"].required
    assert not schema.fields["Id"].required
    assert schema.fields["Industry"].picklist == ("Banking",)
    assert schema.fields["External_Id__c"].external_id
    assert schema.fields["BillingAddress"].type == "object"
    assert schema.fields["AnnualRevenue"].length is None
    assert "BillingAddress" not in dialect.selectable_fields(body)


def test_write_results_map_success_and_errors_in_order() -> None:
    body = [
        {"id": "001A", "success": True, "created": True, "errors": []},
        {"id": "001B", "success": True, "created": False, "errors": []},
        {"success": False, "errors": [{"statusCode": "STRING_TOO_LONG", "fields": ["Name"],
                                       "message": "Name: data value too large"}]},
        {"success": False, "errors": [{"statusCode": "UNABLE_TO_LOCK_ROW", "message": "locked"}]},
    ]  # fmt: skip
    results = dialect.write_results(["a", "b", "c", "d"], body)
    assert [(r.key, r.ok, r.id, r.created) for r in results[:2]] == [
        ("a", True, "001A", True),
        ("b", True, "001B", False),
    ]
    bad = results[2]
    assert (bad.ok, bad.error_code, bad.fields, bad.retryable) == (
        False,
        "STRING_TOO_LONG",
        ("Name",),
        False,
    )
    assert results[3].retryable
    with pytest.raises(ValueError):
        dialect.write_results(["a"], [])


def test_parse_error_shapes() -> None:
    rest = [{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}]
    assert dialect.parse_error(401, rest) == ("INVALID_SESSION_ID", "Session expired or invalid")
    oauth = {"error": "invalid_grant", "error_description": "authentication failure"}
    assert dialect.parse_error(400, oauth) == ("invalid_grant", "authentication failure")
    assert dialect.parse_error(502, "Bad gateway") == (None, "Bad gateway")
    assert dialect.parse_error(500, None) == (None, "HTTP 500")


def test_parse_limit_info() -> None:
    header = "api-usage=18/5000; per-app-api-usage=2/250(appName=sync)"
    assert dialect.parse_limit_info(header) == {
        "api-usage": (18, 5000),
        "per-app-api-usage": (2, 250),
    }
    assert dialect.parse_limit_info(None) == {}


def test_child_subquery_and_relationships_from_describe() -> None:
    assert dialect.child_subquery("OrderItems", ["Quantity", "Id"]) == (
        "(SELECT Id, Quantity FROM OrderItems ORDER BY Id)"
    )
    body = {"childRelationships": [
        {"relationshipName": "OrderItems", "childSObject": "OrderItem", "field": "OrderId"},
        {"relationshipName": None, "childSObject": "OrderHistory", "field": "OrderId"},
    ]}  # fmt: skip
    assert dialect.child_relationships(body) == {"OrderItems": "OrderItem"}


def test_record_from_wire_flattens_child_query_results() -> None:
    wire = {
        "attributes": {"type": "Order", "url": "/x"},
        "Id": "801Dn0000000001IAA",
        "SystemModstamp": "2024-01-15T10:22:33.000+0000",
        "OrderItems": {"totalSize": 1, "done": True, "records": [
            {"attributes": {"type": "OrderItem", "url": "/y"}, "Id": "802A", "Quantity": 2.0},
        ]},
        "Empty": None,
    }  # fmt: skip
    record = dialect.record_from_wire(wire, ("Empty",))
    assert record.fields["OrderItems"] == [{"Id": "802A", "Quantity": 2.0}]
    assert record.fields["Empty"] == []
