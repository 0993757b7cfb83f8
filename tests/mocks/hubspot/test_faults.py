"""The HubSpot fault dialect: request kinds, error and throttling bodies, and the traps a
fault plan sets (partial batch, duplicate email, search lag, property drift, token expiry,
burst exhaustion, a lower search cap)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mocks.faults import load_plan
from mocks.hubspot.faults import DIALECT
from tests.mocks.hubspot.conftest import CONFIG, Portal

REALISTIC = Path(__file__).resolve().parents[3] / "fixtures" / "faults" / "hubspot_realistic.yaml"


def _plan(portal: Portal, *rules: dict[str, Any], **settings: Any) -> None:
    plan: dict[str, Any] = {"version": 1, "seed": 7, "rules": list(rules)}
    if settings:
        plan["settings"] = {"hubspot": settings}
    response = portal.admin("PUT", "/faults", json=plan)
    assert response.status_code == 200, response.text


def _faults(portal: Portal) -> list[dict[str, Any]]:
    facts = portal.admin("GET", "/ground-truth").json()["facts"]
    return [f for f in facts if f["kind"] == "fault"]


@pytest.mark.parametrize(
    ("method", "path", "kind"),
    [
        ("POST", "/oauth/v1/token", "auth"),
        ("GET", "/crm/v3/properties/companies", "describe"),
        ("POST", "/crm/v3/objects/companies/search", "query"),
        ("GET", "/crm/v3/objects/companies", "query"),
        ("GET", "/crm/v3/objects/companies/1", "read"),
        ("POST", "/crm/v3/objects/companies/batch/read", "read"),
        ("POST", "/crm/v3/objects/companies/batch/upsert", "write"),
        ("PUT", "/crm/v4/objects/contacts/1/associations/default/companies/2", "write"),
        ("GET", "/elsewhere", "other"),
    ],
)
def test_kinds(method: str, path: str, kind: str) -> None:
    assert DIALECT.kind(method, path) == kind


def test_an_error_rule_answers_in_hubspot_shape(portal: Portal) -> None:
    _plan(
        portal,
        {
            "name": "boom",
            "match": {"kind": "query"},
            "when": {"first": 1},
            "effect": {"type": "error", "status": 502},
        },
    )
    failed = portal.get("/crm/v3/objects/companies")
    assert failed.status_code == 502 and failed.json()["status"] == "error"
    assert portal.get("/crm/v3/objects/companies").status_code == 200


def test_a_rate_limit_rule_uses_hubspots_429(portal: Portal) -> None:
    _plan(portal, {"effect": {"type": "rate_limit", "style": "daily", "retry_after": 3}})
    refused = portal.get("/crm/v3/objects/companies")
    assert refused.status_code == 429 and refused.json()["policyName"] == "DAILY"
    assert refused.headers["retry-after"] == "3"


def test_a_partial_batch_answers_207_for_the_failed_inputs(portal: Portal) -> None:
    made = [portal.create("companies", name=f"C{n}") for n in range(4)]
    _plan(portal, {"name": "partial", "effect": {"type": "partial_batch", "count": 1}})
    inputs = [{"id": c["id"], "properties": {"phone": "1"}} for c in made]
    answer = portal.post("/crm/v3/objects/companies/batch/update", json={"inputs": inputs})
    body = answer.json()
    assert answer.status_code == 207 and body["numErrors"] == 1
    failed = body["errors"][0]["context"]["ids"][0]
    assert body["errors"][0]["category"] == "RATE_LIMITS"
    assert sorted(r["id"] for r in body["results"]) == sorted(
        c["id"] for c in made if c["id"] != failed
    )
    kept = portal.get(f"/crm/v3/objects/companies/{failed}", params={"properties": "phone"})
    assert kept.json()["properties"]["phone"] is None  # the failed input was not written
    assert _faults(portal)[0]["failed_ids"] == [failed]


def test_a_duplicate_rule_makes_a_contact_create_meet_a_twin(portal: Portal) -> None:
    _plan(portal, {"name": "twin", "when": {"first": 1}, "effect": {"type": "duplicate_rule"}})
    answer = portal.post(
        "/crm/v3/objects/contacts", json={"properties": {"email": "x@example.com"}}
    )
    fact = _faults(portal)[0]
    assert answer.status_code == 409
    assert answer.json()["message"] == f"Contact already exists. Existing ID: {fact['existing_id']}"
    assert fact["value"] == "x@example.com"


def test_late_visibility_hides_fresh_writes_from_search(portal: Portal) -> None:
    made = portal.create("companies", name="Fresh")
    _plan(
        portal,
        {
            "name": "late",
            "match": {"kind": "query"},
            "effect": {"type": "late_visibility", "seconds": 30},
        },
    )
    hidden = portal.post("/crm/v3/objects/companies/search", json={}).json()
    assert hidden["total"] == 0
    assert _faults(portal)[0]["hidden_ids"] == [made["id"]]
    portal.clock.tick(31)
    assert portal.post("/crm/v3/objects/companies/search", json={}).json()["total"] == 1


def test_a_renamed_property_shows_everywhere_and_the_old_name_is_refused(portal: Portal) -> None:
    made = portal.create("companies", name="Acme", erp_payment_terms="Net 30")
    _plan(
        portal,
        {
            "name": "drift",
            "effect": {
                "type": "schema_drift",
                "object": "companies",
                "field": "erp_payment_terms",
                "rename": "erp_terms",
            },
        },
    )
    names = {p["name"] for p in portal.get("/crm/v3/properties/companies").json()["results"]}
    assert "erp_terms" in names and "erp_payment_terms" not in names
    assert portal.get("/crm/v3/properties/companies/erp_payment_terms").status_code == 404
    assert portal.get("/crm/v3/properties/companies/erp_terms").json()["name"] == "erp_terms"
    read = portal.get(
        f"/crm/v3/objects/companies/{made['id']}", params={"properties": "erp_terms"}
    ).json()
    assert read["properties"]["erp_terms"] == "Net 30"
    old = portal.patch(
        f"/crm/v3/objects/companies/{made['id']}",
        json={"properties": {"erp_payment_terms": "Net 60"}},
    )
    assert old.status_code == 400 and old.json()["errors"][0]["code"] == "PROPERTY_DOESNT_EXIST"
    new = portal.patch(
        f"/crm/v3/objects/companies/{made['id']}", json={"properties": {"erp_terms": "Net 60"}}
    )
    assert new.status_code == 200
    portal.admin("DELETE", "/faults")
    cleared = portal.get(
        f"/crm/v3/objects/companies/{made['id']}", params={"properties": "erp_payment_terms"}
    ).json()
    assert cleared["properties"]["erp_payment_terms"] == "Net 60"


def test_a_removed_and_a_retyped_property(portal: Portal) -> None:
    _plan(
        portal,
        {
            "name": "gone",
            "effect": {
                "type": "schema_drift",
                "object": "contacts",
                "field": "salutation",
                "remove": True,
            },
        },
        {
            "name": "retyped",
            "effect": {
                "type": "schema_drift",
                "object": "companies",
                "field": "erp_payment_terms",
                "retype": "double",
            },
        },
    )
    contacts = {p["name"] for p in portal.get("/crm/v3/properties/contacts").json()["results"]}
    retyped = portal.get("/crm/v3/properties/companies/erp_payment_terms").json()
    assert "salutation" not in contacts and retyped["type"] == "number"


def test_token_expiry_expires_oauth_tokens(portal: Portal) -> None:
    form = {
        "grant_type": "refresh_token",
        "client_id": CONFIG.client_id,
        "client_secret": CONFIG.client_secret,
        "refresh_token": CONFIG.refresh_token,
    }
    token = portal.client.post("/oauth/v1/token", data=form).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    _plan(portal, {"name": "expiry", "when": {"first": 1}, "effect": {"type": "token_expiry"}})
    expired = portal.client.get("/crm/v3/objects/companies", headers=auth)
    assert expired.status_code == 401
    assert expired.json()["category"] == "EXPIRED_AUTHENTICATION"
    renewed = portal.client.post("/oauth/v1/token", data=form).json()["access_token"]
    again = portal.client.get(
        "/crm/v3/objects/companies", headers={"Authorization": f"Bearer {renewed}"}
    )
    assert again.status_code == 200


def test_token_expiry_on_a_private_app_refuses_the_next_requests(portal: Portal) -> None:
    _plan(
        portal,
        {"name": "expiry", "when": {"first": 1}, "effect": {"type": "token_expiry", "requests": 2}},
    )
    codes = [portal.get("/crm/v3/objects/companies").status_code for _ in range(3)]
    assert codes == [401, 401, 200]


def test_plan_settings_lower_the_search_cap_and_clear_with_the_plan(portal: Portal) -> None:
    for n in range(3):
        portal.create("deals", dealname=f"D{n}")
    _plan(portal, search_result_cap=2, burst_limit=50)
    assert portal.post("/crm/v3/objects/deals/search", json={"after": "2"}).status_code == 400
    portal.admin("DELETE", "/faults")
    assert portal.post("/crm/v3/objects/deals/search", json={"after": "2"}).status_code == 200


def test_the_realistic_plan_loads_and_sets_hubspot_limits(portal: Portal) -> None:
    plan = load_plan(REALISTIC)
    settings = plan.settings_for("hubspot")
    assert settings["search_lag_seconds"] > 0 and settings["burst_limit"] == 190
    raw = yaml.safe_load(REALISTIC.read_text(encoding="utf-8"))
    assert portal.admin("PUT", "/faults", json=raw).status_code == 200


def test_drift_reaches_search_filters_and_requested_properties(portal: Portal) -> None:
    portal.create("companies", name="Acme", erp_payment_terms="Net 30")
    _plan(
        portal,
        {"name": "drift", "effect": {"type": "schema_drift", "object": "companies",
                                     "field": "erp_payment_terms", "rename": "erp_terms"}},
    )  # fmt: skip
    search = "/crm/v3/objects/companies/search"
    old = {"filterGroups": [{"filters": [
        {"propertyName": "erp_payment_terms", "operator": "EQ", "value": "Net 30"}]}]}  # fmt: skip
    refused = portal.post(search, json=old)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "PROPERTY_DOESNT_EXIST"
    new = {"filterGroups": [{"filters": [
        {"propertyName": "erp_terms", "operator": "EQ", "value": "Net 30"}]}],
        "properties": ["erp_terms", "erp_payment_terms"]}  # fmt: skip
    found = portal.post(search, json=new).json()
    assert found["total"] == 1
    assert found["results"][0]["properties"]["erp_terms"] == "Net 30"
    assert "erp_payment_terms" not in found["results"][0]["properties"]
