"""The faults admin API: replace, read and clear a plan; settings patched and restored."""

from __future__ import annotations

from .support import ADMIN, CUSTOMERS, faults, netsuite_client, put_plan, salesforce_client

STORM = {
    "seed": 1,
    "settings": {"netsuite": {"max_concurrent": 3, "on_overflow": "truncate"},
                 "salesforce": {"daily_api_limit": 10}},
    "rules": [
        {"name": "ns-only", "match": {"vendor": "netsuite", "kind": "query"},
         "when": {"nth": [2]}, "effect": {"type": "error", "status": 500}},
        {"name": "sf-only", "match": {"vendor": "salesforce"}, "effect": {"type": "reset"}},
        {"name": "batch", "effect": {"type": "partial_batch", "count": 1}},
    ],
}  # fmt: skip


def test_put_activates_the_vendors_rules_and_get_counts_them() -> None:
    client = netsuite_client()
    status = faults(client, STORM)
    assert status["active"] is True
    assert [r["name"] for r in status["rules"]] == ["ns-only"]  # no Salesforce-only effects
    assert [client.get(CUSTOMERS).status_code for _ in range(3)] == [200, 500, 200]
    state = client.get("/__harness/faults", headers=ADMIN).json()
    assert state["rules"] == [
        {"index": 0, "name": "ns-only", "effect": "error", "matched": 3, "fired": 1}
    ]
    assert state["requests"] == 3
    assert state["plan"]["seed"] == 1


def test_plan_settings_are_patched_and_restored_on_delete() -> None:
    client = netsuite_client()
    before = client.get("/__harness/settings", headers=ADMIN).json()
    faults(client, STORM)
    patched = client.get("/__harness/settings", headers=ADMIN).json()
    assert (patched["max_concurrent"], patched["on_overflow"]) == (3, "truncate")
    cleared = client.delete("/__harness/faults", headers=ADMIN)
    assert cleared.status_code == 200
    assert cleared.json()["active"] is False
    assert client.get("/__harness/settings", headers=ADMIN).json() == before
    assert client.get(CUSTOMERS).status_code == 200


def test_replacing_a_plan_mid_run_restores_then_applies() -> None:
    client = salesforce_client()
    faults(client, STORM)
    assert client.get("/__harness/settings", headers=ADMIN).json()["daily_api_limit"] == 10
    faults(client, {"rules": [{"effect": {"type": "latency", "ms": 0}}]})
    settings = client.get("/__harness/settings", headers=ADMIN).json()
    assert settings["daily_api_limit"] == 100000
    status = client.get("/__harness/faults", headers=ADMIN).json()
    assert [r["effect"] for r in status["rules"]] == ["latency"]


def test_bad_plan_is_400_with_every_problem_and_keeps_the_old_plan() -> None:
    client = netsuite_client()
    faults(client, STORM)
    bad = {"rules": [{"when": {"rate": 2}, "effect": {"type": "eror", "status": 500}}]}
    response = put_plan(client, bad)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail["error"] == "invalid fault plan"
    assert any("did you mean 'error'?" in p for p in detail["problems"])
    assert any(p.startswith("rules[0].when.rate:") for p in detail["problems"])
    assert client.get("/__harness/faults", headers=ADMIN).json()["rules"][0]["name"] == "ns-only"


def test_unknown_setting_for_the_vendor_is_refused_with_a_suggestion() -> None:
    client = netsuite_client()
    response = put_plan(client, {"settings": {"netsuite": {"max_concurent": 2}}, "rules": []})
    assert response.status_code == 400
    [problem] = response.json()["detail"]["problems"]
    assert "unknown setting 'max_concurent'; did you mean 'max_concurrent'?" in problem


def test_the_faults_api_needs_the_admin_token() -> None:
    client = netsuite_client()
    assert client.get("/__harness/faults").status_code == 401
    assert client.put("/__harness/faults", json={"rules": []}).status_code == 401
    assert client.delete("/__harness/faults").status_code == 401
    assert client.post("/__harness/traps", json={}).status_code == 401
