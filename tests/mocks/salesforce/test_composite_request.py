"""Composite (`composite`), graph (`composite/graph`) and tree (`composite/tree/X`): answers
in Salesforce's shapes, references between subrequests, and all-or-none rollback that
leaves the store, versions and stamps as they were."""

from __future__ import annotations

from typing import Any

from mocks.store import RecordStore

from .conftest import BASE, Api, add_accounts


def sub(method: str, path: str, ref: str, body: Any = None) -> dict[str, Any]:
    out = {"method": method, "url": f"{BASE}/{path}", "referenceId": ref}
    return out if body is None else {**out, "body": body}


def test_references_feed_later_subrequests_and_reads_see_earlier_writes(api: Api) -> None:
    response = api.post("composite", json={"allOrNone": True, "compositeRequest": [
        sub("POST", "sobjects/Account", "acct", {"Name": "Composite Co"}),
        sub("POST", "sobjects/Contact", "person", {"LastName": "Ref", "AccountId": "@{acct.id}"}),
        sub("GET", "sobjects/Account/@{acct.id}?fields=Name", "read"),
        sub("GET", "query?q=SELECT+Account.Name+FROM+Contact+WHERE+Id='@{person.id}'", "q"),
        sub("PATCH", "sobjects/Account/@{acct.id}", "rename",
            {"Name": "@{q.records[0].Account.Name} 2"}),
    ]})  # fmt: skip
    assert response.status_code == 200, response.text
    answers = response.json()["compositeResponse"]
    assert [a["referenceId"] for a in answers] == ["acct", "person", "read", "q", "rename"]
    assert [a["httpStatusCode"] for a in answers] == [201, 201, 200, 200, 204]
    acct_id = answers[0]["body"]["id"]
    assert answers[0]["httpHeaders"] == {"Location": f"{BASE}/sobjects/Account/{acct_id}"}
    assert answers[2]["body"]["Name"] == "Composite Co"
    assert answers[3]["body"]["records"][0]["Account"]["Name"] == "Composite Co"
    assert answers[4]["body"] is None
    assert api.get(f"sobjects/Account/{acct_id}").json()["Name"] == "Composite Co 2"


