"""The session gate keyed on what a path is, not on how its version is spelt: every route
of the org, and every path under `/services/` that is no route, refuses a request without a
valid session (401 INVALID_SESSION_ID, uncounted), whatever API version string it carries;
with a valid session an unknown or malformed version is 404 NOT_FOUND and is not counted."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mocks.salesforce.auth_gate import door
from mocks.salesforce.ids import make_id
from mocks.store import RecordStore
from tests.mocks.battery.support import app_routes

from .conftest import Api, add_accounts

ODD_VERSIONS = ["v59", "v59.0x", "v099.0", "vXX.0"]
ACCOUNT = make_id("001", 1)
SAMPLE = {"sobject": "Account", "record_id": ACCOUNT, "field": "Id", "value": ACCOUNT,
          "locator": "01gD0000000001", "ext_field": "AccountNumber"}  # fmt: skip
_PARAM = re.compile(r"\{(\w+)(?::[\w]+)?\}")


def _routes(client: TestClient) -> list[tuple[str, str]]:
    """(method, path template) of every guarded route the app serves."""
    found = []
    for route in app_routes(client.app):  # type: ignore[arg-type]
        probe = _PARAM.sub("x", route.path).replace("{version:sf_api_version}", "59.0")
        if door(probe) == "guarded":
            found += [(m, route.path) for m in route.methods if m != "HEAD"]
    return found


def _fill(template: str, version: str) -> str:
    """The path with `version` in the data API, and in Bulk API 1.0 without its `v`."""
    path = template.replace("v{version:sf_api_version}", version)
    path = path.replace("{version:sf_api_version}", version.removeprefix("v"))
    return _PARAM.sub(lambda m: SAMPLE.get(m.group(1), "x"), path)


def _state(client: TestClient, store: RecordStore) -> tuple[int, int, int]:
    used = int(client.app.state.mock.settings["api_requests_used"])  # type: ignore[attr-defined]
    return store.last_seq, store.count("Account"), used


def _send(client: TestClient, method: str, path: str, headers: dict[str, str]) -> Any:
    body = {"Name": "Sneaked in", "records": [{"attributes": {"type": "Account"}, "Name": "S"}]}
    kw: dict[str, Any] = {"json": body} if method in ("POST", "PATCH", "PUT") else {}
    return client.request(method, path, headers=headers, params={"q": "SELECT Id FROM Account"},
                          **kw)  # fmt: skip


def test_the_app_has_guarded_routes_for_every_kind_of_call(client: TestClient) -> None:
    methods = {m for m, _ in _routes(client)}
    assert {"GET", "POST", "PATCH", "DELETE"} <= methods
    assert len(_routes(client)) >= 20


@pytest.mark.parametrize("version", ["v59.0", *ODD_VERSIONS])
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer 00D000000000001!forged"}, {"Authorization": "Bearer "},
     {"Authorization": "Basic aGFybmVzczpzZWNyZXQ="}],
    ids=["no-token", "forged-token", "empty-token", "basic"],
)  # fmt: skip
def test_every_route_refuses_a_missing_or_bad_token_whatever_the_version(
    client: TestClient, store: RecordStore, version: str, headers: dict[str, str]
) -> None:
    add_accounts(store, 2)
    before = _state(client, store)
    for method, template in _routes(client):
        path = _fill(template, version)
        response = _send(client, method, path, headers)
        assert response.status_code == 401, (method, path, response.status_code, response.text)
        assert response.json()[0]["errorCode"] == "INVALID_SESSION_ID", (method, path)
        assert "sforce-limit-info" not in response.headers
    assert _state(client, store) == before


@pytest.mark.parametrize("version", ODD_VERSIONS)
def test_with_a_valid_token_an_odd_version_is_not_found_and_not_counted(
    client: TestClient, store: RecordStore, api: Api, version: str
) -> None:
    add_accounts(store, 2)
    before = _state(client, store)
    for method, template in _routes(client):
        path = _fill(template, version)
        response = _send(client, method, path, api.headers)
        assert response.status_code == 404, (method, path, response.status_code, response.text)
        assert response.json()[0]["errorCode"] == "NOT_FOUND"
    assert _state(client, store) == before


@pytest.mark.parametrize(
    "path",
    ["/services/apexrest/Anything", "/services/async/59.0/job", "/services/data/v59.0/nothing",
     "/services/oauth2/userinfo", "/services/Soap/c/59.0", "/services/", "/services/data//"],
)  # fmt: skip
def test_paths_under_services_that_are_no_route_need_a_session_too(
    client: TestClient, api: Api, path: str
) -> None:
    used = client.app.state.mock.settings  # type: ignore[attr-defined]
    response = client.get(path)
    assert response.status_code == 401, response.text
    assert response.json()[0]["errorCode"] == "INVALID_SESSION_ID"
    counted = int(used["api_requests_used"])
    response = client.get(path, headers=api.headers)
    assert not 200 <= response.status_code < 300
    assert int(used["api_requests_used"]) in (counted, counted + 1)


def test_a_valid_call_is_counted_once(client: TestClient, api: Api) -> None:
    settings = client.app.state.mock.settings  # type: ignore[attr-defined]
    before = int(settings["api_requests_used"])
    response = api.query("SELECT Id FROM Account")
    assert response.status_code == 200
    assert int(settings["api_requests_used"]) == before + 1
    assert response.headers["sforce-limit-info"] == f"api-usage={before + 1}/100000"


@pytest.mark.parametrize("path", ["/services/data", "/services/data/", "/services/oauth2/token"])
def test_the_doors_before_a_session_stay_open(path: str) -> None:
    assert door(path) == "open"
