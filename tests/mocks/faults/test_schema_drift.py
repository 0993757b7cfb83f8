"""Schema drift on the wire: describe and catalog, records, queries and writes."""

from __future__ import annotations

from typing import Any

import pytest

from mocks.store import RecordStore

from .support import (
    ADMIN,
    BASE,
    CUSTOMERS,
    SUITEQL,
    Clock,
    TestClient,
    add_accounts,
    add_customers,
    faults,
    netsuite_client,
    salesforce_client,
    sf_login,
    truth,
)


def _drift(obj: str, field: str, **change: Any) -> dict[str, Any]:
    effect = {"type": "schema_drift", "object": obj, "field": field, **change}
    return {"rules": [{"name": "drift", "when": {"nth": [2]}, "effect": effect}]}


@pytest.fixture
def store() -> RecordStore:
    return RecordStore(clock=Clock())


@pytest.fixture
def sf(store: RecordStore) -> tuple[TestClient, dict[str, str]]:
    add_accounts(store, 2)
    client = salesforce_client(store)
    return client, sf_login(client)


def _describe_fields(client: TestClient, auth: dict[str, str]) -> dict[str, dict[str, Any]]:
    body = client.get(f"{BASE}/sobjects/Account/describe", headers=auth).json()
    return {f["name"]: f for f in body["fields"]}


def _soql(client: TestClient, auth: dict[str, str], soql: str) -> Any:
    return client.get(f"{BASE}/query", params={"q": soql}, headers=auth)


def test_salesforce_rename_shows_from_the_firing_request_on(sf: Any, store: RecordStore) -> None:
    client, auth = sf
    faults(client, _drift("Account", "Phone", rename="Phone__c"))
    assert "Phone" in _describe_fields(client, auth)  # request 1: not yet
    fields = _describe_fields(client, auth)  # request 2: the rule fires
    assert "Phone" not in fields
    assert fields["Phone__c"]["type"] == "phone"
    rows = _soql(client, auth, "SELECT Id, phone__c FROM Account ORDER BY Name").json()["records"]
    assert [r["Phone__c"] for r in rows] == ["555-0001", "555-0002"]
    record = client.get(rows[0]["attributes"]["url"], headers=auth).json()
    assert record["Phone__c"] == "555-0001"
    assert "Phone" not in record
    [fact] = truth(client)
    assert (fact["effect"], fact["object"], fact["rename"], fact["seq"]) == (
        "schema_drift", "Account", "Phone__c", 2)  # fmt: skip


def test_salesforce_old_name_is_an_invalid_field_and_new_name_writes_through(
    sf: Any, store: RecordStore
) -> None:
    client, auth = sf
    faults(client, _drift("Account", "Phone", rename="Phone__c"))
    _describe_fields(client, auth)
    _describe_fields(client, auth)
    refused = _soql(client, auth, "SELECT Id, Phone FROM Account")
    assert refused.status_code == 400
    assert refused.json()[0]["errorCode"] == "INVALID_FIELD"
    assert "No such column 'Phone' on entity 'Account'" in refused.json()[0]["message"]
    created = client.post(
        f"{BASE}/sobjects/Account", json={"Name": "X", "Phone": "1"}, headers=auth
    )
    assert created.status_code == 400
    assert created.json() == [{"message": "No such column 'Phone' on sobject of type Account",
                               "errorCode": "INVALID_FIELD", "fields": ["Phone"]}]  # fmt: skip
    created = client.post(
        f"{BASE}/sobjects/Account", json={"Name": "Y", "Phone__c": "42"}, headers=auth
    )
    assert created.status_code == 201
    assert store.get("Account", created.json()["id"]).fields["Phone"] == "42"
    batch = {"records": [{"attributes": {"type": "Account"}, "Name": "Z", "phone": "7"}]}
    response = client.post(f"{BASE}/composite/sobjects", json=batch, headers=auth)
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_FIELD"


