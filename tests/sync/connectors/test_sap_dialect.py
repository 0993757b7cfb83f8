"""The SAP pack's pure parts on wire payloads shaped as SAP documents them (VENDORS.md 5):
OData v2 values, envelopes, `$metadata`, `$batch` multipart, error bodies, and the views
that turn a business partner and its navigations into one customer record."""

from __future__ import annotations

import pytest

from sync.connectors.sap import dialect, shapes, values
from sync.connectors.sap.batch import BatchRequest, build_batch, outcomes, parse_batch
from sync.connectors.sap.metadata import field_schema, parse
from sync.connectors.sap.views import VIEWS, bp_body, bp_view, order_body

EDMX = b"""<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx"
  xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"
  xmlns:sap="http://www.sap.com/Protocols/SAPData">
 <edmx:DataServices m:DataServiceVersion="2.0">
  <Schema Namespace="API_BUSINESS_PARTNER" xmlns="http://schemas.microsoft.com/ado/2008/09/edm">
   <EntityType Name="A_BusinessPartnerType">
    <Key><PropertyRef Name="BusinessPartner"/></Key>
    <Property Name="BusinessPartner" Type="Edm.String" Nullable="false" MaxLength="10"/>
    <Property Name="BusinessPartnerCategory" Type="Edm.String" Nullable="false" MaxLength="1"/>
    <Property Name="OrganizationBPName1" Type="Edm.String" MaxLength="40"/>
    <Property Name="BusinessPartnerIDByExtSystem" Type="Edm.String" MaxLength="20"/>
    <Property Name="LastChangeDate" Type="Edm.DateTime" Precision="0"/>
    <Property Name="LastChangeTime" Type="Edm.Time" Precision="0"/>
    <Property Name="CreationDate" Type="Edm.DateTime" sap:updatable="false"/>
    <NavigationProperty Name="to_BusinessPartnerAddress"
      Relationship="API_BUSINESS_PARTNER.assoc_BP_Address" FromRole="FromRole_BP"
      ToRole="ToRole_Address"/>
   </EntityType>
   <EntityType Name="A_BusinessPartnerAddressType">
    <Key><PropertyRef Name="BusinessPartner"/><PropertyRef Name="AddressID"/></Key>
    <Property Name="BusinessPartner" Type="Edm.String" Nullable="false" MaxLength="10"/>
    <Property Name="AddressID" Type="Edm.String" Nullable="false" MaxLength="10"/>
    <Property Name="CityName" Type="Edm.String" MaxLength="40"/>
   </EntityType>
   <Association Name="assoc_BP_Address">
    <End Type="API_BUSINESS_PARTNER.A_BusinessPartnerType" Multiplicity="1" Role="FromRole_BP"/>
    <End Type="API_BUSINESS_PARTNER.A_BusinessPartnerAddressType" Multiplicity="*"
      Role="ToRole_Address"/>
   </Association>
   <EntityContainer Name="API_BUSINESS_PARTNER_Entities" m:IsDefaultEntityContainer="true">
    <EntitySet Name="A_BusinessPartner" EntityType="API_BUSINESS_PARTNER.A_BusinessPartnerType"/>
    <EntitySet Name="A_BusinessPartnerAddress"
      EntityType="API_BUSINESS_PARTNER.A_BusinessPartnerAddressType"/>
   </EntityContainer>
  </Schema>
 </edmx:DataServices>
</edmx:Edmx>"""


# -- values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wire", "edm", "plain"),
    [
        ("/Date(1705276800000)/", "Edm.DateTime", "2024-01-15"),
        ("/Date(1705314120000)/", "Edm.DateTime", "2024-01-15T10:22:00Z"),
        ("/Date(1705314120000+0000)/", "Edm.DateTimeOffset", "2024-01-15T10:22:00Z"),
        ("/Date(1705314120000+0060)/", None, "2024-01-15T10:22:00Z"),
        ("PT10H22M05S", "Edm.Time", "10:22:05"),
        ("123.450", "Edm.Decimal", 123.45),
        ("2.000", "Edm.Decimal", 2.0),
        ("42", "Edm.Int64", 42),
        ("0000000001", "Edm.String", "0000000001"),
        ("0001", None, "0001"),
        (True, "Edm.Boolean", True),
    ],
    ids=["date", "datetime", "offset", "offset-minutes", "time", "decimal", "quantity",
         "int64", "string-digits", "untyped-digits", "boolean"],
)  # fmt: skip
def test_wire_values_become_plain(wire: object, edm: str | None, plain: object) -> None:
    assert values.from_wire(wire, edm) == plain


