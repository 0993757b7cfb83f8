"""NetSuite dialect: pure wire <-> record conversions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from sync.connectors.netsuite import dialect, shapes
from sync.connectors.netsuite.dialect import RowKey
from sync.connectors.netsuite.shapes import Shape
from sync.errors import FatalVendorError


def at(second: int) -> datetime:
    return datetime(2024, 1, 15, 10, 0, second, tzinfo=UTC)


def test_key_query_uses_to_char_and_a_floored_to_timestamp() -> None:
    since = datetime(2024, 1, 15, 10, 22, 33, 700000, tzinfo=UTC)
    assert dialect.key_query("customer", since) == (
        "SELECT id, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD\"T\"HH24:MI:SS') AS modified"
        " FROM customer WHERE lastmodifieddate >="
        " TO_TIMESTAMP('2024-01-15 10:22:33', 'YYYY-MM-DD HH24:MI:SS')"
        " ORDER BY lastmodifieddate, id"
    )
    assert "WHERE" not in dialect.key_query("customer", None)


def test_row_key_reads_to_char_output_as_utc() -> None:
    key = dialect.row_key({"links": [], "id": "7", "modified": "2024-01-15T10:00:05"})
    assert key == RowKey(at(5), "7")


def test_links_and_sublist_paging_keys_are_dropped_everywhere() -> None:
    wire = {
        "links": [{"rel": "self", "href": "x"}],
        "id": "5",
        "lastModifiedDate": "2024-01-15T10:00:05Z",
        "subsidiary": {"links": [], "id": "1", "refName": "HQ"},
        "addressBook": {"links": [], "count": 1, "hasMore": False, "offset": 0,
                        "totalResults": 1,
                        "items": [{"links": [], "addressBookAddress": {"links": []}}]},
    }  # fmt: skip
    assert dialect.record_from_wire(wire).fields == {
        "id": "5",
        "lastModifiedDate": "2024-01-15T10:00:05Z",
        "subsidiary": "1",
        "subsidiary_refName": "HQ",
        "addressBook": [{"addressBookAddress": {}}],
    }


def test_record_from_wire_uses_last_modified_and_filters_fields() -> None:
    wire = {"id": "5", "companyName": "Acme", "email": "a@b.c",
            "lastModifiedDate": "2024-01-15T10:00:07Z"}  # fmt: skip
    record = dialect.record_from_wire(wire, fields=["companyName"])
    assert record.fields == {"id": "5", "companyName": "Acme"}
    assert record.modified_at == at(7)
    assert dialect.record_from_wire(wire, modified_at=at(1)).modified_at == at(1)


def test_write_body_drops_external_id_and_links() -> None:
    shape = Shape({"subsidiary": "ref"})
    body = dialect.write_body(
        {"externalId": "X1", "companyName": "A", "subsidiary": "1", "subsidiary_refName": "HQ",
         "links": []},
        shape,
        drop=("externalId",),
    )  # fmt: skip
    assert body == {"companyName": "A", "subsidiary": {"id": "1"}}
    wire = dialect.write_body(
        {"externalId": "X1", "companyName": "A", "subsidiary": {"id": "1", "links": []},
         "links": []},
        shape,
        drop=("externalId",),
    )  # fmt: skip
    assert wire == body  # a reference already in wire form is sent as it is, minus links


def test_paths_quote_ids() -> None:
    assert (
        dialect.eid_path("customer", "A/B 1") == "/services/rest/record/v1/customer/eid:A%2FB%201"
    )
    assert dialect.record_path("customer", "12") == "/services/rest/record/v1/customer/12"


def test_id_from_location() -> None:
    loc = "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/customer/107"
    assert dialect.id_from_location(loc) == "107"
    assert dialect.id_from_location(None) is None


def test_schema_from_jsonschema() -> None:
    body = {
        "type": "object",
        "required": ["companyName", "subsidiary"],
        "properties": {
            "links": {"type": "array"},
            "id": {"type": "string", "readOnly": True},
            "companyName": {"type": "string", "maxLength": 83},
            "email": {"type": "string", "format": "email", "maxLength": 254},
            "dateCreated": {"type": "string", "format": "date-time", "readOnly": True},
            "isInactive": {"type": "boolean"},
            "subsidiary": {"type": "object", "properties": {"id": {"type": "string"},
                                                            "refName": {"type": "string"}}},
            "addressBook": {"type": "object", "properties": {"items": {"type": "array"}}},
            "creditLimit": {"type": "number"},
            "status": {"type": "string", "enum": ["A", "B"]},
        },
    }  # fmt: skip
    schema = dialect.schema_from_jsonschema("customer", body)
    fields = schema.fields
    assert "links" not in fields
    assert (fields["companyName"].length, fields["companyName"].required) == (83, True)
    assert fields["id"].type == "id" and not fields["id"].createable
    assert fields["email"].type == "email"
    assert fields["dateCreated"].type == "datetime" and not fields["dateCreated"].updateable
    assert fields["isInactive"].type == "boolean"
    assert fields["subsidiary"].type == "reference" and fields["subsidiary"].required
    assert fields["addressBook"].type == "array"  # a sublist: plain records hold a list
    assert fields["creditLimit"].type == "double"
    assert fields["status"].picklist == ("A", "B")


def test_parse_error_and_fields() -> None:
    body = {
        "type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1",
        "title": "Bad Request",
        "status": 400,
        "o:errorDetails": [
            {"detail": "companyName is too long", "o:errorCode": "USER_ERROR",
             "o:errorPath": "companyName"}
        ],
    }  # fmt: skip
    assert dialect.parse_error(400, body) == ("USER_ERROR", "companyName is too long")
    assert dialect.error_fields(body) == ("companyName",)
    assert dialect.parse_error(404, {"title": "Not Found"}) == (None, "Not Found")
    assert dialect.error_fields("text") == ()


def test_strict_order_sorts_ties_by_string_id_across_pages() -> None:
    # Server order: full-precision time, then numeric id; keys carry seconds and string ids.
    pages = [
        [RowKey(at(1), "9"), RowKey(at(2), "10"), RowKey(at(2), "9")],
        [RowKey(at(2), "100"), RowKey(at(2), "2"), RowKey(at(3), "1")],
        [RowKey(at(3), "0")],
    ]
    out = list(dialect.strict_order(pages))
    flat = [k for page in out for k in page]
    assert flat == sorted(flat)
    assert len(flat) == 7
    assert out[0] == [RowKey(at(1), "9")]  # second 2 is held back until it is complete


def test_transactions_and_items_are_read_from_their_shared_tables() -> None:
    since = datetime(2024, 1, 15, 10, 0, 0, tzinfo=UTC)
    orders = dialect.key_query("salesOrder", since)
    assert " FROM transaction WHERE type = 'SalesOrd' AND lastmodifieddate >= " in orders
    assert orders.endswith("ORDER BY lastmodifieddate, id")
    assert " FROM item WHERE itemtype = 'InvtPart' ORDER BY" in dialect.key_query(
        "inventoryItem", None
    )
    assert dialect.suiteql_source("customerPayment") == ("transaction", ["type = 'CustPymt'"])
    assert dialect.suiteql_source("contact") == ("contact", [])
    lookup = dialect.external_id_query("invoice", ["801A", "O'Brien"])
    assert lookup == (
        "SELECT id, externalid FROM transaction WHERE type = 'CustInvc'"
        " AND externalid IN ('801A', 'O''Brien') ORDER BY id"
    )


def test_expanded_sublists_read_as_plain_item_lists() -> None:
    wire = {
        "links": [],
        "id": "12",
        "lastModifiedDate": "2024-01-15T10:00:05Z",
        "item": {
            "links": [{"rel": "self", "href": "x"}],
            "items": [{"line": 1, "item": {"id": "3", "refName": "SKU-3", "links": []}}],
            "count": 1,
            "hasMore": False,
            "offset": 0,
            "totalResults": 1,
        },
        "apply": {"links": [{"rel": "self", "href": "y"}]},  # not expanded
    }
    record = dialect.record_from_wire(wire)
    assert record.fields["item"] == [{"line": 1, "item": "3", "item_refName": "SKU-3"}]
    assert record.fields["apply"] == {}
    shape = Shape({"item": "sublist"}, {"item": Shape({"item": "ref"})})
    body = dialect.write_body(
        {"item": record.fields["item"], "externalId": "E"}, shape, drop=["externalId"]
    )
    assert body == {"item": {"items": [{"line": 1, "item": {"id": "3"}}]}}


def test_record_from_wire_filters_plain_fields_by_path_and_display_name() -> None:
    wire = {"id": "5", "terms": {"id": "7", "refName": "Net 60", "links": []}, "email": "a@b.c",
            "addressBook": {"items": [{"addressBookAddress": {"city": "Leeds"}}]}}  # fmt: skip
    record = dialect.record_from_wire(
        wire, fields=["terms_refName", "addressBook.0.addressBookAddress.city"]
    )
    assert record.fields["terms_refName"] == "Net 60"
    assert record.fields["addressBook"] == [{"addressBookAddress": {"city": "Leeds"}}]
    assert "email" not in record.fields
    by_reference = dialect.record_from_wire(wire, fields=["terms"])
    assert by_reference.fields == {"id": "5", "terms": "7", "terms_refName": "Net 60"}


def test_one_field_list_filters_every_record_by_its_own_fields() -> None:
    """A read's records share its field list, not their fields: a field only a later record
    carries is decided for that record (kept or dropped), and `links` is dropped whatever
    its value."""
    fields = ["email", "terms"]
    first = dialect.record_from_wire({"id": "1", "email": "a@b.c", "phone": "1"}, fields=fields)
    later = dialect.record_from_wire(
        {"id": "2", "terms": {"id": "7"}, "fax": "2", "links": "x", "email": None}, fields=fields
    )
    assert first.fields == {"id": "1", "email": "a@b.c"}
    assert later.fields == {"id": "2", "terms": "7", "email": None}


# -- shapes: wire JSON <-> plain records -----------------------------------------------------

_REF = {"type": "object", "properties": {
    "id": {"type": "string"}, "externalId": {"type": "string"},
    "refName": {"type": "string", "readOnly": True}, "links": {"type": "array"}}}  # fmt: skip
CATALOG: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "companyName": {"type": "string", "maxLength": 83},
        "terms": _REF,
        "customForm": {"type": "object", "properties": {"name": {"type": "string"}}},
        "item": {"type": "object", "properties": {"items": {"type": "array", "items": {
            "type": "object",
            "properties": {"line": {"type": "number"}, "item": _REF,
                           "quantity": {"type": "number"}},
        }}}},
        "addressBook": {"type": "object", "properties": {"items": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "defaultBilling": {"type": "boolean"},
                "addressBookAddress": {"type": "object", "properties": {
                    "city": {"type": "string"}, "country": {"type": "string"}}},
            },
        }}}},
    },
}  # fmt: skip


def test_plain_from_wire_reads_a_reference_as_its_id_and_its_display_name_beside_it() -> None:
    plain = shapes.plain_from_wire(
        {"terms": {"id": "7", "refName": "Net 60"}, "subsidiary": {"id": 1},
         "currency": {"id": None}, "companyName": "Acme"}
    )  # fmt: skip
    assert plain == {
        "terms": "7",
        "terms_refName": "Net 60",
        "subsidiary": "1",  # ids read as text, whatever the wire's type
        "currency": None,
        "companyName": "Acme",
    }
    assert shapes.is_reference({"id": "7", "refName": "Net 60", "externalId": "N60"})
    assert not shapes.is_reference({"id": "7", "city": "Leeds"})  # a subrecord holding an id


def test_plain_from_wire_reads_a_sublist_as_its_lines_with_references_inside_made_plain() -> None:
    plain = shapes.plain_from_wire(
        {"item": {"items": [
            {"line": 1, "item": {"id": "3", "refName": "SKU-3"}, "quantity": 2},
            {"line": 2, "item": {"id": "4"}, "quantity": 1},
        ]}}
    )  # fmt: skip
    assert plain == {
        "item": [
            {"line": 1, "item": "3", "item_refName": "SKU-3", "quantity": 2},
            {"line": 2, "item": "4", "quantity": 1},
        ]
    }


def test_plain_from_wire_keeps_a_subrecord_a_dict() -> None:
    plain = shapes.plain_from_wire(
        {"addressBook": {"items": [
            {"defaultBilling": True, "addressBookAddress": {"city": "Leeds", "country": "GB"}},
        ]}}
    )  # fmt: skip
    assert plain == {
        "addressBook": [
            {"defaultBilling": True, "addressBookAddress": {"city": "Leeds", "country": "GB"}}
        ]
    }


def test_shape_from_schema_finds_references_sublists_and_subrecords_at_every_depth() -> None:
    shape = shapes.shape_from_schema(CATALOG)
    assert shape.kinds == {
        "terms": "ref",
        "customForm": "object",
        "item": "sublist",
        "addressBook": "sublist",
    }
    assert shape.children["item"].kinds == {"item": "ref"}
    assert shape.children["addressBook"].kinds == {"addressBookAddress": "object"}
    assert shape.children["addressBook"].children["addressBookAddress"].kinds == {}


def test_wire_from_plain_round_trips_a_record_and_drops_display_names() -> None:
    wire = {
        "companyName": "Acme",
        "terms": {"id": "7", "refName": "Net 60"},
        "item": {"items": [
            {"line": 1, "item": {"id": "3", "refName": "SKU-3"}, "quantity": 2},
        ]},
        "addressBook": {"items": [
            {"defaultBilling": True, "addressBookAddress": {"city": "Leeds", "country": "GB"}},
        ]},
    }  # fmt: skip
    plain = shapes.plain_from_wire(wire)
    back = shapes.wire_from_plain(plain, shapes.shape_from_schema(CATALOG))
    assert back == {
        "companyName": "Acme",
        "terms": {"id": "7"},  # display names are NetSuite's to compute: never sent
        "item": {"items": [{"line": 1, "item": {"id": "3"}, "quantity": 2}]},
        "addressBook": {"items": [
            {"defaultBilling": True, "addressBookAddress": {"city": "Leeds", "country": "GB"}},
        ]},
    }  # fmt: skip
    assert "terms_refName" not in back and "item_refName" not in back["item"]["items"][0]


def test_wire_from_plain_sends_an_int_id_as_text_and_leaves_a_null_reference_null() -> None:
    shape = shapes.shape_from_schema(CATALOG)
    assert shapes.wire_from_plain({"terms": 7}, shape) == {"terms": {"id": "7"}}
    assert shapes.wire_from_plain({"terms": None}, shape) == {"terms": None}


def test_wire_from_plain_passes_a_body_already_in_wire_form_unchanged() -> None:
    wire = {
        "companyName": "Acme",
        "terms": {"id": "7"},
        "item": {"items": [{"line": 1, "item": {"id": "3"}, "quantity": 2}]},
        "addressBook": {"items": [{"addressBookAddress": {"city": "Leeds"}}]},
    }
    assert shapes.wire_from_plain(wire, shapes.shape_from_schema(CATALOG)) == wire
    assert shapes.wire_from_plain(wire, None) == wire  # without a shape: nothing to convert


def test_a_display_name_sibling_of_a_non_reference_field_is_kept() -> None:
    shape = shapes.shape_from_schema(CATALOG)
    kept = {"companyName": "Acme", "companyName_refName": "x"}
    assert shapes.wire_from_plain(kept, shape) == kept
    assert shapes.wire_field("terms_refName") == "terms" and shapes.wire_field("terms") == "terms"


def _row(second: int, record_id: int) -> dict[str, str]:
    return {"id": str(record_id), "modified": f"2024-01-15 10:00:{second:02d}"}


def test_a_keyset_page_drops_rows_a_finer_clock_serves_again() -> None:
    after = dialect.row_key(_row(5, 9))
    # `lastmodifieddate > '10:00:05'` holds for 10:00:05.4 on a server with sub-second stamps.
    page = [_row(5, 3), _row(5, 9), _row(5, 10), _row(6, 1)]
    kept = dialect.rows_past(after, page, "customer")
    assert [(r["modified"][-2:], r["id"]) for r in kept] == [("05", "10"), ("06", "1")]


def test_a_keyset_page_that_cannot_move_on_is_refused_not_looped() -> None:
    after = dialect.row_key(_row(5, 9))
    with pytest.raises(FatalVendorError, match="keyset read cannot go on"):
        dialect.rows_past(after, [_row(5, 2), _row(5, 9)], "customer")
    assert dialect.rows_past(after, [], "customer") == []
