"""A malformed API version never reaches data (the hole the mock battery found).

`/services/data/v59/...` and `/services/data/v59.0x/...` used to skip the gate: its version
pattern did not match them, while the routes' `v{version}` matched anything, so query,
create, update, delete and composite answered 2xx with no token and the API counter stood
still. Without a valid token every such path is 401 INVALID_SESSION_ID; with one, Salesforce
answers 404 NOT_FOUND in its error array for a version that is not a supported `vNN.0`.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import compile_path

from mocks.salesforce.ids import make_id
from mocks.salesforce.routes.routing import DATA_PREFIX
from mocks.store import RecordStore

from .conftest import Api, add_accounts

NOT_FOUND = [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND",
              "fields": []}]  # fmt: skip
ODD_VERSIONS = ["v59", "v59.0x", "V59.0", "v059.0", "v99.0", "v59.0.0", "v", "59.0", "v59.", "v.0"]
ACCOUNT = make_id("001", 1)


def _calls() -> list[tuple[str, str, dict[str, Any]]]:
    """Every kind of call that reads or writes data: (method, path under the version, kw)."""
    soql = {"q": "SELECT Id, Name FROM Account"}
    records = [{"attributes": {"type": "Account"}, "Name": "Sneaked in"}]
    return [
        ("GET", "query", {"params": soql}),
        ("GET", "queryAll", {"params": soql}),
        ("GET", "sobjects", {}),
        ("GET", "limits", {}),
        ("GET", f"sobjects/Account/{ACCOUNT}", {}),
        ("GET", "sobjects/Account/describe", {}),
        ("POST", "sobjects/Account", {"json": {"Name": "Sneaked in"}}),
        ("PATCH", f"sobjects/Account/{ACCOUNT}", {"json": {"Name": "Renamed"}}),
        ("DELETE", f"sobjects/Account/{ACCOUNT}", {}),
        ("PATCH", "sobjects/Account/External_Id__c/X-1", {"json": {"Name": "Upserted"}}),
        ("POST", "composite/sobjects", {"json": {"allOrNone": False, "records": records}}),
        ("DELETE", "composite/sobjects", {"params": {"ids": ACCOUNT}}),
        ("GET", "composite/sobjects/Account", {"params": {"ids": ACCOUNT, "fields": "Name"}}),
    ]


def _state(client: TestClient, store: RecordStore) -> tuple[int, int, int]:
    used = int(client.app.state.mock.settings["api_requests_used"])  # type: ignore[attr-defined]
    return store.last_seq, store.count("Account"), used


@pytest.mark.parametrize("version", ODD_VERSIONS)
def test_an_odd_version_without_a_token_is_refused_for_the_session(
    client: TestClient, store: RecordStore, version: str
) -> None:
    # The session is checked first (see `mocks.salesforce.auth_gate`): no path tells a
    # caller without one whether it exists.
    add_accounts(store, 2)
    before = _state(client, store)
    for method, path, kw in _calls():
        response = client.request(method, f"/services/data/{version}/{path}", **kw)
        assert response.status_code == 401, (method, path, response.status_code, response.text)
        assert response.json()[0]["errorCode"] == "INVALID_SESSION_ID", (method, path)
        assert "sforce-limit-info" not in response.headers
    assert _state(client, store) == before


@pytest.mark.parametrize("version", ["v59", "v59.0x"])
def test_an_odd_version_is_not_found_with_a_token_either(
    client: TestClient, store: RecordStore, api: Api, version: str
) -> None:
    add_accounts(store, 2)
    before = _state(client, store)
    for method, path, kw in _calls():
        response = api.request(method, f"/services/data/{version}/{path}", **kw)
        assert response.status_code == 404, (method, path, response.status_code, response.text)
        assert response.json() == NOT_FOUND, (method, path)
    assert _state(client, store) == before


@pytest.mark.parametrize("path", ["", "/", "//limits", "/v59.0x/", "/v59/sobjects/"])
def test_odd_spellings_under_the_data_root_never_answer_2xx_without_a_token(
    client: TestClient, path: str
) -> None:
    response = client.get(f"/services/data{path}")
    if path in ("", "/"):  # the versions root is open
        assert response.status_code == 200
    else:
        assert response.status_code == 401, response.text
        assert response.json()[0]["errorCode"] == "INVALID_SESSION_ID"


def test_the_right_version_without_a_token_is_refused(
    client: TestClient, store: RecordStore
) -> None:
    add_accounts(store, 2)
    before = _state(client, store)
    for method, path, kw in _calls():
        response = client.request(method, f"/services/data/v59.0/{path}", **kw)
        assert response.status_code == 401, (method, path, response.text)
        assert response.json()[0]["errorCode"] == "INVALID_SESSION_ID"
    assert _state(client, store) == before


def test_routes_match_well_formed_versions_only() -> None:
    """Behind the gate too: a route's `{version}` takes `59.0`, never `59` or `59.0x`."""
    regex, _, _ = compile_path(f"{DATA_PREFIX}/sobjects/{{sobject}}")
    assert regex.match("/services/data/v59.0/sobjects/Account")
    for version in ("v59", "v59.0x", "V59.0", "v", "v59.0.0"):
        assert not regex.match(f"/services/data/{version}/sobjects/Account"), version