def test_plain_values_go_back_in_sap_formats() -> None:
    assert values.to_wire("2024-01-15", "Edm.DateTime") == "/Date(1705276800000)/"
    assert values.to_wire("2024-01-15T10:22:00Z", "Edm.DateTimeOffset") == (
        "/Date(1705314120000+0000)/"
    )
    assert values.to_wire("10:22:05", "Edm.Time") == "PT10H22M05S"
    assert values.to_wire(5.5, "Edm.Decimal") == "5.5"
    assert values.to_wire(2, "Edm.Decimal") == "2"
    assert values.to_wire(12, "Edm.String") == "12"
    assert values.quote("O'Brien") == "'O''Brien'"


def test_a_date_and_a_time_make_one_stamp() -> None:
    moment = values.stamp("2024-01-15", "10:22:05")
    assert moment is not None and moment.isoformat() == "2024-01-15T10:22:05+00:00"
    assert values.stamp("2024-01-15T10:22:05Z").isoformat() == "2024-01-15T10:22:05+00:00"  # type: ignore[union-attr]
    assert values.stamp(None, "10:00:00") is None


# -- envelopes and errors ------------------------------------------------------------------------


def test_collection_envelope_gives_rows_count_and_next() -> None:
    body = {"d": {"results": [{"A": 1}, {"A": 2}], "__count": "7",
                  "__next": "https://h/sap/opu/odata/sap/S/A?$skiptoken=2"}}  # fmt: skip
    assert [r["A"] for r in dialect.rows_of(body)] == [1, 2]
    assert dialect.count_of(body) == 7
    assert dialect.next_link(body) == "https://h/sap/opu/odata/sap/S/A?$skiptoken=2"
    assert dialect.rows_of({"d": [{"A": 3}]}) == [{"A": 3}]
    assert dialect.next_link({"d": [{"A": 3}]}) is None


def test_sap_error_body_gives_code_message_and_blamed_fields() -> None:
    body = {"error": {
        "code": "/IWBEP/CM_MGW_RT/022",
        "message": {"lang": "en", "value": "Property OrganizationBPName1 is too long"},
        "innererror": {"errordetails": [
            {"code": "BP/001", "message": "Enter at most 40 characters",
             "propertyref": "A_BusinessPartnerType/OrganizationBPName1", "severity": "error"},
            {"code": "BP/002", "message": "Enter at most 40 characters",
             "propertyref": "OrganizationBPName2", "severity": "error"},
        ]},
    }}  # fmt: skip
    fault = dialect.parse_error(400, body)
    assert fault.code == "/IWBEP/CM_MGW_RT/022"
    assert "too long" in fault.message and "at most 40" in fault.message
    assert dialect.error_fields(body) == ("OrganizationBPName1", "OrganizationBPName2")
    text = dialect.parse_error(403, "CSRF token validation failed")
    assert text == (None, "CSRF token validation failed")


# -- $metadata -----------------------------------------------------------------------------------


def test_metadata_gives_keys_lengths_required_and_navigations() -> None:
    service = parse(EDMX)
    bp = service.entity("A_BusinessPartner")
    assert bp is not None and bp.keys == ("BusinessPartner",)
    assert bp.properties["OrganizationBPName1"].max_length == 40
    assert not bp.properties["BusinessPartnerCategory"].nullable
    nav = bp.navigations["to_BusinessPartnerAddress"]
    assert (nav.target, nav.many) == ("A_BusinessPartnerAddressType", True)
    category = field_schema(bp.properties["BusinessPartnerCategory"])
    assert category.required and category.length == 1
    key = field_schema(bp.properties["BusinessPartner"])
    assert key.type == "id" and not key.required
    assert not field_schema(bp.properties["CreationDate"]).updateable
    with pytest.raises(ValueError, match="not XML"):
        parse(b"<html")


def test_plain_rows_convert_by_type_and_keep_expanded_navigations() -> None:
    service = parse(EDMX)
    bp = service.entity("A_BusinessPartner")
    row = {
        "__metadata": {"uri": "https://h/sap/opu/odata/sap/API_BUSINESS_PARTNER/"
                       "A_BusinessPartner('1')", "etag": "W/\"x\""},
        "BusinessPartner": "1", "LastChangeDate": "/Date(1705276800000)/",
        "LastChangeTime": "PT10H22M05S",
        "to_BusinessPartnerAddress": {"results": [{"BusinessPartner": "1", "AddressID": "7",
                                                   "CityName": "Berlin"}]},
        "to_Customer": {"__deferred": {"uri": "x"}},
    }  # fmt: skip
    plain = dialect.plain_row(row, bp, service)
    assert plain == {
        "BusinessPartner": "1", "LastChangeDate": "2024-01-15", "LastChangeTime": "10:22:05",
        "to_BusinessPartnerAddress": [{"BusinessPartner": "1", "AddressID": "7",
                                       "CityName": "Berlin"}],
    }  # fmt: skip
    assert dialect.etag_of(row) == 'W/"x"'
    assert dialect.uri_path(row) == "/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner('1')"
    assert bp is not None
    assert dialect.key_path("A_BusinessPartner", bp, "1") == "A_BusinessPartner(%271%27)"
    address = service.entity("A_BusinessPartnerAddress")
    assert address is not None
    assert dialect.key_path("A_BusinessPartnerAddress", address,
                            {"BusinessPartner": "1", "AddressID": "7"}) == (
        "A_BusinessPartnerAddress(BusinessPartner=%271%27,AddressID=%277%27)"
    )  # fmt: skip


