"""SOSL `search/` and `parameterizedSearch`: term syntax, scopes, RETURNING clauses, and the
MALFORMED_SEARCH refusals Salesforce gives a term it cannot read."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mocks.salesforce.ids import make_id
from mocks.store import RecordStore

from .conftest import Api

ACME, GLOBEX = make_id("001", 1), make_id("001", 2)


@pytest.fixture
def org(store: RecordStore) -> RecordStore:
    store.insert("Account", ACME, {"Name": "Acme Rockets", "Industry": "Energy",
                                   "BillingCity": "Springfield"})  # fmt: skip
    store.insert("Account", GLOBEX, {"Name": "Globex", "Industry": "Banking",
                                     "Description": "Supplier of rockets"})  # fmt: skip
    store.insert("Contact", make_id("003", 1), {"LastName": "Coyote", "Name": "Wile Coyote",
                 "FirstName": "Wile", "Email": "wile@acme.example", "AccountId": ACME})  # fmt: skip
    return store


def search(api: Api, sosl: str) -> httpx.Response:
    return api.get("search/", params={"q": sosl})


def found(api: Api, sosl: str) -> list[dict[str, Any]]:
    response = search(api, sosl)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["searchRecords"]
    return rows


def test_find_without_returning_answers_ids_of_every_object(api: Api, org: RecordStore) -> None:
    rows = found(api, "FIND {rockets}")
    assert [(r["attributes"]["type"], r["Id"]) for r in rows] == [
        ("Account", ACME), ("Account", GLOBEX)]  # fmt: skip
    assert set(rows[0]) == {"attributes", "Id"}


def test_returning_selects_filters_and_orders_per_object(api: Api, org: RecordStore) -> None:
    rows = found(api, "FIND {rock*} IN ALL FIELDS RETURNING Account(Name, Industry WHERE "
                      "Industry != 'Energy' ORDER BY Name), Contact(Name)")  # fmt: skip
    assert rows == [{"attributes": {"type": "Account",
                                    "url": f"/services/data/v59.0/sobjects/Account/{GLOBEX}"},
                     "Name": "Globex", "Industry": "Banking"}]  # fmt: skip


def test_scopes_phrases_and_operators(api: Api, org: RecordStore) -> None:
    assert found(api, "FIND {rockets} IN NAME FIELDS RETURNING Account(Name)") == [
        {"attributes": {"type": "Account", "url": f"/services/data/v59.0/sobjects/Account/{ACME}"},
         "Name": "Acme Rockets"}]  # fmt: skip
    email = found(api, "FIND {wile@acme.example} IN EMAIL FIELDS RETURNING Contact(Account.Name)")
    assert email[0]["Account"]["Name"] == "Acme Rockets"
    assert found(api, 'FIND {"rockets acme"} RETURNING Account') == []
    assert len(found(api, 'FIND {"acme rockets" OR globex} RETURNING Account')) == 2
    assert len(found(api, "FIND {rockets AND NOT springfield} RETURNING Account")) == 1
    assert len(found(api, "FIND {rockets springfield} RETURNING Account")) == 1
    assert len(found(api, "FIND {(globex OR coyote) AND rockets} RETURNING Account, Contact")) == 1
    assert len(found(api, "FIND {rockets} RETURNING Account LIMIT 1")) == 1
    assert len(found(api, "FIND {wile e coyote} RETURNING Contact")) == 0  # no word "e"
    assert len(found(api, 'FIND {"wile coyote" OR x} RETURNING Contact')) == 1


def test_escaped_reserved_characters_are_searched_for(api: Api, org: RecordStore) -> None:
    assert len(found(api, r"FIND {acme\!} RETURNING Account")) == 1


@pytest.mark.parametrize(
    ("sosl", "fragment"),
    [
        ("FIND acme", "The search term must be enclosed in braces."),
        ("FIND {a}", "search term must be longer than one character"),
        ("FIND {a*}", "search term must be longer than one character"),
        ("FIND {acme!}", "reserved character '!'"),
        ("FIND {acme} RETURNING Account(Name", "missing ')'"),
        (r"FIND {acme\q}", "Invalid escape sequence"),
        ("FIND {acme} IN EVERY FIELDS", "unexpected token"),
    ],
    ids=["no-braces", "one-letter", "one-letter-wildcard", "unescaped-reserved",
         "open-returning", "bad-escape", "bad-scope"],
)  # fmt: skip
def test_malformed_searches_are_refused(
    api: Api, org: RecordStore, sosl: str, fragment: str
) -> None:
    response = search(api, sosl)
    assert response.status_code == 400
    body = response.json()
    assert body[0]["errorCode"] == "MALFORMED_SEARCH" and fragment in body[0]["message"]


def test_returning_an_unknown_object_or_field_is_refused(api: Api, org: RecordStore) -> None:
    unknown = search(api, "FIND {acme} RETURNING Acount").json()[0]
    assert unknown["errorCode"] == "INVALID_TYPE"
    field = search(api, "FIND {acme} RETURNING Account(Nmae)").json()[0]
    assert field["errorCode"] == "INVALID_FIELD"


def test_parameterized_search_by_get_and_post(api: Api, org: RecordStore) -> None:
    got = api.get(
        "parameterizedSearch/",
        params={
            "q": "rockets",
            "sobject": "Account",
            "Account.fields": "Name",
            "Account.limit": "1",
        },
    )
    assert got.status_code == 200, got.text
    assert [r["Name"] for r in got.json()["searchRecords"]] == ["Acme Rockets"]
    posted = api.post(
        "parameterizedSearch",
        json={"q": "coyote", "in": "NAME", "sobjects": [{"name": "Contact", "fields": ["Email"]}]},
    )
    assert posted.json()["searchRecords"][0]["Email"] == "wile@acme.example"
    bad_scope = api.post("parameterizedSearch", json={"q": "x1", "in": "EVERYWHERE"})
    assert bad_scope.status_code == 400


@pytest.mark.parametrize("limit", ["\u00b2", "-3", "ten"])
def test_a_limit_that_is_not_a_number_is_refused_not_a_server_error(api: Api, limit: str) -> None:
    answer = api.get("parameterizedSearch/", params={"q": "rockets", "overallLimit": limit})
    assert answer.status_code == 400 and answer.json()[0]["errorCode"] == "INVALID_FIELD"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        pytest.param({"sobject": "Account WHERE Name != null"}, "INVALID_TYPE", id="as-type"),
        pytest.param(
            {"sobject": "Account", "Account.fields": "Name FROM Contact"},
            "INVALID_FIELD",
            id="as-field",
        ),
    ],
)
def test_parameterized_names_must_exist(api: Api, params: dict[str, str], code: str) -> None:
    answer = api.get("parameterizedSearch/", params={"q": "rockets", **params})
    assert answer.status_code == 400 and answer.json()[0]["errorCode"] == code
