"""The admin API through the Salesforce app, the world seeder and the public API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

import mocks.salesforce
from mocks.salesforce import seed_salesforce
from mocks.salesforce.ids import make_id
from mocks.store import RecordStore
from mocks.world.generator import World, WorldSettings, generate_world

from .conftest import ADMIN, Api


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(WorldSettings(seed=7, accounts=40, missing_country_rate=0.2))


def test_public_api_is_pinned() -> None:
    assert mocks.salesforce.__all__ == [
        "PACK",
        "SalesforceMockConfig",
        "create_app",
        "seed_salesforce",
    ]


def test_admin_routes_need_the_token(client: TestClient) -> None:
    assert client.get("/__harness/health").json() == {"vendor": "salesforce", "status": "ok"}
    for method, path in (("POST", "/__harness/seed"), ("GET", "/__harness/snapshot"),
                         ("GET", "/__harness/settings"), ("POST", "/__harness/reset")):  # fmt: skip
        assert client.request(method, path).status_code == 401
        wrong = client.request(method, path, headers={"X-Harness-Token": "nope"})
        assert wrong.status_code == 401


def test_admin_seed_then_query_and_snapshot(client: TestClient, api: Api) -> None:
    seeded = client.post("/__harness/seed", json={"seed": 3, "accounts": 12}, headers=ADMIN)
    assert seeded.status_code == 200
    assert seeded.json()["seeded"] == {"Account": 12}
    count = api.query("SELECT COUNT() FROM Account").json()["totalSize"]
    assert count == 12
    snapshot = client.get("/__harness/snapshot", headers=ADMIN).json()
    rows = snapshot["objects"]["Account"]
    assert len(rows) == 12 and rows[0]["id"] == make_id("001", 1)


def test_admin_settings_lists_the_knobs(client: TestClient) -> None:
    knobs = client.get("/__harness/settings", headers=ADMIN).json()
    for key in ("daily_api_limit", "token_ttl_seconds", "max_batch_size", "default_query_batch"):
        assert key in knobs
    assert (knobs["max_batch_size"], knobs["default_query_batch"]) == (200, 2000)
    unknown = client.patch("/__harness/settings", json={"nope": 1}, headers=ADMIN)
    assert unknown.status_code == 400


def test_admin_reset_empties_the_org(client: TestClient, api: Api) -> None:
    client.post("/__harness/seed", json={"accounts": 3}, headers=ADMIN)
    assert client.post("/__harness/reset", headers=ADMIN).status_code == 200
    assert api.query("SELECT COUNT() FROM Account").json()["totalSize"] == 0


def test_upsert_after_admin_seed_uses_the_external_id_index(client: TestClient, api: Api) -> None:
    client.post("/__harness/seed", json={"accounts": 3}, headers=ADMIN)
    created = api.patch("sobjects/Account/External_Id__c/K1", json={"Name": "New"})
    assert created.json()["id"] == make_id("001", 4)
    assert api.patch("sobjects/Account/External_Id__c/K1", json={}).status_code == 200


def test_seed_projects_companies_onto_accounts(world: World) -> None:
    store = RecordStore()
    assert seed_salesforce(store, world) == {"Account": 40}
    company = world.companies[0]
    record = store.get("Account", make_id("001", 1))
    assert record is not None
    assert record.created_at == company.created_at == record.modified_at
    assert record.fields["Name"] == company.name
    assert record.fields["Billing_Email__c"] == company.email
    assert record.fields["NumberOfEmployees"] == company.employees
    assert record.fields["AnnualRevenue"] == company.annual_revenue
    assert record.fields["BillingCountry"] == (company.country or None)
    ids = {c.key: make_id("001", n) for n, c in enumerate(world.companies, start=1)}
    blanks = [ids[c.key] for c in world.companies if not c.country]
    assert blanks, "the fixture world should hold blank countries"
    for record_id in blanks:
        blank = store.get("Account", record_id)
        assert blank is not None and blank.fields["BillingCountry"] is None


def test_seed_ids_are_deterministic(world: World) -> None:
    first, second = RecordStore(), RecordStore()
    seed_salesforce(first, world)
    seed_salesforce(second, world)
    snap = [(r.id, r.fields) for r in first.records("Account")]
    assert snap == [(r.id, r.fields) for r in second.records("Account")]


def test_seeded_accounts_pass_the_apis_own_validation(world: World, api: Api) -> None:
    from mocks.salesforce.seed import account_fields

    records = [
        {"attributes": {"type": "Account"}, **account_fields(c)} for c in world.companies[:20]
    ]
    results = api.post("composite/sobjects", json={"records": records}).json()
    assert all(r["success"] for r in results), results
