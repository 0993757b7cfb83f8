"""OAuth token grants, failures, bearer checks and token expiry."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from mocks.salesforce import SalesforceMockConfig

from .conftest import BASE, Api, password_grant, settings

CONFIG = SalesforceMockConfig()
TOKEN_URL = "/services/oauth2/token"


def test_password_grant_returns_token_and_own_instance_url(client: TestClient) -> None:
    response = password_grant(client)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["instance_url"] == "http://testserver"
    assert body["token_type"] == "Bearer"
    assert body["id"] == f"http://testserver/id/{CONFIG.org_id}/{CONFIG.user_id}"
    assert body["issued_at"].isdigit()
    assert body["signature"]
    assert body["access_token"].startswith(CONFIG.org_id[:15] + "!")


def test_client_credentials_with_basic_header(client: TestClient) -> None:
    basic = base64.b64encode(f"{CONFIG.client_id}:{CONFIG.client_secret}".encode()).decode()
    response = client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200
    assert "refresh_token" not in response.json()


def test_client_credentials_with_form_fields(client: TestClient) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_id": CONFIG.client_id,
        "client_secret": CONFIG.client_secret,
    }
    response = client.post(TOKEN_URL + "/", data=form)
    assert response.status_code == 200


def test_refresh_token_grant_issues_a_working_token(client: TestClient) -> None:
    refresh = password_grant(client).json()["refresh_token"]
    form = {"grant_type": "refresh_token", "client_id": CONFIG.client_id, "refresh_token": refresh}
    response = client.post(TOKEN_URL, data=form)
    assert response.status_code == 200
    api = Api(client, response.json()["access_token"])
    assert api.get("limits/").status_code == 200


@pytest.mark.parametrize(
    ("form", "error", "description"),
    [
        pytest.param({"password": "wrong"}, "invalid_grant", "authentication failure",
                     id="bad-password"),
        pytest.param({"username": "someone@else"}, "invalid_grant", "authentication failure",
                     id="bad-username"),
        pytest.param({"client_secret": "nope"}, "invalid_client", "invalid client credentials",
                     id="bad-secret"),
        pytest.param({"client_id": "nope"}, "invalid_client", "invalid client credentials",
                     id="bad-client-id"),
        pytest.param({"grant_type": "authorization_code"}, "unsupported_grant_type",
                     "grant type not supported", id="unsupported-grant"),
        pytest.param({"grant_type": "refresh_token", "refresh_token": "nope"}, "invalid_grant",
                     "expired access/refresh token", id="unknown-refresh-token"),
    ],
)  # fmt: skip
def test_token_failures(client: TestClient, form: dict[str, str], error: str, description: str
                        ) -> None:  # fmt: skip
    response = password_grant(client, **form)
    assert response.status_code == 400
    assert response.json() == {"error": error, "error_description": description}


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="missing"),
        pytest.param({"Authorization": "Bearer not-a-token"}, id="unknown"),
        pytest.param({"Authorization": "Basic abc"}, id="wrong-scheme"),
    ],
)
def test_api_needs_a_valid_bearer_token(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get(f"{BASE}/sobjects", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json() == [
        {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID", "fields": []}
    ]
    assert "sforce-limit-info" not in response.headers


def test_unknown_route_needs_a_token_too(client: TestClient) -> None:
    assert client.get(f"{BASE}/no/such/thing").status_code == 401


def test_token_expires_when_ttl_setting_shrinks(client: TestClient, api: Api) -> None:
    assert api.get("sobjects").status_code == 200
    settings(client, token_ttl_seconds=0)
    expired = api.get("sobjects")
    assert expired.status_code == 401
    assert expired.json()[0]["errorCode"] == "INVALID_SESSION_ID"
    settings(client, token_ttl_seconds=None)
    assert api.get("sobjects").status_code == 200


def test_config_ttl_seeds_the_setting() -> None:
    from mocks.salesforce import create_app

    app = create_app(SalesforceMockConfig(token_ttl_seconds=0.0))
    with TestClient(app) as client:
        token = password_grant(client).json()["access_token"]
        response = client.get(f"{BASE}/limits", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


@pytest.mark.parametrize("field", ["client_id", "client_secret"])
def test_non_ascii_client_credentials_are_refused_not_a_server_error(
    client: TestClient, field: str
) -> None:
    form = {"grant_type": "password", "client_id": CONFIG.client_id,
            "client_secret": CONFIG.client_secret, "username": CONFIG.username,
            "password": CONFIG.password, field: "é"}  # fmt: skip
    response = client.post("/services/oauth2/token", data=form)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"
