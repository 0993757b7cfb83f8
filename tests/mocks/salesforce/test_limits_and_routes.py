"""API usage counting, the daily limit, versions, trailing slashes and headers."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.testclient import TestClient

from .conftest import BASE, Api, settings

_USAGE = re.compile(r"api-usage=(\d+)/(\d+)")


def _usage(response: httpx.Response) -> tuple[int, int]:
    match = _USAGE.fullmatch(response.headers["Sforce-Limit-Info"])
    assert match, response
    return int(match.group(1)), int(match.group(2))


def test_every_rest_reply_counts_one_call(api: Api) -> None:
    assert _usage(api.get("sobjects")) == (1, 100_000)
    assert _usage(api.get("query/", params={"q": "SELECT Id FROM Account"})) == (2, 100_000)
    assert _usage(api.get("sobjects/Account/001Dn0000000001IAA")) == (3, 100_000)  # a 404
    assert _usage(api.get("no/such/route")) == (4, 100_000)


def test_limits_resource_agrees_with_the_header(api: Api) -> None:
    api.get("sobjects")
    response = api.get("limits/")
    used, limit = _usage(response)
    daily = response.json()["DailyApiRequests"]
    assert daily == {"Max": limit, "Remaining": limit - used}


def test_past_the_daily_limit_answers_403(client: TestClient, api: Api) -> None:
    settings(client, daily_api_limit=2)
    assert api.get("sobjects").status_code == 200
    assert api.get("sobjects").status_code == 200
    refused = api.get("sobjects")
    assert refused.status_code == 403
    assert refused.json() == [
        {
            "message": "TotalRequests Limit exceeded.",
            "errorCode": "REQUEST_LIMIT_EXCEEDED",
            "fields": [],
        }
    ]
    assert _usage(refused) == (2, 2)
    settings(client, daily_api_limit=3)
    assert _usage(api.get("sobjects")) == (3, 3)


def test_usage_counter_can_be_reset_by_admin(client: TestClient, api: Api) -> None:
    api.get("sobjects")
    settings(client, api_requests_used=0)
    assert _usage(api.get("sobjects")) == (1, 100_000)


def test_versions_root_is_open_and_uncounted(client: TestClient) -> None:
    for path in ("/services/data", "/services/data/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "sforce-limit-info" not in response.headers
        newest = response.json()[-1]
        assert newest == {"label": "Winter '27", "url": "/services/data/v68.0", "version": "68.0"}


def test_unknown_api_version_is_not_found(api: Api) -> None:
    response = api.get("/services/data/v99.0/sobjects")
    assert response.status_code == 404
    assert response.json()[0]["errorCode"] == "NOT_FOUND"


@pytest.mark.parametrize(
    "path",
    ["sobjects", "limits", "query", "sobjects/Account", "sobjects/Account/describe", ""],
)
def test_routes_answer_with_and_without_trailing_slash(api: Api, path: str) -> None:
    params = {"q": "SELECT Id FROM Account"} if path == "query" else None
    for variant in (f"{BASE}/{path}".rstrip("/"), f"{BASE}/{path}".rstrip("/") + "/"):
        response = api.client.get(
            variant, params=params, headers=api.headers, follow_redirects=False
        )
        assert response.status_code == 200, (variant, response.text)


def test_write_routes_take_a_trailing_slash_without_redirect(api: Api) -> None:
    created = api.client.post(
        f"{BASE}/sobjects/Account/", json={"Name": "A"}, headers=api.headers,
        follow_redirects=False,
    )  # fmt: skip
    assert created.status_code == 201
    record = f"{BASE}/sobjects/Account/{created.json()['id']}/"
    patched = api.client.patch(
        record, json={"Name": "B"}, headers=api.headers, follow_redirects=False
    )
    assert patched.status_code == 204
    deleted = api.client.delete(record, headers=api.headers, follow_redirects=False)
    assert deleted.status_code == 204


def test_pretty_print_header_is_ignored(api: Api) -> None:
    response = api.get("limits/", headers={"X-PrettyPrint": "1"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert b"\n" not in response.content


def test_resource_root_lists_the_services(api: Api) -> None:
    body = api.get("").json()
    assert body["query"] == f"{BASE}/query"
    assert body["sobjects"] == f"{BASE}/sobjects"
