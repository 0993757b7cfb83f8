"""SOQL beyond one object: parent paths, child subqueries with their own clauses, aggregates
with GROUP BY and HAVING, FIELDS() and semi-joins, with Salesforce's errors."""

from __future__ import annotations

from typing import Any

import pytest

from mocks.salesforce.config import DEFAULT_USER_ID
from mocks.salesforce.ids import make_id
from mocks.store import RecordStore

from .conftest import Api

ACME, GLOBEX, INITECH = (make_id("001", n) for n in (1, 2, 3))


@pytest.fixture
def org(store: RecordStore) -> RecordStore:
    accounts = [(ACME, "Acme", "Energy", 100.0, 10), (GLOBEX, "Globex", "energy", 50.0, None),
                (INITECH, "Initech", "Banking", None, 30)]  # fmt: skip
    for record_id, name, industry, revenue, staff in accounts:
        store.insert("Account", record_id, {"Name": name, "Industry": industry,
                     "AnnualRevenue": revenue, "NumberOfEmployees": staff})  # fmt: skip
    contacts = [("Doe", ACME), ("Poe", ACME), ("Roe", GLOBEX), ("Orphan", None)]
    for n, (last, account) in enumerate(contacts, start=1):
        store.insert("Contact", make_id("003", n),
                     {"LastName": last, "Name": last, "AccountId": account})  # fmt: skip
    return store


def records(api: Api, soql: str) -> list[dict[str, Any]]:
    response = api.query(soql)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["records"]
    return rows


def error(api: Api, soql: str) -> dict[str, Any]:
    response = api.query(soql)
    assert response.status_code == 400, response.text
    body: list[dict[str, Any]] = response.json()
    return body[0]


def test_parent_fields_nest_with_attributes_and_a_missing_parent_is_null(
    api: Api, org: RecordStore
) -> None:
    rows = records(api, "SELECT Name, Account.Name, Account.Owner.Name FROM Contact "
                        "ORDER BY Name")  # fmt: skip
    assert [r["Name"] for r in rows] == ["Doe", "Orphan", "Poe", "Roe"]
    doe, orphan = rows[0], rows[1]
    assert list(doe) == ["attributes", "Name", "Account"]
    assert doe["Account"]["attributes"] == {
        "type": "Account", "url": f"/services/data/v59.0/sobjects/Account/{ACME}"}  # fmt: skip
    assert doe["Account"]["Name"] == "Acme"
    assert doe["Account"]["Owner"]["attributes"]["type"] == "User"
    assert doe["Account"]["Owner"]["Name"] == "Integration User"
    assert orphan["Account"] is None


def test_where_and_order_by_follow_parent_paths(api: Api, org: RecordStore) -> None:
    rows = records(api, "SELECT LastName FROM Contact WHERE Account.Industry = 'energy' "
                        "ORDER BY Account.Name DESC, LastName")  # fmt: skip
    assert [r["LastName"] for r in rows] == ["Roe", "Doe", "Poe"]
    count = api.query("SELECT COUNT() FROM Contact WHERE Account.Name = null").json()
    assert count["totalSize"] == 1


def test_child_subquery_keeps_its_where_order_and_limit(api: Api, org: RecordStore) -> None:
    rows = records(api, "SELECT Name, (SELECT LastName, Account.Name FROM Contacts WHERE "
                        "LastName LIKE '%oe' ORDER BY LastName DESC LIMIT 1) FROM Account "
                        "ORDER BY Name")  # fmt: skip
    acme, globex, initech = rows
    assert acme["Contacts"]["totalSize"] == 1
    assert acme["Contacts"]["records"][0]["LastName"] == "Poe"
    assert acme["Contacts"]["records"][0]["Account"]["Name"] == "Acme"
    assert globex["Contacts"]["records"][0]["LastName"] == "Roe"
    assert initech["Contacts"] is None


def test_aggregates_group_and_name_their_columns_as_salesforce_does(
    api: Api, org: RecordStore
) -> None:
    rows = records(api, "SELECT Industry, COUNT(Id), SUM(AnnualRevenue) total, MAX(Name), "
                        "AVG(NumberOfEmployees) FROM Account GROUP BY Industry "
                        "ORDER BY COUNT(Id) DESC")  # fmt: skip
    assert rows == [
        {"attributes": {"type": "AggregateResult"}, "Industry": "Energy", "expr0": 2,
         "total": 150.0, "expr1": "Globex", "expr2": 10.0},
        {"attributes": {"type": "AggregateResult"}, "Industry": "Banking", "expr0": 1,
         "total": None, "expr1": "Initech", "expr2": 30.0},
    ]  # fmt: skip