def test_all_or_none_failure_rolls_back_and_halts_the_rest(api: Api, store: RecordStore) -> None:
    [existing] = add_accounts(store, 1, External_Id__c="EXT-1")
    store.ensure_index("Account", "External_Id__c")
    before = store.get("Account", existing)
    assert before is not None
    version, stamp, accounts = before.version, before.modified_at, store.count("Account")
    response = api.post("composite", json={"allOrNone": True, "compositeRequest": [
        sub("POST", "sobjects/Account", "made", {"Name": "Rolled back"}),
        sub("PATCH", f"sobjects/Account/{existing}", "changed", {"Name": "Changed"}),
        sub("DELETE", f"sobjects/Account/{existing}", "gone"),
        sub("POST", "sobjects/Contact", "bad", {"FirstName": "No last name"}),
        sub("GET", "sobjects/Account/@{made.id}", "later"),
    ]})  # fmt: skip
    answers = {a["referenceId"]: a for a in response.json()["compositeResponse"]}
    assert answers["bad"]["httpStatusCode"] == 400
    assert answers["bad"]["body"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    for ref in ("made", "changed", "gone", "later"):
        assert answers[ref]["httpStatusCode"] == 400
        assert answers[ref]["body"][0]["errorCode"] == "PROCESSING_HALTED"
    after = store.get("Account", existing)
    assert after is not None and after.fields["Name"] == "Account 00001"
    assert (after.version, after.modified_at) == (version, stamp)
    assert store.count("Account") == accounts
    assert api.query("SELECT Id FROM Account WHERE Name = 'Account 00001'").json()["totalSize"] == 1
    by_external_id = api.get("sobjects/Account/External_Id__c/EXT-1")  # the index is back too
    assert by_external_id.status_code == 200 and by_external_id.json()["Id"] == existing


def test_without_all_or_none_only_dependants_of_a_failure_halt(api: Api) -> None:
    response = api.post("composite", json={"compositeRequest": [
        sub("POST", "sobjects/Account", "bad", {}),
        sub("POST", "sobjects/Contact", "child", {"LastName": "X", "AccountId": "@{bad.id}"}),
        sub("POST", "sobjects/Account", "fine", {"Name": "Kept"}),
    ]})  # fmt: skip
    codes = [a["httpStatusCode"] for a in response.json()["compositeResponse"]]
    assert codes == [400, 400, 201]
    child = response.json()["compositeResponse"][1]["body"][0]
    assert child["errorCode"] == "PROCESSING_HALTED" and "@{bad.id}" in child["message"]
    assert api.query("SELECT Id FROM Account WHERE Name = 'Kept'").json()["totalSize"] == 1


def test_a_subrequest_to_an_unsupported_version_is_not_found(api: Api) -> None:
    odd = {"method": "GET", "url": "/services/data/v99.0/limits", "referenceId": "odd"}
    answer = api.post("composite", json={"compositeRequest": [odd]}).json()
    assert answer["compositeResponse"][0]["httpStatusCode"] == 404
    assert answer["compositeResponse"][0]["body"][0]["errorCode"] == "NOT_FOUND"


def test_composite_refuses_bad_requests(api: Api) -> None:
    too_many = [sub("GET", "limits", f"r{n}") for n in range(26)]
    cases = [
        ({"compositeRequest": too_many}, "LIMIT_EXCEEDED"),
        ({"compositeRequest": [sub("GET", "limits", "a"), sub("GET", "limits", "a")]},
         "INVALID_INPUT"),
        ({"compositeRequest": [{"method": "POST", "url": "/__harness/seed", "referenceId": "x"}]},
         "INVALID_INPUT"),
        ({"compositeRequest": [sub("POST", "composite", "nested")]}, "INVALID_INPUT"),
        ({"compositeRequest": [sub("GET", "limits", "1bad")]}, "INVALID_INPUT"),
        ({"allOrNone": "yes", "compositeRequest": [sub("GET", "limits", "a")]},
         "JSON_PARSER_ERROR"),
    ]  # fmt: skip
    for body, code in cases:
        response = api.post("composite", json=body)
        assert response.status_code == 400, body
        assert response.json()[0]["errorCode"] == code, body


def test_a_composite_call_counts_as_one_api_request(api: Api) -> None:
    first = api.post("composite", json={"compositeRequest": [
        sub("GET", "limits", "a"), sub("GET", "limits", "b")]})  # fmt: skip
    used_before = int(first.headers["sforce-limit-info"].split("=")[1].split("/")[0])
    second = api.get("limits")
    assert second.json()["DailyApiRequests"]["Remaining"] == 100_000 - used_before - 1


def test_graphs_are_each_all_or_none(api: Api, store: RecordStore) -> None:
    response = api.post("composite/graph", json={"graphs": [
        {"graphId": "good", "compositeRequest": [
            sub("POST", "sobjects/Account", "a", {"Name": "Graph One"}),
            sub("POST", "sobjects/Contact", "c", {"LastName": "G", "AccountId": "@{a.id}"})]},
        {"graphId": "bad", "compositeRequest": [
            sub("POST", "sobjects/Account", "a", {"Name": "Graph Two"}),
            sub("POST", "sobjects/Contact", "c", {"AccountId": "@{a.id}"})]},
    ]})  # fmt: skip
    graphs = response.json()["graphs"]
    assert [(g["graphId"], g["isSuccessful"]) for g in graphs] == [("good", True), ("bad", False)]
    bad = graphs[1]["graphResponse"]["compositeResponse"]
    assert bad[0]["body"][0]["errorCode"] == "PROCESSING_HALTED"
    names = {r.fields["Name"] for r in store.records("Account")}
    assert "Graph One" in names and "Graph Two" not in names
    dup = api.post("composite/graph", json={"graphs": [
        {"graphId": "x", "compositeRequest": [sub("GET", "limits", "a")]},
        {"graphId": "x", "compositeRequest": [sub("GET", "limits", "a")]}]})  # fmt: skip
    assert dup.status_code == 400


def test_tree_creates_parents_with_children(api: Api, store: RecordStore) -> None:
    response = api.post("composite/tree/Account", json={"records": [
        {"attributes": {"type": "Account", "referenceId": "acme"}, "Name": "Tree Acme",
         "Contacts": {"records": [
             {"attributes": {"type": "Contact", "referenceId": "c1"}, "LastName": "One"},
             {"attributes": {"type": "Contact", "referenceId": "c2"}, "LastName": "Two"}]}},
        {"attributes": {"type": "Account", "referenceId": "solo"}, "Name": "Tree Solo"},
    ]})  # fmt: skip
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["hasErrors"] is False
    ids = {r["referenceId"]: r["id"] for r in body["results"]}
    assert list(ids) == ["acme", "c1", "c2", "solo"]
    contact = store.get("Contact", ids["c2"])
    assert contact is not None and contact.fields["AccountId"] == ids["acme"]


def test_tree_with_a_bad_record_saves_nothing(api: Api, store: RecordStore) -> None:
    response = api.post("composite/tree/Account", json={"records": [
        {"attributes": {"type": "Account", "referenceId": "ok"}, "Name": "Fine",
         "Contacts": {"records": [
             {"attributes": {"type": "Contact", "referenceId": "bad"}, "FirstName": "No"}]}},
    ]})  # fmt: skip
    assert response.status_code == 400
    missing = {
        "statusCode": "REQUIRED_FIELD_MISSING",
        "message": "Required fields are missing: [LastName]",
        "fields": ["LastName"],
    }
    assert response.json() == {
        "hasErrors": True,
        "results": [{"referenceId": "bad", "errors": [missing]}],
    }
    assert store.count("Account") == 0 and store.count("Contact") == 0


def test_tree_limits_and_shape_errors(api: Api) -> None:
    many = [{"attributes": {"type": "Account", "referenceId": f"r{n}"}, "Name": f"A{n}"}
            for n in range(201)]  # fmt: skip
    assert api.post("composite/tree/Account", json={"records": many}).status_code == 400
    wrong_type = [{"attributes": {"type": "Contact", "referenceId": "r"}, "LastName": "X"}]
    assert api.post("composite/tree/Account", json={"records": wrong_type}).status_code == 400
    bad_child = [{"attributes": {"type": "Account", "referenceId": "r"}, "Name": "X",
                  "Nope": {"records": []}}]  # fmt: skip
    answer = api.post("composite/tree/Account", json={"records": bad_child})
    assert answer.json()[0]["errorCode"] == "INVALID_FIELD"
    assert api.post("composite/tree/Nope", json={"records": many[:1]}).status_code == 404


def test_a_reference_cannot_turn_a_subrequest_into_a_nested_composite(api: Api) -> None:
    response = api.post("composite", json={"compositeRequest": [
        sub("POST", "sobjects/Account", "a", {"Name": "composite"}),
        sub("GET", "sobjects/Account/@{a.id}?fields=Name", "b"),
        sub("POST", "@{b.Name}", "c", {"compositeRequest": [sub("GET", "limits", "x")]}),
    ]})  # fmt: skip
    assert response.status_code == 200, response.text
    nested = response.json()["compositeResponse"][2]
    assert nested["httpStatusCode"] == 400
    assert nested["body"][0]["errorCode"] == "INVALID_INPUT"
