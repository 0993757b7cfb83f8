"""`$metadata` loads in pyodata under its strict (fatal) policy, for every service, and
advertises SAP's lengths, precision and flags; the service document lists the sets."""

from __future__ import annotations

import pyodata.v2.model as edm
import pytest

from mocks.sap.schema import SERVICES
from tests.mocks.sap.support import ADMIN, BP, TestClient


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_metadata_loads_in_pyodata_strictly(client: TestClient, service: str) -> None:
    response = client.get(f"/sap/opu/odata/sap/{service}/$metadata")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    schema = edm.MetadataBuilder(response.content).build()  # default policy: fatal
    assert {s.name for s in schema.entity_sets} == set(SERVICES[service].sets)


def test_metadata_advertises_lengths_keys_and_flags(client: TestClient) -> None:
    schema = edm.MetadataBuilder(client.get(f"{BP}/$metadata").content).build()
    bp = schema.entity_type("A_BusinessPartnerType")
    assert bp.proprty("OrganizationBPName1").max_length == 40
    assert bp.proprty("BusinessPartnerFullName").max_length == 81
    assert [k.name for k in bp.key_proprties] == ["BusinessPartner"]
    assert bp.proprty("LastChangeTime").typ.name == "Edm.Time"
    assert not bp.proprty("LastChangeDate").updatable
    assert bp.nav_proprty("to_BusinessPartnerAddress").to_role.multiplicity == "*"
    email = schema.entity_type("A_AddressEmailAddressType")
    assert [k.name for k in email.key_proprties] == ["AddressID", "Person", "OrdinalNumber"]
    assert email.proprty("EmailAddress").max_length == 241


def test_service_document_lists_entity_sets(client: TestClient) -> None:
    body = client.get(f"{BP}/").json()
    assert "A_BusinessPartner" in body["d"]["EntitySets"]


def test_field_length_trap_changes_metadata_and_enforcement(client: TestClient) -> None:
    trap = {
        "trap": "field_length",
        "object": "A_BusinessPartner",
        "field": "OrganizationBPName1",
        "length": 10,
    }
    assert client.post("/__harness/sap/traps", json=trap, headers=ADMIN).status_code == 200
    schema = edm.MetadataBuilder(client.get(f"{BP}/$metadata").content).build()
    assert (
        schema.entity_type("A_BusinessPartnerType").proprty("OrganizationBPName1").max_length == 10
    )
    body = {"BusinessPartnerCategory": "2", "OrganizationBPName1": "Eleven char"}
    refused = client.post(f"{BP}/A_BusinessPartner", json=body)
    assert refused.status_code == 400
    assert (
        refused.json()["error"]["innererror"]["errordetails"][0]["target"] == "OrganizationBPName1"
    )


def test_unknown_service_is_404_in_sap_shape(client: TestClient) -> None:
    response = client.get("/sap/opu/odata/sap/API_NO_SUCH_SRV/$metadata")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "/IWFND/MED/170"


def test_service_name_is_matched_without_case(client: TestClient) -> None:
    response = client.get("/sap/opu/odata/sap/api_business_partner/A_BusinessPartner")
    assert response.status_code == 200
