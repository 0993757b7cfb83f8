"""simple-salesforce 1.12.10, unchanged, over real HTTPS against the rest of the surface
integrations use: SOSL search, relationship and aggregate SOQL, the org's standard objects,
`limits()`, `is_sandbox()` and the composite resources through `restful`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

from tests.fidelity.salesforce_sdk import CONFIG, seeded_salesforce

pytestmark = pytest.mark.fidelity

WORLD = {"seed": 5, "accounts": 25, "full_business": True, "dirty": 0.1}
V = "/services/data/v59.0"


@pytest.fixture(scope="module")
def sf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Salesforce]:
    with seeded_salesforce(tmp_path_factory.mktemp("sf-surface-tls"), WORLD) as client:
        yield client


def test_is_sandbox_and_the_organization(sf: Salesforce) -> None:
    assert sf.is_sandbox() is True
    org = sf.Organization.get(CONFIG.org_id)
    assert org["Id"] == CONFIG.org_id and org["OrganizationType"] == "Enterprise Edition"


def test_the_running_user(sf: Salesforce) -> None:
    me = sf.User.get(CONFIG.user_id)
    assert (me["Username"], me["IsActive"]) == (CONFIG.username, True)
    by_name = sf.query(f"SELECT Id FROM User WHERE Username = '{CONFIG.username}'")
    assert by_name["records"][0]["Id"] == CONFIG.user_id


def test_limits_count_down_with_every_call(sf: Salesforce) -> None:
    first = sf.limits()
    for key in (
        "DailyApiRequests",
        "DailyBulkApiBatches",
        "DailyBulkV2QueryJobs",
        "DailyBulkV2QueryFileStorageMB",
        "DailyAsyncApexExecutions",
        "DataStorageMB",
    ):
        assert {"Max", "Remaining"} <= set(first[key]), key
    second = sf.limits()
    assert second["DailyApiRequests"]["Remaining"] == first["DailyApiRequests"]["Remaining"] - 1
    used, total = sf.api_usage["api-usage"]
    assert total - used == second["DailyApiRequests"]["Remaining"]


def test_relationship_queries_nest_parents_and_children(sf: Salesforce) -> None:
    contacts = sf.query_all("SELECT Name, Account.Name, Account.Owner.Name FROM Contact "
                            "WHERE AccountId != null ORDER BY Account.Name LIMIT 20")  # fmt: skip
    rows = contacts["records"]
    assert rows and all(r["Account"]["attributes"]["type"] == "Account" for r in rows)
    assert rows[0]["Account"]["Owner"]["Name"] == "Integration User"
    names = [r["Account"]["Name"].casefold() for r in rows]
    assert names == sorted(names)
    accounts = sf.query("SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName LIMIT 2) "
                        "FROM Account WHERE Id IN (SELECT AccountId FROM Contact)")  # fmt: skip
    nested = [a["Contacts"] for a in accounts["records"]]
    assert nested and all(1 <= c["totalSize"] <= 2 for c in nested)


def test_aggregate_queries(sf: Salesforce) -> None:
    total = sf.query("SELECT COUNT() FROM Contact")["totalSize"]
    rows = sf.query_all("SELECT AccountId, COUNT(Id) n FROM Contact GROUP BY AccountId")["records"]
    assert sum(r["n"] for r in rows) == total
    assert all(r["attributes"] == {"type": "AggregateResult"} for r in rows)
    [summary] = sf.query("SELECT COUNT(Id), MAX(Name) FROM Account")["records"]
    assert summary["expr0"] == sf.query("SELECT COUNT() FROM Account")["totalSize"]
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.query("SELECT Name, COUNT(Id) FROM Account")
    assert info.value.content[0]["errorCode"] == "MALFORMED_QUERY"


def test_fields_macro(sf: Salesforce) -> None:
    rows = sf.query("SELECT FIELDS(ALL) FROM Account LIMIT 5")["records"]
    assert len(rows) == 5 and "External_Id__c" in rows[0] and "Name" in rows[0]
    with pytest.raises(SalesforceMalformedRequest):
        sf.query("SELECT FIELDS(ALL) FROM Account")


def test_search_and_quick_search(sf: Salesforce) -> None:
    account = sf.query("SELECT Id, Name FROM Account ORDER BY Name LIMIT 1")["records"][0]
    word = max(account["Name"].replace(",", " ").split(), key=len)
    found = sf.search(f"FIND {{{word}}} IN NAME FIELDS RETURNING Account(Id, Name)")
    assert account["Id"] in [r["Id"] for r in found["searchRecords"]]
    quick = sf.quick_search(word)
    assert account["Id"] in [r["Id"] for r in quick["searchRecords"]]
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.quick_search("x")
    assert info.value.content[0]["errorCode"] == "MALFORMED_SEARCH"


def test_lead_crud_and_opportunity_describe(sf: Salesforce) -> None:
    created = sf.Lead.create({"LastName": "Fidelity", "Company": "SDK Co"})
    assert created["success"] is True and created["id"].startswith("00Q")
    assert sf.Lead.update(created["id"], {"Status": "Working - Contacted"}) == 204
    assert sf.Lead.get(created["id"])["Status"] == "Working - Contacted"
    assert sf.Lead.delete(created["id"]) == 204
    with pytest.raises(SalesforceResourceNotFound):
        sf.Lead.get(created["id"])
    described = sf.Opportunity.describe()
    assert described["name"] == "Opportunity" and described["keyPrefix"] == "006"
    assert {"StageName", "CloseDate", "AccountId", "Amount"} <= {
        f["name"] for f in described["fields"]
    }


def test_composite_through_restful(sf: Salesforce) -> None:
    answer = sf.restful("composite", method="POST", json={"allOrNone": True, "compositeRequest": [
        {"method": "POST", "url": f"{V}/sobjects/Account", "referenceId": "acct",
         "body": {"Name": "SDK Composite"}},
        {"method": "POST", "url": f"{V}/sobjects/Contact", "referenceId": "person",
         "body": {"LastName": "Composite", "AccountId": "@{acct.id}"}},
        {"method": "GET", "url": f"{V}/sobjects/Contact/@{{person.id}}?fields=AccountId",
         "referenceId": "check"},
    ]})  # fmt: skip
    codes = [a["httpStatusCode"] for a in answer["compositeResponse"]]
    assert codes == [201, 201, 200]
    acct = answer["compositeResponse"][0]["body"]["id"]
    assert answer["compositeResponse"][2]["body"]["AccountId"] == acct


def test_composite_graph_and_tree_through_restful(sf: Salesforce) -> None:
    graph = sf.restful("composite/graph", method="POST", json={"graphs": [
        {"graphId": "one", "compositeRequest": [
            {"method": "POST", "url": f"{V}/sobjects/Lead", "referenceId": "lead",
             "body": {"LastName": "Graph", "Company": "Graph Co"}}]},
        {"graphId": "two", "compositeRequest": [
            {"method": "POST", "url": f"{V}/sobjects/Lead", "referenceId": "lead",
             "body": {"LastName": "No company"}}]},
    ]})  # fmt: skip
    assert [g["isSuccessful"] for g in graph["graphs"]] == [True, False]
    tree = sf.restful("composite/tree/Account", method="POST", json={"records": [
        {"attributes": {"type": "Account", "referenceId": "parent"}, "Name": "SDK Tree",
         "Contacts": {"records": [{"attributes": {"type": "Contact", "referenceId": "kid"},
                                   "LastName": "Leaf"}]}},
    ]})  # fmt: skip
    assert tree["hasErrors"] is False
    ids = {r["referenceId"]: r["id"] for r in tree["results"]}
    assert sf.Contact.get(ids["kid"])["AccountId"] == ids["parent"]