def test_wire_rows_keep_only_declared_names_and_send_navigations_as_lists() -> None:
    service = parse(EDMX)
    bp = service.entity("A_BusinessPartner")
    assert bp is not None
    wire = dialect.wire_row(
        {"OrganizationBPName1": "Acme", "LastChangeDate": "2024-01-15", "Address": {"x": 1},
         "to_BusinessPartnerAddress": [{"CityName": "Berlin", "Street": "drop me"}]},
        bp, service,
    )  # fmt: skip
    assert wire == {
        "OrganizationBPName1": "Acme",
        "LastChangeDate": "/Date(1705276800000)/",
        "to_BusinessPartnerAddress": [{"CityName": "Berlin"}],
    }


# -- names and streets ---------------------------------------------------------------------------


def test_an_organisation_name_splits_at_words_into_four_parts_of_forty() -> None:
    name = "Consolidated International Widgets and Precision Engineering Holdings Limited"
    parts = shapes.split_name(name)
    assert len(parts) == 4 and all(len(p) <= 40 for p in parts)
    assert parts[0] == "Consolidated International Widgets and"
    assert " ".join(p for p in parts if p) == name
    assert shapes.join_name(dict(zip(shapes.NAME_FIELDS, parts, strict=True))) == name
    assert shapes.split_name("Acme") == ["Acme", "", "", ""]
    assert shapes.split_name("x" * 90)[:3] == ["x" * 40, "x" * 40, "x" * 10]


def test_a_name_too_long_for_four_parts_is_left_too_long_for_sap_to_refuse() -> None:
    parts = shapes.split_name(" ".join(["word"] * 50))
    assert len(parts) == 4 and len(parts[3]) > 40
    assert " ".join(parts).split() == ["word"] * 50


@pytest.mark.parametrize(
    ("line", "country", "split"),
    [("123 Main St", "US", ("Main St", "123")), ("Hauptstrasse 5a", "DE", ("Hauptstrasse", "5a")),
     ("Rue de Rivoli", "FR", ("Rue de Rivoli", ""))],
    ids=["us", "de", "no-number"],
)  # fmt: skip
def test_streets_split_and_join_in_the_country_order(
    line: str, country: str, split: tuple[str, str]
) -> None:
    assert shapes.split_street(line) == split
    assert shapes.join_street(*split, country) == line


# -- views -----------------------------------------------------------------------------------------


def test_a_business_partner_becomes_one_customer_record() -> None:
    plain = {
        "BusinessPartner": "1000001", "BusinessPartnerCategory": "2",
        "OrganizationBPName1": "Consolidated International Widgets and",
        "OrganizationBPName2": "Precision Engineering", "OrganizationBPName3": "",
        "to_BusinessPartnerAddress": [
            {"AddressID": "22", "CityName": "Other"},
            {"AddressID": "21", "StreetName": "Main St", "HouseNumber": "123", "Country": "US",
             "CityName": "Springfield",
             "to_EmailAddress": [{"OrdinalNumber": "2", "EmailAddress": "b@x.com"},
                                 {"OrdinalNumber": "1", "EmailAddress": "a@x.com"}],
             "to_PhoneNumber": [{"OrdinalNumber": "1", "PhoneNumber": "555-0100"}]},
        ],
        "to_BusinessPartnerRole": [{"BusinessPartnerRole": "FLCU01"},
                                   {"BusinessPartnerRole": "FLCU00"}],
        "to_Customer": {"Customer": "1000001", "CustomerName": "Consolidated",
                        "to_CustomerCompany": [{"CompanyCode": "1710", "PaymentTerms": "NT30"}]},
    }  # fmt: skip
    view = bp_view(plain)
    assert view["OrganizationName"] == (
        "Consolidated International Widgets and Precision Engineering"
    )
    assert view["Address"]["Street"] == "123 Main St"
    assert view["Address"]["EmailAddress"] == "a@x.com"
    assert view["Address"]["PhoneNumber"] == "555-0100"
    assert view["Address"]["CityName"] == "Springfield"
    assert view["Roles"] == ["FLCU00", "FLCU01"]
    assert view["CustomerAccount"]["PaymentTerms"] == "NT30"
    assert not any(k.startswith("to_") for k in view)
    assert set(view) <= set(plain) | set(VIEWS["Organization"].derived)


