"""The Toy CRM sandbox on the wire: its auth gate, error shape, paging edges and writes, and
the shared fault middleware speaking its dialect (the connector rides every injected fault
out)."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from mocks.faults import apply_plan, parse_plan
from tests.packs.toy.mock.kit import KIT
from tests.packs.toy_sandbox import ACCOUNTS, CREDENTIALS, Sandbox, connected

CLIENTS = "/api/v1/clients"


def auth(toy: Sandbox) -> dict[str, str]:
    return {"Authorization": f"Bearer {toy.token()}"}


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", CLIENTS), ("GET", f"{CLIENTS}/c_000001"), ("PUT", f"{CLIENTS}/by-ref/X"),
     ("GET", "/api/v1/schema/clients"), ("GET", "/api/v9/anything"), ("GET", "/")],
)  # fmt: skip
def test_every_route_but_the_token_needs_a_bearer_token(
    toy: Sandbox, method: str, path: str
) -> None:
    for headers in ({}, {"Authorization": "Bearer forged"}, {"Authorization": "Basic eDp5"}):
        answer = toy.client.request(method, path, headers=headers, json={})
        assert KIT.is_auth_refusal(answer.status_code, answer.headers, answer.json()), answer
        assert answer.headers["www-authenticate"].startswith("Bearer")


def test_the_token_endpoint_takes_the_form_or_basic_auth(toy: Sandbox) -> None:
    grant = {"grant_type": "client_credentials"}
    by_form = toy.client.post("/oauth/token", data={**grant, **CREDENTIALS})
    pair = base64.b64encode(f"{CREDENTIALS['client_id']}:{CREDENTIALS['client_secret']}".encode())
    by_basic = toy.client.post("/oauth/token", data=grant,
                               headers={"Authorization": f"Basic {pair.decode()}"})  # fmt: skip
    for answer in (by_form, by_basic):
        body = answer.json()
        assert answer.status_code == 200 and body["token_type"] == "bearer"
        assert body["access_token"] and body["expires_in"] == 3600
    wrong = toy.client.post("/oauth/token", data={**grant, **CREDENTIALS, "client_secret": "x"})
    assert KIT.is_auth_refusal(wrong.status_code, wrong.headers, wrong.json())
    odd = toy.client.post("/oauth/token", data={**CREDENTIALS, "grant_type": "password"})
    assert odd.status_code == 400 and odd.json()["error"]["code"] == "unsupported_grant_type"


def test_errors_come_in_the_toys_shape(toy: Sandbox) -> None:
    headers = auth(toy)
    for path in KIT.not_found_paths:
        answer = toy.client.get(path, headers=headers)
        assert answer.status_code == 404 and KIT.is_error(404, answer.headers, answer.json())
    cases: list[tuple[str, str, Any, str, str | None]] = [
        ("GET", f"{CLIENTS}?limit=101", None, "invalid_parameter", "limit"),
        ("GET", f"{CLIENTS}?limit=ten", None, "invalid_parameter", "limit"),
        ("GET", f"{CLIENTS}?cursor=bm9wZQ", None, "invalid_parameter", "cursor"),
        ("GET", f"{CLIENTS}?updated_since=yesterday", None, "invalid_parameter", "updated_since"),
        ("PUT", f"{CLIENTS}/by-ref/R1", {"title": "t" * 121}, "too_long", "title"),
        ("PUT", f"{CLIENTS}/by-ref/R1", {"mail": "a@b.example"}, "required", "title"),
        ("PUT", f"{CLIENTS}/by-ref/R1", {"title": "T", "color": "red"}, "unknown_field", "color"),
        ("PUT", f"{CLIENTS}/by-ref/R1", {"title": "T", "id": "c_1"}, "read_only", "id"),
        ("PATCH", f"{CLIENTS}/c_000001", {"title": ""}, "required", "title"),
    ]
    for method, path, body, code, field in cases:
        answer = toy.client.request(method, path, headers=headers, json=body)
        error = answer.json()["error"]
        assert (answer.status_code, error["code"], error.get("field")) == (422, code, field)
    moved = toy.client.put(f"{CLIENTS}/c_000001", headers=headers, json={})
    assert moved.status_code == 405 and KIT.is_error(405, moved.headers, moved.json())


def test_writes_stamp_and_paging_follows_them(toy: Sandbox) -> None:
    headers = auth(toy)
    created = toy.client.put(f"{CLIENTS}/by-ref/R-7", headers=headers, json={"title": "Seven"})
    assert created.status_code == 201
    client = created.json()
    assert client["id"] == f"c_{ACCOUNTS + 1:06d}" and client["ref"] == "R-7"
    assert client["created_at"] == client["updated_at"] and client["updated_at"].endswith("Z")
    updated = toy.client.put(f"{CLIENTS}/by-ref/R-7", headers=headers, json={"tel": "+1 555"})
    assert updated.status_code == 200
    assert updated.json()["title"] == "Seven" and updated.json()["tel"] == "+1 555"
    assert updated.json()["updated_at"] >= client["updated_at"]
    clash = toy.client.patch(f"{CLIENTS}/c_000001", headers=headers, json={"ref": "R-7"})
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "duplicate_ref"
    # Read half the list, touch a client already served: it reappears at the end, once.
    first = toy.client.get(CLIENTS, params={"limit": 20}, headers=headers).json()
    touched = first["data"][0]["id"]
    toy.client.patch(f"{CLIENTS}/{touched}", headers=headers, json={"nation": "France"})
    rest, cursor = [], first["next_cursor"]
    while cursor:
        page = toy.client.get(CLIENTS, params={"limit": 20, "cursor": cursor}, headers=headers)
        rest += page.json()["data"]
        cursor = page.json()["next_cursor"]
    ids = [c["id"] for c in first["data"] + rest]
    assert len(set(ids)) == ACCOUNTS + 1 and ids[-1] == touched and ids.count(touched) == 2
    gone = toy.client.delete(f"{CLIENTS}/{touched}", headers=headers)
    assert gone.status_code == 204
    assert toy.client.get(f"{CLIENTS}/{touched}", headers=headers).status_code == 404
    listed = toy.client.get(CLIENTS, params={"limit": 100, "include_deleted": "true"},
                            headers=headers).json()["data"]  # fmt: skip
    assert [c["deleted"] for c in listed if c["id"] == touched] == [True]


def test_the_connector_rides_out_the_toys_faults(toy: Sandbox) -> None:
    """Throttling, a revoked token, a malformed and a truncated page in a row, all on the
    first page: the connector retries, renews its token and reads every client once."""
    plan = parse_plan({"version": 1, "seed": 3, "rules": [
        {"name": "throttle", "match": {"vendor": "toy", "kind": ["query"]},
         "when": {"nth": [1]}, "effect": {"type": "rate_limit", "retry_after": [0, 0]}},
        {"name": "expire", "match": {"vendor": "toy", "kind": ["query"]},
         "when": {"nth": [2]}, "effect": {"type": "token_expiry"}},
        {"name": "garble", "match": {"kind": ["query"]}, "when": {"nth": [3]},
         "effect": {"type": "malformed_json"}},
        {"name": "cut", "match": {"kind": ["query"]}, "when": {"nth": [4]},
         "effect": {"type": "truncated_json", "keep": 0.5}},
        {"name": "elsewhere", "match": {"vendor": "netsuite"}, "effect": {"type": "reset"}},
    ]})  # fmt: skip
    apply_plan(toy.app, plan)
    with connected(toy, page_size=25) as conn:
        records = [r for page in conn.read("clients") for r in page]
        stats = conn.http.stats  # type: ignore[attr-defined]
    assert sorted(r.id for r in records) == sorted(r.id for r in toy.store.records("clients"))
    assert stats.retries == 3 and stats.auth_refreshes == 1
    facts = [f for f in toy.app.state.mock.ground_truth if f["kind"] == "fault"]
    assert [(f["rule"], f["effect"]) for f in facts] == [
        ("throttle", "rate_limit"), ("expire", "token_expiry"), ("garble", "malformed_json"),
        ("cut", "truncated_json"),
    ]  # fmt: skip
    assert facts[0]["status"] == 429 and facts[1]["revoked_tokens"] >= 1


def test_the_admin_api_is_the_shared_one(toy: Sandbox) -> None:
    admin = {"X-Harness-Token": "toy-admin"}
    assert toy.client.get("/__harness/health").json() == {"vendor": "toy", "status": "ok"}
    assert toy.client.get("/__harness/settings").status_code == 401
    reseeded = toy.client.post("/__harness/seed", headers=admin, json={"seed": 1, "accounts": 9})
    assert reseeded.json()["seeded"] == {"clients": 9}
    toy.client.patch("/__harness/settings", headers=admin, json={"max_page_size": 5})
    refused = toy.client.get(CLIENTS, params={"limit": 6}, headers=auth(toy))
    assert refused.status_code == 422
    changes = toy.client.get("/__harness/changes", headers=admin).json()
    assert changes["last_seq"] == 9
