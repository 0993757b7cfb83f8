"""Token expiry mid-run: Salesforce sessions die until re-auth, NetSuite refuses N calls."""

from __future__ import annotations

from mocks.salesforce import SalesforceMockConfig

from .support import BASE, CUSTOMERS, faults, netsuite_client, salesforce_client, sf_login, truth

QUERY = {"q": "SELECT Id FROM Account"}


def _expiry(**effect: int) -> dict[str, object]:
    rule = {"name": "expire", "match": {"kind": "query"}, "when": {"nth": [2]},
            "effect": {"type": "token_expiry", **effect}}  # fmt: skip
    return {"rules": [rule]}


def test_salesforce_session_is_invalid_until_the_client_logs_in_again() -> None:
    client = salesforce_client()
    auth = sf_login(client)
    faults(client, _expiry())
    assert client.get(f"{BASE}/query", params=QUERY, headers=auth).status_code == 200
    for _ in range(2):  # the firing request and every later one with the old token
        refused = client.get(f"{BASE}/query", params=QUERY, headers=auth)
        assert refused.status_code == 401
        assert refused.json() == [
            {
                "message": "Session expired or invalid",
                "errorCode": "INVALID_SESSION_ID",
                "fields": [],
            }
        ]
    fresh = sf_login(client)
    assert client.get(f"{BASE}/query", params=QUERY, headers=fresh).status_code == 200
    [fact] = truth(client)
    assert (fact["effect"], fact["seq"], fact["revoked_tokens"]) == ("token_expiry", 2, 1)


def test_salesforce_refresh_token_still_renews_the_session() -> None:
    client = salesforce_client()
    config = SalesforceMockConfig()
    login = client.post(
        "/services/oauth2/token",
        data={"grant_type": "password", "client_id": config.client_id,
              "client_secret": config.client_secret, "username": config.username,
              "password": config.password},
    ).json()  # fmt: skip
    auth = {"Authorization": f"Bearer {login['access_token']}"}
    faults(client, _expiry())
    client.get(f"{BASE}/query", params=QUERY, headers=auth)
    assert client.get(f"{BASE}/query", params=QUERY, headers=auth).status_code == 401
    renewed = client.post(
        "/services/oauth2/token",
        data={"grant_type": "refresh_token", "client_id": config.client_id,
              "client_secret": config.client_secret, "refresh_token": login["refresh_token"]},
    )  # fmt: skip
    assert renewed.status_code == 200
    new_auth = {"Authorization": f"Bearer {renewed.json()['access_token']}"}
    assert client.get(f"{BASE}/query", params=QUERY, headers=new_auth).status_code == 200


def test_netsuite_refuses_the_next_n_signed_requests_with_invalid_login() -> None:
    client = netsuite_client()
    faults(client, _expiry(requests=2))
    statuses = [client.get(CUSTOMERS).status_code for _ in range(4)]
    assert statuses == [200, 401, 401, 200]
    client.delete("/__harness/faults", headers={"X-Harness-Token": "harness-admin"})
    faults(client, _expiry(requests=1))
    client.get(CUSTOMERS)
    body = client.get(CUSTOMERS).json()
    assert body["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"
    assert "Login Audit Trail" in body["o:errorDetails"][0]["detail"]
    effects = [f["effect"] for f in truth(client)]
    assert effects == ["token_expiry", "refused_login", "refused_login", "token_expiry",
                       "refused_login"]  # fmt: skip
