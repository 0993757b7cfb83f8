"""Fault plan loading and validation: every fixture loads, mistakes are named with a fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mocks.faults import FaultPlan, PlanError, load_plan, parse_plan
from mocks.faults.plan import Error, Latency, RateLimit

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "faults"


def _problems(plan: Any) -> list[str]:
    with pytest.raises(PlanError) as caught:
        parse_plan(plan)
    return caught.value.problems


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_fixture_plan_loads(path: Path) -> None:
    plan = load_plan(path)
    assert plan.rules
    assert parse_plan(plan.to_json()) == plan  # the JSON form round-trips


def test_required_fixture_plans_exist() -> None:
    names = {p.stem for p in FIXTURES.glob("*.yaml")}
    assert {
        "five_hundred_storm", "rate_limit_storm", "timeouts", "malformed", "token_expiry",
        "schema_drift", "chaos_mixed", "netsuite_realistic", "salesforce_realistic",
    } <= names  # fmt: skip


def test_plan_builds_typed_rules_in_order() -> None:
    plan = parse_plan(
        {
            "seed": 3,
            "rules": [
                {"name": "slow", "effect": {"type": "latency", "ms": 5}},
                {
                    "match": {"vendor": "netsuite", "methods": ["get"], "kind": "query"},
                    "when": {"nth": [2, 4]},
                    "effect": {"type": "rate_limit", "retry_after": [0, 1]},
                },
                {"effect": {"type": "error", "status": 503}},
            ],
        }
    )
    assert isinstance(plan, FaultPlan)
    assert [r.name for r in plan.rules] == ["slow", "rule1-rate_limit", "rule2-error"]
    assert plan.rules[0].effect == Latency(ms=5)
    assert plan.rules[1].effect == RateLimit(retry_after=(0.0, 1.0))
    assert plan.rules[1].match.methods == frozenset({"GET"})
    assert plan.rules[1].when.nth == frozenset({2, 4})
    assert plan.rules[2].effect == Error(status=503)
    assert [r.name for r in plan.rules_for("salesforce")] == ["slow", "rule2-error"]


def test_typo_in_a_rule_key_suggests_the_right_one() -> None:
    problems = _problems({"rules": [{"name": "storm", "effect": {"type": "error", "stauts": 500}}]})
    assert any(
        "rules[0] (storm).effect (error): unknown key 'stauts'; did you mean 'status'?" in p
        for p in problems
    ), problems


def test_typo_in_when_and_top_level_keys_are_named() -> None:
    problems = _problems({"sed": 1, "rules": [{"when": {"tims": 2}, "effect": {"type": "reset"}}]})
    assert any("plan: unknown key 'sed'; did you mean 'seed'?" in p for p in problems)
    assert any("rules[0].when: unknown key 'tims'; did you mean 'times'?" in p for p in problems)


def test_unknown_effect_type_gets_did_you_mean_and_the_choices() -> None:
    [problem] = _problems({"rules": [{"effect": {"type": "latancy", "ms": 3}}]})
    assert "unknown effect 'latancy'; did you mean 'latency'?" in problem
    assert "partial_batch" in problem


@pytest.mark.parametrize("rate", [1.5, -0.1, "often"], ids=["above-one", "negative", "text"])
def test_bad_rate_is_refused_with_its_place(rate: Any) -> None:
    problems = _problems(
        {"rules": [{"name": "r", "when": {"rate": rate}, "effect": {"type": "reset"}}]}
    )
    assert len(problems) == 1
    assert problems[0].startswith("rules[0] (r).when.rate:")


def test_latency_needs_exactly_one_form() -> None:
    [problem] = _problems({"rules": [{"effect": {"type": "latency", "ms": 3, "median_ms": 4}}]})
    assert "give exactly one of ms, min_ms+max_ms or median_ms" in problem
    [problem] = _problems({"rules": [{"effect": {"type": "latency", "min_ms": 9, "max_ms": 4}}]})
    assert "min_ms must not exceed max_ms" in problem


def test_schema_drift_needs_one_change_and_error_needs_a_status() -> None:
    drift = {"type": "schema_drift", "object": "Account", "field": "Phone"}
    [problem] = _problems({"rules": [{"effect": drift}]})
    assert "give exactly one of rename, remove or retype" in problem
    [problem] = _problems({"rules": [{"effect": {"type": "error"}}]})
    assert "'status' is a required property" in problem


def test_duplicate_rule_names_and_bad_kinds_are_reported() -> None:
    problems = _problems(
        {
            "rules": [
                {"name": "a", "effect": {"type": "reset"}},
                {"name": "a", "effect": {"type": "reset"}, "match": {"kind": "reads"}},
            ]
        }
    )
    assert any("kind must be one of any, auth, describe, query" in p for p in problems)
    problems = _problems({"rules": [{"name": "a", "effect": {"type": "reset"}}] * 2})
    assert problems == ["rules[1] (a): the name 'a' is already used by rules[0]"]


def test_unreadable_and_non_mapping_plans_fail_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(PlanError, match="not valid YAML"):
        load_plan(bad)
    with pytest.raises(PlanError, match="cannot read the plan"):
        load_plan(tmp_path / "missing.yaml")
    assert _problems(["a", "list"]) == [
        "a fault plan is a mapping with seed, settings and rules; got list"
    ]
