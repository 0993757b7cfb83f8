"""Token-based auth on every route, as clients other than our own test signer sign it."""

from __future__ import annotations

import pytest
from authlib.integrations.httpx_client import OAuth1Auth
from netsuite.rest_api_base import DEFAULT_SIGNATURE_METHOD  # registers HMAC-SHA256 in Authlib

from mocks.netsuite.oauth1 import OAuthHeaderError, parse_oauth_header
from tests.mocks.netsuite.support import CUSTOMERS, TestClient


def test_signed_requests_are_accepted(client: TestClient) -> None:
    assert client.get(CUSTOMERS).status_code == 200


# The netsuite SDK signs with oauthlib's deprecated `sign_hmac_sha256`; nothing here can change it.
@pytest.mark.filterwarnings("ignore:use sign_hmac_sha256_with_client:DeprecationWarning")
def test_header_signed_by_authlib_as_the_sdk_does_is_accepted(client: TestClient) -> None:
    auth = OAuth1Auth(
        client_id="harness-ns-consumer",
        client_secret="harness-ns-consumer-secret",
        token="harness-ns-token",
        token_secret="harness-ns-token-secret",
        realm="1234567_SB1",
        signature_method=DEFAULT_SIGNATURE_METHOD,
        force_include_body=True,  # adds oauth_body_hash, which the signature then covers
    )
    https_client = TestClient(client.app, base_url="https://testserver")  # OAuth 1 wants TLS
    response = https_client.post(
        CUSTOMERS, json={"companyName": "Signed", "subsidiary": {"id": "1"}}, auth=auth
    )
    assert response.status_code == 204, response.text
    response = https_client.get(CUSTOMERS, params={"limit": "5", "offset": "0"}, auth=auth)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("POST", "/services/rest/query/v1/suiteql", id="suiteql"),
        pytest.param("GET", "/services/rest/record/v1/metadata-catalog", id="catalog"),
        pytest.param("GET", f"{CUSTOMERS}/1", id="record"),
    ],
)
def test_every_api_route_needs_login(client: TestClient, method: str, path: str) -> None:
    client.auth = None
    assert client.request(method, path).status_code == 401


def test_login_is_checked_before_the_body(client: TestClient) -> None:
    client.auth = None
    response = client.post(CUSTOMERS, content=b"{broken")
    assert response.status_code == 401


def test_parse_oauth_header_percent_decodes_values() -> None:
    params = parse_oauth_header('OAuth realm="1234567_SB1", oauth_signature="a%2Bb%3D"')
    assert params == {"realm": "1234567_SB1", "oauth_signature": "a+b="}


@pytest.mark.parametrize(
    "value",
    ["Bearer abc", 'OAuth realm="x" oops', "OAuth realm=x", 'OAuth a="1", a="1"'],
    ids=["bearer", "junk-after", "unquoted", "sent-twice"],
)
def test_parse_oauth_header_rejects_malformed_values(value: str) -> None:
    with pytest.raises(OAuthHeaderError):
        parse_oauth_header(value)