def test_a_customer_record_becomes_a_deep_insert_with_address_channels_and_role() -> None:
    body = bp_body({"BusinessPartnerIDByExtSystem": "CRM-1", "OrganizationName": "Acme Corp",
                    "Address": {"Street": "123 Main St", "CityName": "Springfield",
                                "EmailAddress": "a@x.com", "PhoneNumber": None}},
                   "2")  # fmt: skip
    assert body["OrganizationBPName1"] == "Acme Corp" and body["OrganizationBPName2"] == ""
    assert body["BusinessPartnerCategory"] == "2"
    assert body["to_BusinessPartnerRole"] == [
        {"BusinessPartnerRole": "FLCU00"},
        {"BusinessPartnerRole": "FLCU01"},
    ]
    (address,) = body["to_BusinessPartnerAddress"]
    assert (address["StreetName"], address["HouseNumber"]) == ("Main St", "123")
    assert address["to_EmailAddress"] == [{"EmailAddress": "a@x.com"}]
    assert "to_PhoneNumber" not in address


def test_order_items_are_numbered_in_tens() -> None:
    body = order_body({"SoldToParty": "1", "to_Item": [{"Material": "A"}, {"Material": "B"}]}, "")
    assert [i["SalesOrderItem"] for i in body["to_Item"]] == ["10", "20"]


# -- $batch ----------------------------------------------------------------------------------------


def test_batch_request_holds_one_change_set_per_record_with_relative_lines() -> None:
    parts: list[list[BatchRequest] | BatchRequest] = [
        [BatchRequest("POST", "A_BusinessPartner", {"OrganizationBPName1": "A"})],
        [BatchRequest("PATCH", "A_BusinessPartner('2')", {"SearchTerm1": "B"},
                      {"If-Match": 'W/"1"'})],
        BatchRequest("GET", "A_BusinessPartner?$top=1"),
    ]  # fmt: skip
    content, content_type = build_batch(parts, boundary="batch_test")
    text = content.decode()
    assert content_type == "multipart/mixed; boundary=batch_test"
    assert text.count("Content-Type: multipart/mixed; boundary=changeset_") == 2
    assert "POST A_BusinessPartner HTTP/1.1\r\n" in text
    assert 'If-Match: W/"1"\r\n' in text
    assert "GET A_BusinessPartner?$top=1 HTTP/1.1\r\n" in text
    assert text.endswith("--batch_test--\r\n")


ANSWER = (
    "--batch_r\r\n"
    "Content-Type: multipart/mixed; boundary=changeset_a\r\n\r\n"
    "--changeset_a\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
    "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n\r\n"
    '{"d": {"BusinessPartner": "11", "__metadata": {"etag": "W/\\"e1\\""}}}\r\n'
    "--changeset_a--\r\n"
    "--batch_r\r\n"
    "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
    "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n"
    '{"error": {"code": "BP/1", "message": {"value": "too long"}, "innererror": '
    '{"errordetails": [{"propertyref": "OrganizationBPName1"}]}}}\r\n'
    "--batch_r\r\n"
    "Content-Type: multipart/mixed; boundary=changeset_c\r\n\r\n"
    "--changeset_c\r\nContent-Type: application/http\r\n\r\n"
    'HTTP/1.1 204 No Content\r\nETag: W/"e2"\r\n\r\n\r\n'
    "--changeset_c--\r\n"
    "--batch_r--\r\n"
)


def test_batch_answer_spreads_a_failed_change_set_over_its_requests() -> None:
    answer = parse_batch(ANSWER.encode(), "multipart/mixed; boundary=batch_r")
    assert len(answer) == 3
    sent = [
        [BatchRequest("POST", "A_BusinessPartner")],
        [BatchRequest("PATCH", "A_BusinessPartner('5')"),
         BatchRequest("PATCH", "A_BusinessPartnerAddress(BusinessPartner='5',AddressID='1')")],
        [BatchRequest("PATCH", "A_BusinessPartner('6')")],
    ]  # fmt: skip
    spread = outcomes(sent, answer)
    assert [[r.status for r in rs] for rs in spread] == [[201], [400, 400], [204]]
    assert dialect.entity_of(spread[0][0].body)["BusinessPartner"] == "11"
    assert dialect.error_fields(spread[1][1].body) == ("OrganizationBPName1",)
    assert spread[2][0].headers["etag"] == 'W/"e2"'
    with pytest.raises(ValueError, match="answered 3 parts for 2"):
        outcomes(sent[:2], answer)
