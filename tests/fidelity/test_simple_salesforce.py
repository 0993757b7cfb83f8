"""simple-salesforce 1.12.10, unchanged, against the mock Salesforce over real HTTPS."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceMoreThanOneRecord,
    SalesforceResourceNotFound,
)

from mocks.salesforce import SalesforceMockConfig, create_app
from mocks.salesforce.ids import make_id
from mocks.server import RunningServer, start_server
from mocks.tls import ensure_tls

pytestmark = pytest.mark.fidelity

SEEDED = 2100  # more than one 2000-row page
CONFIG = SalesforceMockConfig()


@dataclass
class Org:
    server: RunningServer
    ca_path: str
    token: str

    def session(self) -> requests.Session:
        session = requests.Session()
        session.verify = self.ca_path
        # REQUESTS_CA_BUNDLE is set on these machines and would override `verify`.
        session.trust_env = False
        # A kept-alive socket stays open while any response read from it is still referenced
        # (an SDK exception holds one), and an open connection stalls the server's shutdown.
        session.headers["Connection"] = "close"
        return session

    def sdk(self, token: str | None = None) -> Salesforce:
        return Salesforce(
            instance_url=self.server.url,
            session_id=token or self.token,
            session=self.session(),
        )


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Org]:
    tls = ensure_tls(tmp_path_factory.mktemp("tls"))
    app = create_app(CONFIG)
    with start_server(app, tls=tls) as server, httpx.Client(
        # Seeding thousands of accounts can outlast httpx's 5 s default on a loaded machine.
        base_url=server.url, verify=str(tls.ca_path), trust_env=False, timeout=60
    ) as http:  # fmt: skip
        seeded = http.post(
            "/__harness/seed",
            json={"seed": 11, "accounts": SEEDED},
            headers={"X-Harness-Token": CONFIG.admin_token},
        )
        assert seeded.status_code == 200, seeded.text
        token = http.post(
            "/services/oauth2/token",
            data={
                "grant_type": "password",
                "client_id": CONFIG.client_id,
                "client_secret": CONFIG.client_secret,
                "username": CONFIG.username,
                "password": CONFIG.password,
            },
        )
        assert token.status_code == 200, token.text
        assert token.json()["instance_url"] == server.url
        yield Org(server, str(tls.ca_path), token.json()["access_token"])


@pytest.fixture
def sf(org: Org) -> Iterator[Salesforce]:
    client = org.sdk()
    yield client
    client.session.close()


def test_query_returns_first_page_with_next_records_url(sf: Salesforce) -> None:
    result = sf.query("SELECT Id, Name FROM Account")
    assert result["totalSize"] >= SEEDED
    assert result["done"] is False
    assert len(result["records"]) == 2000
    assert result["nextRecordsUrl"].startswith("/services/data/v59.0/query/")
    more = sf.query_more(result["nextRecordsUrl"], identifier_is_url=True)
    assert len(more["records"]) == result["totalSize"] - 2000


def test_query_all_follows_every_page(sf: Salesforce) -> None:
    everything = sf.query_all("SELECT Id FROM Account ORDER BY Id")
    ids = [r["Id"] for r in everything["records"]]
    assert everything["totalSize"] == len(ids) >= SEEDED
    assert len(set(ids)) == len(ids) and ids == sorted(ids)


def test_query_all_iter_with_a_smaller_batch(sf: Salesforce) -> None:
    rows = list(
        sf.query_all_iter(
            "SELECT Id, Name FROM Account WHERE Name LIKE 'a%'",
            headers={"Sforce-Query-Options": "batchSize=200"},
        )
    )
    assert rows and all(r["Name"].lower().startswith("a") for r in rows)
    assert rows[0]["attributes"]["type"] == "Account"


def test_record_lifecycle(sf: Salesforce) -> None:
    created = sf.Account.create({"Name": "Fidelity Co", "NumberOfEmployees": 5})
    assert created["success"] is True and created["errors"] == []
    record_id = created["id"]
    assert sf.Account.get(record_id)["Name"] == "Fidelity Co"
    assert sf.Account.update(record_id, {"Phone": "+1 555 0100"}) == 204
    assert sf.Account.get(record_id)["Phone"] == "+1 555 0100"
    assert sf.Account.delete(record_id) == 204
    with pytest.raises(SalesforceResourceNotFound):
        sf.Account.get(record_id)
    deleted = sf.query_all(f"SELECT Id, IsDeleted FROM Account WHERE Id = '{record_id}'",
                           include_deleted=True)  # fmt: skip
    assert deleted["records"][0]["IsDeleted"] is True
    assert sf.query(f"SELECT Id FROM Account WHERE Id = '{record_id}'")["totalSize"] == 0


def test_upsert_and_get_by_custom_id(sf: Salesforce) -> None:
    assert sf.Account.upsert("External_Id__c/ERP 42", {"Name": "Upserted"}) == 201
    assert sf.Account.upsert("External_Id__c/ERP 42", {"Name": "Upserted again"}) == 200
    record = sf.Account.get_by_custom_id("External_Id__c", "ERP 42")
    assert (record["Name"], record["External_Id__c"]) == ("Upserted again", "ERP 42")


def test_more_than_one_record_for_an_external_id(org: Org, sf: Salesforce) -> None:
    store = org.server.app.state.mock.store
    for n in (9001, 9002):
        store.insert("Account", make_id("001", n), {"Name": "Twin", "External_Id__c": "TWIN"})
    with pytest.raises(SalesforceMoreThanOneRecord) as info:
        sf.Account.get_by_custom_id("External_Id__c", "TWIN")
    assert len(info.value.content) == 2


def test_describes(sf: Salesforce) -> None:
    described = sf.describe()
    assert described is not None
    assert [s["name"] for s in described["sobjects"]] == [
        "Account", "Contact", "Product2", "Pricebook2", "PricebookEntry", "Order", "OrderItem",
        "Invoice__c", "Inventory_Level__c", "Lead", "Opportunity", "Organization", "User",
        "RecordType",
    ]  # fmt: skip
    account = sf.Account.describe()
    fields = {f["name"]: f for f in account["fields"]}
    assert fields["External_Id__c"]["externalId"] is True
    assert fields["Name"]["length"] == 255
    assert sf.Account.metadata()["objectDescribe"]["keyPrefix"] == "001"
    contact = {f["name"]: f for f in sf.Contact.describe()["fields"]}
    assert contact["LastName"]["length"] == 80 and contact["LastName"]["nillable"] is False
    assert contact["AccountId"]["referenceTo"] == ["Account"]
    assert contact["Name"]["createable"] is False and contact["Name"]["updateable"] is False
    assert sf.Contact.metadata()["objectDescribe"]["keyPrefix"] == "003"


def test_contact_round_trip(sf: Salesforce) -> None:
    account_id = sf.Account.create({"Name": "Contact Holder"})["id"]
    created = sf.Contact.create(
        {"AccountId": account_id, "FirstName": "Ada", "LastName": "Lovelace",
         "Email": "ada@example.com"}
    )  # fmt: skip
    assert created["success"] is True and created["id"].startswith("003")
    rows = sf.query_all(f"SELECT Id, Name, Email FROM Contact WHERE AccountId = '{account_id}'")
    assert [(r["Id"], r["Name"]) for r in rows["records"]] == [(created["id"], "Ada Lovelace")]
    assert sf.Contact.update(created["id"], {"LastName": "King"}) == 204
    assert sf.Contact.get(created["id"])["Name"] == "Ada King"
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.Contact.create({"LastName": "Nobody", "AccountId": "001000000000000AAA"})
    assert info.value.content[0]["errorCode"] == "INVALID_CROSS_REFERENCE_KEY"
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.Contact.create({"FirstName": "No", "AccountId": account_id})
    assert info.value.content[0]["errorCode"] == "REQUIRED_FIELD_MISSING"


def test_composite_collection_through_restful(sf: Salesforce) -> None:
    results = sf.restful(
        "composite/sobjects",
        method="POST",
        json={
            "allOrNone": False,
            "records": [
                {"attributes": {"type": "Account"}, "Name": "Batch One"},
                {"attributes": {"type": "Account"}, "Phone": "missing name"},
            ],
        },
    )
    assert results is not None
    assert results[0]["success"] is True
    assert results[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"


def test_limits_and_usage_header(sf: Salesforce) -> None:
    limits = sf.limits()
    daily = limits["DailyApiRequests"]
    assert daily["Max"] == CONFIG.daily_api_limit
    usage = sf.api_usage["api-usage"]
    assert usage.total == CONFIG.daily_api_limit
    assert usage.used == daily["Max"] - daily["Remaining"]


def test_updated_feed(sf: Salesforce) -> None:
    record_id = sf.Account.create({"Name": "Recently changed"})["id"]
    now = datetime.now(UTC)
    updated = sf.Account.updated(now - timedelta(minutes=5), now + timedelta(minutes=2))
    assert record_id in updated["ids"]
    sf.Account.delete(record_id)
    deleted = sf.Account.deleted(now - timedelta(minutes=5), now + timedelta(minutes=2))
    assert record_id in [d["id"] for d in deleted["deletedRecords"]]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        pytest.param({"Name": "x", "Bogus__c": 1}, "INVALID_FIELD", id="unknown-field"),
        pytest.param({"Phone": "1"}, "REQUIRED_FIELD_MISSING", id="missing-required"),
        pytest.param({"Name": "x" * 256}, "STRING_TOO_LONG", id="too-long"),
    ],
)
def test_bad_writes_raise_malformed_request(sf: Salesforce, data: dict[str, object], code: str
                                            ) -> None:  # fmt: skip
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.Account.create(data)
    assert info.value.content[0]["errorCode"] == code


def test_malformed_soql_raises_malformed_request(sf: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.query("SELECT Id FROM Account WHERE")
    assert info.value.content[0]["errorCode"] == "MALFORMED_QUERY"


def test_unknown_id_raises_resource_not_found(sf: Salesforce) -> None:
    with pytest.raises(SalesforceResourceNotFound) as info:
        sf.Account.get(make_id("001", 999_999))
    assert info.value.content[0]["errorCode"] == "NOT_FOUND"


def test_bad_token_raises_expired_session(org: Org) -> None:
    client = org.sdk(token="not-a-real-token")
    with client.session, pytest.raises(SalesforceExpiredSession) as info:
        client.query("SELECT Id FROM Account LIMIT 1")
    assert info.value.content[0]["errorCode"] == "INVALID_SESSION_ID"


def test_malformed_json_body_raises_malformed_request(sf: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.restful("sobjects/Account/", method="POST", data='{"Name": "unterminated')
    assert info.value.content[0]["errorCode"] == "JSON_PARSER_ERROR"
