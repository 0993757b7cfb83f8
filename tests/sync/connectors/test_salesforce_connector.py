"""Salesforce specifics beyond the battery: grants, re-auth, limits, queryAll, batching."""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx
import pytest

from sync.errors import TransientVendorError

from .conftest import Kit


class Recorder(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.inner.handle_request(request)


def record(kit: Kit) -> Recorder:
    recorder = Recorder(kit.client._transport)
    kit.client._transport = recorder
    return recorder


def test_client_credentials_grant_uses_basic_auth(salesforce_kit: Kit) -> None:
    app_only = {k: salesforce_kit.settings.credentials[k] for k in ("client_id", "client_secret")}
    conn = salesforce_kit.connector(credentials=app_only)  # no user: the app's own grant
    recorder = record(salesforce_kit)
    conn.describe("Account")
    token = recorder.requests[0]
    assert token.url.path == "/services/oauth2/token"
    assert token.headers["authorization"].startswith("Basic ")
    assert parse_qs(token.content.decode()) == {"grant_type": ["client_credentials"]}
    assert recorder.requests[1].headers["authorization"].startswith("Bearer ")
    assert conn.instance_url  # type: ignore[attr-defined]


def test_password_grant_when_username_and_password_are_given(salesforce_kit: Kit) -> None:
    credentials = {
        **salesforce_kit.settings.credentials,
        "username": "integration@harness.example",
        "password": "harness-sf-password",
    }
    conn = salesforce_kit.connector(credentials=credentials)
    recorder = record(salesforce_kit)
    conn.describe("Account")
    form = parse_qs(recorder.requests[0].content.decode())
    assert form["grant_type"] == ["password"]
    assert form["username"] == ["integration@harness.example"]


def test_expired_session_is_renewed_once_and_the_call_retried(salesforce_kit: Kit) -> None:
    conn = salesforce_kit.connector()
    conn.upsert("Account", "External_Id__c", [salesforce_kit.record("AUTH-1")])
    salesforce_kit.app.state.salesforce.tokens.revoke_all()
    pages = list(conn.read("Account"))
    assert sum(len(p) for p in pages) == 1
    assert conn.http.stats.auth_refreshes == 1  # type: ignore[attr-defined]


def test_limit_info_header_feeds_api_usage(salesforce_kit: Kit) -> None:
    conn = salesforce_kit.connector()
    conn.describe("Account")
    used, limit = conn.api_usage["api-usage"]  # type: ignore[attr-defined]
    assert used >= 1 and limit == 100_000


def test_daily_limit_is_raised_not_retried(salesforce_kit: Kit) -> None:
    conn = salesforce_kit.connector()
    conn.describe("Account")
    settings = salesforce_kit.app.state.mock.settings
    settings["daily_api_limit"] = settings["api_requests_used"]
    before = conn.http.stats.total  # type: ignore[attr-defined]
    with pytest.raises(TransientVendorError) as info:
        conn.upsert("Account", "External_Id__c", [salesforce_kit.record("LIM-1")])
    assert (info.value.status, info.value.code) == (403, "REQUEST_LIMIT_EXCEEDED")
    assert conn.http.stats.total == before + 1  # type: ignore[attr-defined]


def test_query_options_carry_the_page_size(salesforce_kit: Kit) -> None:
    conn = salesforce_kit.connector(page_size=7)
    conn.upsert("Account", "External_Id__c", [salesforce_kit.record("PG-1")])
    recorder = record(salesforce_kit)
    list(conn.read("Account", fields=["Name"]))
    query = next(r for r in recorder.requests if r.url.path.endswith("/query"))
    assert query.headers["sforce-query-options"] == "batchSize=7"
    soql = query.url.params["q"]
    assert soql == "SELECT Id, Name, SystemModstamp FROM Account ORDER BY SystemModstamp, Id"


def test_query_all_returns_deleted_records_flagged(salesforce_kit: Kit) -> None:
    conn = salesforce_kit.connector()
    ids = {
        r.key: r.id
        for r in conn.upsert(
            "Account", "External_Id__c", [salesforce_kit.record(k) for k in ("DEL-1", "DEL-2")]
        )
    }
    conn.delete("Account", [str(ids["DEL-2"])])
    live = [r for page in conn.read("Account") for r in page]
    assert {r.id for r in live} == {ids["DEL-1"]}
    everything = [r for page in conn.read("Account", include_deleted=True) for r in page]
    flags = {r.id: r.deleted for r in everything}
    assert flags == {ids["DEL-1"]: False, ids["DEL-2"]: True}


def test_upserts_go_out_in_batches_of_200(salesforce_kit: Kit) -> None:
    conn = salesforce_kit.connector()
    conn.describe("Account")
    recorder = record(salesforce_kit)
    keys = [f"BULK-{i:03d}" for i in range(450)]
    results = conn.upsert("Account", "External_Id__c", [salesforce_kit.record(k) for k in keys])
    assert [r.key for r in results] == keys
    assert all(r.ok and r.created for r in results)
    patches = [r for r in recorder.requests if r.method == "PATCH"]
    assert len(patches) == 3
    found = conn.get_by_external_id("Account", "External_Id__c", keys)
    assert len(found) == 450


def test_upsert_without_external_id_is_refused_locally(salesforce_kit: Kit) -> None:
    conn = salesforce_kit.connector()
    results = conn.upsert(
        "Account", "External_Id__c", [{"Name": "No key"}, salesforce_kit.record("K-1")]
    )
    assert [(r.ok, r.error_code) for r in results] == [
        (False, "MISSING_EXTERNAL_ID"),
        (True, None),
    ]


def test_admin_seeded_world_reads_back_in_order(salesforce_kit: Kit) -> None:
    response = salesforce_kit.client.post(
        "/__harness/seed",
        headers={"X-Harness-Token": "harness-admin"},
        json={"seed": 1, "accounts": 50},
    )
    assert response.status_code == 200, response.text
    conn = salesforce_kit.connector(page_size=200)
    records = [r for page in conn.read("Account") for r in page]
    assert len(records) == salesforce_kit.app.state.mock.store.count("Account")
    keys = [(r.modified_at, r.id) for r in records]
    assert keys == sorted(keys)
