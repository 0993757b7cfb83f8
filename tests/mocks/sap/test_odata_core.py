"""The OData core on its own: value parsing and formatting, `$filter` compilation, key
predicates and paths."""

from __future__ import annotations

from typing import Any

import pytest

from mocks.sap.errors import SapError
from mocks.sap.odata.filter import compile_filter
from mocks.sap.odata.model import Prop
from mocks.sap.odata.paths import key_predicate, parse_key, split_path
from mocks.sap.odata.values import ValueProblem, from_wire, to_wire
from mocks.sap.schema import ENTITY_TYPES

BP = ENTITY_TYPES["A_BusinessPartner"]
CONTACT = ENTITY_TYPES["A_BusinessPartnerContact"]
PRODUCT = ENTITY_TYPES["A_Product"]
AMOUNT = Prop("Amount", "Edm.Decimal", precision=5, scale=2)


@pytest.mark.parametrize(
    ("prop", "wire", "stored"),
    [
        (Prop("D", "Edm.DateTime"), "/Date(1705312920000)/", "2024-01-15T10:02:00"),
        (Prop("D", "Edm.DateTime"), "/Date(1705312920000+0060)/", "2024-01-15T10:02:00"),
        (Prop("D", "Edm.DateTime", date_only=True), "2024-01-15T10:02:00", "2024-01-15T00:00:00"),
        (Prop("O", "Edm.DateTimeOffset"), "/Date(1705312920123+0000)/", "2024-01-15T10:02:00.123Z"),
        (Prop("T", "Edm.Time"), "PT7H5M", "PT07H05M00S"),
        (AMOUNT, "12.5", "12.50"),
        (AMOUNT, 3, "3.00"),
        (Prop("B", "Edm.Boolean"), True, True),
        (Prop("G", "Edm.Guid"), "ABC-1", "abc-1"),
    ],
)
def test_written_values_take_store_form(prop: Prop, wire: Any, stored: Any) -> None:
    assert from_wire(prop, wire, None) == stored


@pytest.mark.parametrize(
    ("prop", "wire", "code"),
    [
        (AMOUNT, "1.234", "/IWBEP/CM_MGW_RT/016"),
        (AMOUNT, "1234.5", "/IWBEP/CM_MGW_RT/016"),
        (AMOUNT, True, "/IWBEP/CM_MGW_RT/016"),
        (Prop("D", "Edm.DateTime"), "yesterday", "/IWBEP/CM_MGW_RT/016"),
        (Prop("B", "Edm.Boolean"), "true", "/IWBEP/CM_MGW_RT/016"),
        (Prop("S", max_length=3), "four", "/IWBEP/CM_MGW_RT/021"),
        (Prop("S", nullable=False), None, "/IWBEP/CM_MGW_RT/011"),
    ],
)
def test_refused_values_name_the_property(prop: Prop, wire: Any, code: str) -> None:
    with pytest.raises(ValueProblem) as refused:
        from_wire(prop, wire, prop.max_length)
    assert (refused.value.detail.code, refused.value.detail.target) == (code, prop.name)


def test_values_render_as_sap_json() -> None:
    assert to_wire(Prop("D", "Edm.DateTime"), "2024-01-15T00:00:00") == "/Date(1705276800000)/"
    assert to_wire(Prop("O", "Edm.DateTimeOffset"), "2024-01-15T00:00:00.000Z") == (
        "/Date(1705276800000+0000)/"
    )
    assert to_wire(Prop("I", "Edm.Int64"), 12) == "12"
    assert to_wire(AMOUNT, None) is None


def _match(expr: str, fields: dict[str, Any]) -> bool:
    return compile_filter(expr, BP)(fields)


def test_filter_compares_typed_values() -> None:
    row = {
        "BusinessPartner": "1",
        "LastChangeDate": "2024-01-15T00:00:00",
        "LastChangeTime": "PT10H00M00S",
        "OrganizationBPName1": "O'Hara",
    }
    assert _match("LastChangeDate eq datetime'2024-01-15T00:00:00'", row)
    assert _match("LastChangeDate lt datetimeoffset'2024-01-15T00:00:01Z'", row)
    assert _match("LastChangeTime gt time'PT09H59M59S'", row)
    assert _match("OrganizationBPName1 eq 'O''Hara' and length(OrganizationBPName1) eq 6", row)
    assert not _match("LastChangeDate gt 'not a date'", row)  # unlike types never match
    assert not _match("FirstName gt 'A'", row)  # null is never greater


def test_decimal_filters_accept_every_number_form() -> None:
    match = compile_filter("GrossWeight ge 1.5 and GrossWeight lt 2M and GrossWeight ne 1", PRODUCT)
    assert match({"GrossWeight": "1.750"}) and not match({"GrossWeight": "2.000"})


@pytest.mark.parametrize(
    ("expr", "position"),
    [
        ("BusinessPartner eq", "position 19"),
        ("(BusinessPartner eq '1'", "position 24"),
        ("BusinessPartner eq '1' xor", "position 24"),
        ("startswith(BusinessPartner)", "position 1"),
        ("BusinessPartner eq datetime'nope'", "position 20"),
        ("BusinessPartner eq ~", "position 20"),
    ],
)
def test_bad_filters_name_the_position(expr: str, position: str) -> None:
    with pytest.raises(SapError) as refused:
        compile_filter(expr, BP)
    assert refused.value.status == 400 and position in refused.value.message


def test_keys_positional_named_composite_and_typed() -> None:
    assert parse_key(BP, "'1'") == {"BusinessPartner": "1"}
    assert parse_key(BP, "BusinessPartner='O''1'") == {"BusinessPartner": "O'1"}
    key = parse_key(
        CONTACT,
        "RelationshipNumber='7',BusinessPartnerCompany='1',"
        "BusinessPartnerPerson='2',ValidityEndDate=datetime'9999-12-31T00:00:00'",
    )
    assert key["ValidityEndDate"] == "9999-12-31T00:00:00"
    assert key_predicate(CONTACT, key).endswith("ValidityEndDate=datetime'9999-12-31T00:00:00'")
    with pytest.raises(SapError):
        parse_key(CONTACT, "'7'")
    with pytest.raises(SapError):
        parse_key(BP, "Nope='1'")


def test_paths_are_decoded_and_split_outside_quotes() -> None:
    segments = split_path("A_BusinessPartner%28%27a%2Fb%27%29/to_BusinessPartnerAddress/$count")
    assert [(s.name, s.key) for s in segments] == [
        ("A_BusinessPartner", "'a/b'"),
        ("to_BusinessPartnerAddress", None),
        ("$count", None),
    ]