def test_salesforce_remove_and_retype(sf: Any, store: RecordStore) -> None:
    client, auth = sf
    [first, _] = sorted(r.id for r in store.records("Account"))
    store.update("Account", first, {"NumberOfEmployees": 12})
    rules = [
        {"effect": {"type": "schema_drift", "object": "Account", "field": "Phone", "remove": True}},
        {"effect": {"type": "schema_drift", "object": "Account", "field": "NumberOfEmployees",
                    "retype": "string"}},
    ]  # fmt: skip
    faults(client, {"rules": rules})
    fields = _describe_fields(client, auth)
    assert "Phone" not in fields
    assert (fields["NumberOfEmployees"]["type"], fields["NumberOfEmployees"]["soapType"]) == (
        "string", "xsd:string")  # fmt: skip
    row = client.get(f"{BASE}/sobjects/Account/{first}", headers=auth).json()
    assert "Phone" not in row
    assert row["NumberOfEmployees"] == "12"
    assert _soql(client, auth, "SELECT Phone FROM Account").status_code == 400


def test_clearing_the_plan_ends_the_drift(sf: Any) -> None:
    client, auth = sf
    faults(client, _drift("Account", "Phone", remove=True))
    _describe_fields(client, auth)
    assert "Phone" not in _describe_fields(client, auth)
    assert faults(client, {"rules": []})["drifts"] == []
    assert "Phone" in _describe_fields(client, auth)
    assert client.get("/__harness/faults", headers=ADMIN).json()["drifts"] == []


@pytest.fixture
def ns() -> TestClient:
    client = netsuite_client()
    add_customers(client, 2)
    return client


def test_netsuite_rename_shows_in_catalog_records_and_suiteql(ns: TestClient) -> None:
    faults(ns, _drift("customer", "phone", rename="phoneNumber"))
    ns.get(CUSTOMERS)
    schema = ns.get("/services/rest/record/v1/metadata-catalog/customer").json()
    assert "phone" not in schema["properties"]
    assert schema["properties"]["phoneNumber"]["type"] == "string"
    record = ns.get(f"{CUSTOMERS}/1").json()
    assert record["phoneNumber"] == "555-0000"
    assert "phone" not in record
    rows = ns.post(SUITEQL, json={"q": "SELECT id, phoneNumber FROM customer ORDER BY id"})
    assert rows.status_code == 200, rows.text
    assert [r["phonenumber"] for r in rows.json()["items"]] == ["555-0000", "555-0001"]
    refused = ns.post(SUITEQL, json={"q": "SELECT id, phone FROM customer"})
    assert refused.status_code == 400
    assert refused.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_PARAMETER"


def test_netsuite_writes_with_the_old_name_are_invalid_content(ns: TestClient) -> None:
    faults(ns, _drift("customer", "phone", rename="phoneNumber"))
    ns.get(CUSTOMERS)
    ns.get(CUSTOMERS)
    refused = ns.patch(f"{CUSTOMERS}/1", json={"phone": "1"})
    assert refused.status_code == 400
    [detail] = refused.json()["o:errorDetails"]
    assert (detail["o:errorCode"], detail["o:errorPath"]) == ("INVALID_CONTENT", "phone")
    assert "Invalid property name 'phone'" in detail["detail"]
    assert ns.patch(f"{CUSTOMERS}/1", json={"phoneNumber": "999"}).status_code == 204
    snapshot = ns.get("/__harness/snapshot", params={"objects": "customer"}, headers=ADMIN).json()
    stored = {r["id"]: r["fields"].get("phone") for r in snapshot["objects"]["customer"]}
    assert stored["1"] == "999"


def test_netsuite_retype_changes_the_catalog_type(ns: TestClient) -> None:
    faults(ns, {"rules": [{"effect": {"type": "schema_drift", "object": "customer",
                                      "field": "phone", "retype": "double"}}]})  # fmt: skip
    prop = ns.get("/services/rest/record/v1/metadata-catalog/customer").json()["properties"][
        "phone"
    ]
    assert (prop["type"], prop["format"]) == ("number", "double")
    assert "maxLength" not in prop
