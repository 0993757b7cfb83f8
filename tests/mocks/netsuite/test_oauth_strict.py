"""Token-based auth refused as NetSuite refuses it: every bad signature, key, realm, nonce or
timestamp is 401 INVALID_LOGIN. Requests are signed by `signing` (RFC 5849 written out in
the tests), never by the mock's own code."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from mocks.netsuite import NetSuiteMockConfig, create_app
from mocks.netsuite.auth import TbaVerifier
from mocks.netsuite.errors import LOGIN_AUDIT_DETAIL
from mocks.netsuite.nonces import NonceCache
from mocks.store import RecordStore
from tests.mocks.netsuite.signing import TbaAuth, replay
from tests.mocks.netsuite.support import CUSTOMERS, SUITEQL, TestClient, error_detail

URL = f"http://testserver{CUSTOMERS}"
NEW_CUSTOMER = {"companyName": "Should Not Land", "subsidiary": {"id": "1"}}
REQUIRED = ["realm", "oauth_consumer_key", "oauth_token", "oauth_signature_method",
            "oauth_nonce", "oauth_timestamp", "oauth_signature"]  # fmt: skip


def assert_invalid_login(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    detail = error_detail(response)
    assert detail == {"detail": LOGIN_AUDIT_DETAIL, "o:errorCode": "INVALID_LOGIN"}


def refused_without_effect(client: TestClient, auth: httpx.Auth | None, **kw: Any) -> None:
    """A create with `auth` is INVALID_LOGIN, and no customer came of it."""
    store: RecordStore = client.app.state.mock.store  # type: ignore[attr-defined]
    before = store.count("customer")
    assert_invalid_login(client.post(CUSTOMERS, json=NEW_CUSTOMER, auth=auth, **kw))
    assert store.count("customer") == before


def test_the_stock_token_signed_independently_is_accepted(client: TestClient) -> None:
    response = client.post(CUSTOMERS, json=NEW_CUSTOMER, auth=TbaAuth())
    assert response.status_code == 204, response.text
    listed = client.get(CUSTOMERS, params={"limit": "5", "q": 'companyName START_WITH "S"'})
    assert listed.status_code == 200 and listed.json()["count"] == 1


@pytest.mark.parametrize(
    "auth",
    [
        pytest.param(TbaAuth(consumer_secret="wrong-secret"), id="wrong-consumer-secret"),
        pytest.param(TbaAuth(token_secret="wrong-secret"), id="wrong-token-secret"),
        pytest.param(TbaAuth(consumer_key="someone-else"), id="wrong-consumer-key"),
        pytest.param(TbaAuth(token_id="stolen-token"), id="wrong-token-id"),
        pytest.param(TbaAuth(realm="1234567-sb1"), id="realm-as-host-spells-it"),
        pytest.param(TbaAuth(realm="1234567_sb1"), id="realm-lower-case"),
        pytest.param(TbaAuth(realm="1234567-SB1"), id="realm-dash"),
        pytest.param(TbaAuth(realm="1234567"), id="realm-production-of-the-sandbox"),
        pytest.param(TbaAuth(realm=" 1234567_SB1"), id="realm-padded"),
        pytest.param(TbaAuth(method="HMAC-SHA1"), id="hmac-sha1-correctly-signed"),
        pytest.param(TbaAuth(overrides={"oauth_signature_method": "PLAINTEXT"}), id="plaintext"),
        pytest.param(TbaAuth(overrides={"oauth_version": "2.0"}), id="oauth-version-2"),
        pytest.param(TbaAuth(overrides={"oauth_nonce": "abc12"}), id="nonce-too-short"),
        pytest.param(TbaAuth(overrides={"oauth_nonce": "n" * 65}), id="nonce-too-long"),
        pytest.param(TbaAuth(overrides={"oauth_timestamp": "17e8"}), id="timestamp-not-digits"),
        pytest.param(TbaAuth(after={"oauth_nonce": "another-nonce-1"}),
                     id="nonce-changed-after-signing"),
        pytest.param(TbaAuth(after={"oauth_body_hash": "2jmj7l5rSw0yVb/vlWAYkK/YBwk="}),
                     id="parameter-added-after-signing"),
        pytest.param(TbaAuth(after={"oauth_signature": ""}), id="empty-signature"),
    ],
)  # fmt: skip
def test_bad_credentials_and_signatures_are_invalid_login(
    client: TestClient, auth: TbaAuth
) -> None:
    refused_without_effect(client, auth)


@pytest.mark.parametrize("name", REQUIRED)
def test_a_missing_parameter_is_invalid_login(client: TestClient, name: str) -> None:
    # Left out before signing, so the signature is right for what is sent (the signature
    # itself can only be left out after).
    dropped: dict[str, str | None] = {name: None}
    auth = TbaAuth(after=dropped) if name == "oauth_signature" else TbaAuth(overrides=dropped)
    refused_without_effect(client, auth)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-header"),
        pytest.param({"Authorization": "Bearer harness-ns-token-secret"}, id="bearer-shortcut"),
        pytest.param({"Authorization": "Bearer harness-ns-token"}, id="bearer-token-id"),
        pytest.param({"Authorization": "Basic aGFybmVzczpzZWNyZXQ="}, id="basic"),
        pytest.param({"Authorization": "OAuth garbage"}, id="malformed"),
    ],
)
def test_other_schemes_are_invalid_login(client: TestClient, headers: dict[str, str]) -> None:
    client.auth = None
    refused_without_effect(client, None, headers=headers)


def test_a_request_changed_after_signing_is_invalid_login(client: TestClient) -> None:
    signer = TbaAuth()
    signed = signer.oauth_params("GET", f"{URL}?limit=5")
    client.auth = None
    tampered = {
        "query": client.get(CUSTOMERS, params={"limit": "6"}, headers=replay(signed)),
        "path": client.get(f"{CUSTOMERS}/1", params={"limit": "5"}, headers=replay(signed)),
    }
    read_one = signer.oauth_params("GET", f"{URL}/1")
    tampered["method"] = client.delete(f"{CUSTOMERS}/1", headers=replay(read_one))
    later = {**signed, "oauth_timestamp": str(int(signed["oauth_timestamp"]) + 1)}
    tampered["timestamp"] = client.get(f"{URL}?limit=5", headers=replay(later))
    for how, response in tampered.items():
        assert response.status_code == 401, how
    extra = signer.oauth_params("GET", URL)
    response = client.get(CUSTOMERS, params={"limit": "5"}, headers=replay(extra))
    assert_invalid_login(response)  # a query parameter the signature does not cover


def test_oauth_parameters_in_the_query_are_invalid_login(client: TestClient) -> None:
    client.auth = None
    url = f"{URL}?oauth_token=harness-ns-token"
    signed = TbaAuth().oauth_params("GET", url)
    assert_invalid_login(client.get(url, headers=replay(signed)))


def test_a_replayed_nonce_is_invalid_login(client: TestClient) -> None:
    signer = TbaAuth()
    first = signer.oauth_params("POST", URL)
    client.auth = None
    created = client.post(CUSTOMERS, json=NEW_CUSTOMER, headers=replay(first))
    assert created.status_code == 204, created.text
    refused_without_effect(client, None, headers=replay(first))
    # The same nonce with another timestamp is another request (RFC 5849 section 3.3).
    earlier = str(int(first["oauth_timestamp"]) - 1)
    again = TbaAuth(overrides={"oauth_nonce": first["oauth_nonce"], "oauth_timestamp": earlier})
    assert client.post(CUSTOMERS, json=NEW_CUSTOMER, auth=again).status_code == 204


@pytest.mark.parametrize(
    ("skew", "accepted"),
    # Stamps are whole seconds cut from a float clock: a skew one second past the window can
    # land inside it by the time the request arrives, so the refused cases sit two seconds out.
    [(-302, False), (-290, True), (290, True), (302, False), (-86_400 * 365, False)],
    ids=["stale", "late-within-window", "early-within-window", "future", "a-year-old"],
)
def test_timestamps_more_than_five_minutes_off_are_invalid_login(
    client: TestClient, skew: int, accepted: bool
) -> None:
    auth = TbaAuth(clock=lambda: time.time() + skew)
    if accepted:
        assert client.get(CUSTOMERS, auth=auth).status_code == 200
    else:
        refused_without_effect(client, auth)


def test_the_window_follows_the_verifier_clock_and_old_nonces_are_forgotten(
    store: RecordStore,
) -> None:
    now = [1_700_000_000.0]
    app = create_app(NetSuiteMockConfig(), store)
    verifier = TbaVerifier(app.state.netsuite.config, clock=lambda: now[0])
    app.state.netsuite_tba = verifier
    client = TestClient(app)
    signed = TbaAuth(clock=lambda: now[0]).oauth_params("POST", f"http://testserver{SUITEQL}")
    query = {"q": "SELECT id FROM customer"}
    assert client.post(SUITEQL, json=query, headers=replay(signed)).status_code == 200
    assert len(verifier.nonces) == 1
    now[0] += 301  # the signed request is now stale: refused for its age, not its nonce
    assert_invalid_login(client.post(SUITEQL, json=query, headers=replay(signed)))
    assert "more than 300s" in str(verifier.last_refusal)
    now[0] += 300  # two windows after it was seen, the nonce is no longer remembered
    fresh = TbaAuth(clock=lambda: now[0])
    assert client.post(SUITEQL, json=query, auth=fresh).status_code == 200
    assert len(verifier.nonces) == 1


def test_the_nonce_cache_is_bounded_and_forgets_the_oldest_first() -> None:
    cache = NonceCache(keep_seconds=600, capacity=3)
    keys = [("ck", "tok", f"nonce-{n}", "1700000000") for n in range(5)]
    assert all(cache.first_use(key, now=0.0) for key in keys)
    assert len(cache) == 3
    assert not cache.first_use(keys[4], now=1.0)  # still remembered: a replay
    assert cache.first_use(keys[0], now=1.0)  # evicted by the bound, so new again
    assert len(cache) == 3
    assert cache.first_use(keys[4], now=601.0)  # all expired: forgotten
    assert len(cache) == 1