def test_having_filters_groups_and_an_ungrouped_aggregate_is_one_row(
    api: Api, org: RecordStore
) -> None:
    rows = records(api, "SELECT AccountId, COUNT(Id) n FROM Contact WHERE AccountId != null "
                        "GROUP BY AccountId HAVING COUNT(Id) > 1")  # fmt: skip
    assert rows == [{"attributes": {"type": "AggregateResult"}, "AccountId": ACME, "n": 2}]
    empty = records(api, "SELECT COUNT(Id), COUNT_DISTINCT(Industry), MIN(CreatedDate) "
                         "FROM Account WHERE Name = 'nobody'")  # fmt: skip
    assert empty == [{"attributes": {"type": "AggregateResult"}, "expr0": 0, "expr1": 0,
                      "expr2": None}]  # fmt: skip
    distinct = records(api, "SELECT COUNT_DISTINCT(Industry) FROM Account")
    assert distinct[0]["expr0"] == 2  # Energy and energy are one value, as SOQL compares


def test_group_by_a_parent_field_names_the_column_by_the_field(api: Api, org: RecordStore) -> None:
    rows = records(api, "SELECT Account.Name, COUNT(Id) FROM Contact WHERE AccountId != null "
                        "GROUP BY Account.Name ORDER BY Account.Name")  # fmt: skip
    assert [(r["Name"], r["expr0"]) for r in rows] == [("Acme", 2), ("Globex", 1)]


def test_fields_macros_and_their_limit_rule(api: Api, org: RecordStore) -> None:
    custom = records(api, "SELECT FIELDS(CUSTOM) FROM Account ORDER BY Name LIMIT 2")
    assert len(custom) == 2
    assert all(name.endswith("__c") for name in custom[0] if name != "attributes")
    standard = records(api, "SELECT Id, FIELDS(STANDARD) FROM Account")
    assert {"Id", "Name", "OwnerId", "SystemModstamp"} <= set(standard[0])
    assert not any(name.endswith("__c") for name in standard[0])
    everything = records(api, "SELECT FIELDS(ALL) FROM Account LIMIT 200")
    assert {"Name", "External_Id__c"} <= set(everything[0])
    for soql in ("SELECT FIELDS(ALL) FROM Account", "SELECT FIELDS(CUSTOM) FROM Account LIMIT 201"):
        err = error(api, soql)
        assert err["errorCode"] == "MALFORMED_QUERY"
        assert err["message"].endswith("The SOQL FIELDS function must have a LIMIT of at most 200")


def test_semi_join_and_anti_join(api: Api, org: RecordStore) -> None:
    joined = records(api, "SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact "
                          "WHERE LastName != 'Roe') ORDER BY Name")  # fmt: skip
    assert [r["Name"] for r in joined] == ["Acme"]
    anti = records(api, "SELECT Name FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact)")
    assert [r["Name"] for r in anti] == ["Initech"]


@pytest.mark.parametrize(
    ("soql", "code", "ending"),
    [
        ("SELECT Name, Acount.Name FROM Contact", "INVALID_FIELD",
         "Didn't understand relationship 'Acount' in field path. If you are attempting to use a"
         " custom relationship, be sure to append the '__r' after the custom relationship name."
         " Please reference your WSDL or the describe call for the appropriate names."),
        ("SELECT Account.Nmae FROM Contact", "INVALID_FIELD",
         "No such column 'Nmae' on entity 'Account'. If you are attempting to use a custom field,"
         " be sure to append the '__c' after the custom field name. Please reference your WSDL"
         " or the describe call for the appropriate names."),
        ("SELECT Name, COUNT(Id) FROM Account", "MALFORMED_QUERY",
         "Field must be grouped or aggregated: Name"),
        ("SELECT COUNT(), Name FROM Account", "MALFORMED_QUERY",
         "COUNT() must be the only element in the SELECT list"),
        ("SELECT SUM(Name) FROM Account", "MALFORMED_QUERY",
         "field Name does not support aggregate operator SUM"),
        ("SELECT Id FROM Account WHERE COUNT(Id) > 1", "MALFORMED_QUERY", "use HAVING"),
        ("SELECT Description FROM Account GROUP BY Description", "INVALID_FIELD",
         "field 'Description' can not be grouped in a query call"),
        ("SELECT Name FROM Account WHERE Name IN (SELECT LastName FROM Contact)",
         "MALFORMED_QUERY", "not on Name"),
    ],
    ids=["bad-relationship", "bad-parent-field", "ungrouped", "count-not-alone", "sum-of-text",
         "aggregate-in-where", "group-by-long-text", "semi-join-on-text"],
)  # fmt: skip
def test_errors_have_salesforces_code_and_message(
    api: Api, org: RecordStore, soql: str, code: str, ending: str
) -> None:
    err = error(api, soql)
    assert err["errorCode"] == code
    assert err["message"].endswith(ending)
    assert err["message"].startswith(f"\n{soql}\n")  # the query line, then the caret


def test_owner_paths_read_the_running_user(api: Api, org: RecordStore) -> None:
    rows = records(api, f"SELECT Owner.Username FROM Account WHERE Id = '{ACME}'")
    assert rows[0]["Owner"]["attributes"]["url"].endswith(DEFAULT_USER_ID)
    assert rows[0]["Owner"]["Username"] == "integration@harness.example"
