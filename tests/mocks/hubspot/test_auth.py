"""Authentication: the private-app token on every route (odd and unrouted paths too), the
OAuth refresh grant, and OAuth tokens expiring on the store clock."""

from __future__ import annotations

from typing import Any

import pytest

from tests.mocks.hubspot.conftest import CONFIG, Portal

PATHS = [
    "/crm/v3/objects/companies",
    "/crm/v3/objects/companies/",
    "//crm/v3/objects/companies",
    "/CRM/V3/objects/companies",
    "/crm/v3/objects/%63ompanies",
    "/crm/v99/objects/companies",
    "/crm/v3/properties/contacts",
    "/crm/v4/objects/deals/1/associations/companies",
    "/no-such-api",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_path_refuses_a_request_without_a_token(portal: Portal, path: str) -> None:
    response = portal.client.get(path)
    body = response.json()
    assert response.status_code == 401
    assert body["status"] == "error" and body["category"] == "INVALID_AUTHENTICATION"
    assert len(body["correlationId"]) == 36


def test_a_wrong_token_is_refused_and_the_right_one_passes(portal: Portal) -> None:
    wrong = portal.get("/crm/v3/objects/companies", headers={"Authorization": "Bearer pat-x"})
    right = portal.get("/crm/v3/objects/companies")
    assert wrong.status_code == 401
    assert right.status_code == 200 and right.json() == {"results": []}


def test_an_unrouted_path_with_a_token_answers_404_in_hubspot_shape(portal: Portal) -> None:
    response = portal.get("/crm/v3/no-such-resource")
    assert response.status_code == 404
    assert response.json()["category"] == "OBJECT_NOT_FOUND"


def _refresh(portal: Portal, **override: str) -> tuple[int, dict[str, Any]]:
    form = {
        "grant_type": "refresh_token",
        "client_id": CONFIG.client_id,
        "client_secret": CONFIG.client_secret,
        "refresh_token": CONFIG.refresh_token,
    }
    form.update(override)
    response = portal.client.post("/oauth/v1/token", data=form)
    return response.status_code, response.json()


def test_the_refresh_grant_issues_a_bearer_token_that_expires(portal: Portal) -> None:
    status, issued = _refresh(portal)
    assert status == 200
    assert issued["token_type"] == "bearer" and issued["expires_in"] == 1800
    assert issued["refresh_token"] == CONFIG.refresh_token
    auth = {"Authorization": f"Bearer {issued['access_token']}"}
    fresh = portal.client.get("/crm/v3/objects/contacts", headers=auth)
    assert fresh.status_code == 200
    assert "x-hubspot-ratelimit-daily" not in fresh.headers  # OAuth apps get no daily headers
    portal.clock.tick(1800)
    expired = portal.client.get("/crm/v3/objects/contacts", headers=auth)
    assert expired.status_code == 401
    assert expired.json()["category"] == "EXPIRED_AUTHENTICATION"


@pytest.mark.parametrize(
    ("override", "status"),
    [
        ({"refresh_token": "stolen"}, "BAD_REFRESH_TOKEN"),
        ({"client_secret": "x"}, "BAD_CLIENT_ID"),
        ({"grant_type": "authorization_code"}, "BAD_GRANT_TYPE"),
    ],
)
def test_a_bad_refresh_grant_is_refused(
    portal: Portal, override: dict[str, str], status: str
) -> None:
    code, answer = _refresh(portal, **override)
    assert code == 400 and answer["status"] == status
    assert "access_token" not in answer
