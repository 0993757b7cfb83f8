"""Logon on every route (odd spellings too), OAuth client credentials with expiring tokens,
`sap-client`, CSRF tokens tied to their session cookie, and ETag preconditions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI

from mocks.sap.errors import SAP_REALM
from tests.mocks.sap.support import ADMIN, BP, CONFIG, Clock, TestClient, basic, fetch_csrf

Make = Callable[..., dict[str, Any]]
SET = f"{BP}/A_BusinessPartner"


@pytest.mark.parametrize(
    "path",
    [
        SET,
        f"{BP}/$metadata",
        f"{BP}/",
        BP,
        "//sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner",
        "/SAP/OPU/ODATA/SAP/API_BUSINESS_PARTNER/",
        f"{BP}//A_BusinessPartner",
        f"{BP}/$batch",
        "/sap/opu/odata/sap/NO_SUCH_SRV/",
        "/sap/anything",
    ],
)
def test_every_route_needs_logon(app: FastAPI, path: str) -> None:
    with TestClient(app, base_url="https://testserver") as anonymous:
        for method in ("GET", "POST", "DELETE"):
            response = anonymous.request(method, f"https://testserver{path}")
            assert response.status_code == 401, (method, path)
            assert response.headers["www-authenticate"] == SAP_REALM


def test_wrong_password_is_refused(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver") as other:
        assert other.get(SET, headers={"Authorization": basic(password="nope")}).status_code == 401


def test_oauth_client_credentials_and_expiry(app: FastAPI, clock: Clock) -> None:
    with TestClient(app, base_url="https://testserver") as http:
        refused = http.post(
            "/sap/bc/sec/oauth2/token",
            data={"grant_type": "client_credentials"},
            auth=(CONFIG.client_id, "wrong"),
        )
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
        token = http.post(
            "/sap/bc/sec/oauth2/token",
            data={"grant_type": "client_credentials"},
            auth=(CONFIG.client_id, CONFIG.client_secret),
        ).json()
        assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
        bearer = {"Authorization": f"Bearer {token['access_token']}"}
        assert http.get(SET, headers=bearer).status_code == 200
        clock.tick(3601)
        assert http.get(SET, headers=bearer).status_code == 401


def test_unsupported_grant_is_400(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver") as http:
        response = http.post(
            "/sap/bc/sec/oauth2/token",
            data={"grant_type": "password"},
            auth=(CONFIG.client_id, CONFIG.client_secret),
        )
        assert response.status_code == 400


def test_sap_client_must_be_the_configured_one(client: TestClient) -> None:
    assert client.get(SET, params={"sap-client": "100"}).status_code == 200
    assert client.get(SET, params={"sap-client": "200"}).status_code == 401


def test_csrf_fetch_gives_token_and_session_cookie(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver", headers={"Authorization": basic()}) as http:
        response = http.head(f"{BP}/", headers={"X-CSRF-Token": "Fetch"})
        assert response.status_code == 200 and response.headers["x-csrf-token"]
        assert "SAP_SESSIONID_S4H_100" in http.cookies
        again = http.get(f"{BP}/$metadata", headers={"X-CSRF-Token": "Fetch"})
        assert again.headers["x-csrf-token"] == response.headers["x-csrf-token"]  # same session


def _assert_csrf_refusal(response: Any) -> None:
    assert response.status_code == 403
    assert response.headers["x-csrf-token"] == "Required"
    assert response.text == "CSRF token validation failed"


def test_writes_need_the_token_and_its_cookie(app: FastAPI, client: TestClient) -> None:
    body = {"BusinessPartnerCategory": "2", "OrganizationBPName1": "A"}
    token = client.headers["X-CSRF-Token"]
    with TestClient(app, base_url="https://testserver", headers={"Authorization": basic()}) as bare:
        _assert_csrf_refusal(bare.post(SET, json=body))  # no token
        _assert_csrf_refusal(
            bare.post(SET, json=body, headers={"X-CSRF-Token": token})
        )  # no cookie
    assert client.post(SET, json=body).status_code == 201
    for method in ("PATCH", "MERGE", "PUT", "DELETE"):
        response = client.request(
            method, f"{SET}('10000000')", headers={"X-CSRF-Token": "bad"}, json={}
        )
        _assert_csrf_refusal(response)


def test_csrf_token_expires_on_the_store_clock(client: TestClient, clock: Clock) -> None:
    body = {"BusinessPartnerCategory": "2", "OrganizationBPName1": "A"}
    clock.tick(1801)
    _assert_csrf_refusal(client.post(SET, json=body))
    fetch_csrf(client)
    assert client.post(SET, json=body).status_code == 201


def test_csrf_expiry_trap_invalidates_every_token(client: TestClient) -> None:
    assert (
        client.post("/__harness/sap/traps", json={"trap": "csrf_expiry"}, headers=ADMIN).status_code
        == 200
    )
    _assert_csrf_refusal(client.post(SET, json={"BusinessPartnerCategory": "2"}))


def test_stale_etag_is_412_and_star_passes(client: TestClient, make_partner: Make) -> None:
    made = make_partner()
    url = f"{SET}('{made['BusinessPartner']}')"
    etag = client.get(url).headers["etag"]
    trap = {"trap": "stale_etag", "object": "A_BusinessPartner", "id": made["BusinessPartner"]}
    assert client.post("/__harness/sap/traps", json=trap, headers=ADMIN).status_code == 200
    stale = client.patch(url, json={"SearchTerm1": "X"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    fresh = client.get(url).headers["etag"]
    assert (
        client.patch(url, json={"SearchTerm1": "X"}, headers={"If-Match": fresh}).status_code == 204
    )
    assert (
        client.patch(url, json={"SearchTerm1": "Y"}, headers={"If-Match": "*"}).status_code == 204
    )


def test_etag_required_setting_gives_428(client: TestClient, make_partner: Make) -> None:
    made = make_partner()
    url = f"{SET}('{made['BusinessPartner']}')"
    assert client.patch(url, json={"SearchTerm1": "X"}).status_code == 204  # optional by default
    client.patch("/__harness/settings", json={"etag_required": True}, headers=ADMIN)
    assert client.patch(url, json={"SearchTerm1": "Y"}).status_code == 428
