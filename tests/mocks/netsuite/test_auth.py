"""Token-based auth (OAuth 1.0a header) and the bearer stand-in."""

from __future__ import annotations

import httpx
import pytest
from authlib.integrations.httpx_client import OAuth1Auth
from netsuite.rest_api_base import DEFAULT_SIGNATURE_METHOD  # registers HMAC-SHA256 in Authlib

from mocks.netsuite.auth import AuthError, parse_oauth_header
from tests.mocks.netsuite.support import CUSTOMERS, TestClient, error_detail, oauth_header


def _get(client: TestClient, headers: dict[str, str]) -> httpx.Response:
    client.headers.pop("Authorization", None)
    return client.get(CUSTOMERS, headers=headers)


def test_signed_header_is_accepted(client: TestClient) -> None:
    assert _get(client, oauth_header()).status_code == 200


# The netsuite SDK signs with oauthlib's deprecated `sign_hmac_sha256`; nothing here can change it.
@pytest.mark.filterwarnings("ignore:use sign_hmac_sha256_with_client:DeprecationWarning")
def test_header_signed_by_authlib_is_accepted(client: TestClient) -> None:
    auth = OAuth1Auth(
        client_id="harness-ns-consumer",
        client_secret="harness-ns-consumer-secret",
        token="harness-ns-token",
        token_secret="harness-ns-token-secret",
        realm="1234567_SB1",
        signature_method=DEFAULT_SIGNATURE_METHOD,
        force_include_body=True,
    )
    https_client = TestClient(client.app, base_url="https://testserver")  # OAuth 1 wants TLS
    response = https_client.post(
        CUSTOMERS, json={"companyName": "Signed", "subsidiary": {"id": "1"}}, auth=auth
    )
    assert response.status_code == 204


@pytest.mark.parametrize("realm", ["1234567_SB1", "1234567-sb1", "1234567_sb1", "1234567-SB1"])
def test_realm_matches_ignoring_case_and_dash(client: TestClient, realm: str) -> None:
    assert _get(client, oauth_header(realm=realm)).status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        pytest.param({}, id="no-header"),
        pytest.param(oauth_header(realm="7654321"), id="wrong-realm"),
        pytest.param(oauth_header(oauth_consumer_key="someone-else"), id="wrong-consumer-key"),
        pytest.param(oauth_header(oauth_token="stolen"), id="wrong-token"),
        pytest.param(oauth_header(oauth_signature_method="HMAC-SHA1"), id="wrong-method"),
        pytest.param(oauth_header(oauth_signature="<omit>"), id="no-signature"),
        pytest.param(oauth_header(oauth_nonce="<omit>"), id="no-nonce"),
        pytest.param(oauth_header(realm="<omit>"), id="no-realm"),
        pytest.param({"Authorization": "OAuth garbage"}, id="malformed"),
        pytest.param({"Authorization": "Basic dXNlcjpwdw=="}, id="basic"),
        pytest.param({"Authorization": "Bearer wrong"}, id="wrong-bearer"),
        pytest.param({"Authorization": "Bearer "}, id="empty-bearer"),
    ],
)
def test_bad_credentials_are_invalid_login(client: TestClient, header: dict[str, str]) -> None:
    response = _get(client, header)
    assert response.status_code == 401
    detail = error_detail(response)
    assert detail["o:errorCode"] == "INVALID_LOGIN"
    assert "Login Audit Trail" in detail["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("POST", "/services/rest/query/v1/suiteql", id="suiteql"),
        pytest.param("GET", "/services/rest/record/v1/metadata-catalog", id="catalog"),
        pytest.param("GET", f"{CUSTOMERS}/1", id="record"),
    ],
)
def test_every_api_route_needs_login(client: TestClient, method: str, path: str) -> None:
    client.headers.pop("Authorization", None)
    assert client.request(method, path).status_code == 401


def test_login_is_checked_before_the_body(client: TestClient) -> None:
    client.headers.pop("Authorization", None)
    response = client.post(CUSTOMERS, content=b"{broken")
    assert response.status_code == 401


def test_parse_oauth_header_percent_decodes_values() -> None:
    params = parse_oauth_header('OAuth realm="1234567_SB1", oauth_signature="a%2Bb%3D"')
    assert params == {"realm": "1234567_SB1", "oauth_signature": "a+b="}


@pytest.mark.parametrize("value", ["Bearer abc", 'OAuth realm="x" oops', "OAuth realm=x"])
def test_parse_oauth_header_rejects_malformed_values(value: str) -> None:
    with pytest.raises(AuthError):
        parse_oauth_header(value)
