"""Steps for the data-quality audit: seed a dirty world, profile the CRM's customers through
its connector (`harness.api.profiling.run_profile`, as `harness profile` does), and score the
findings against the ground truth the sandbox publishes."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, then, when

from harness.api.profiling import run_profile
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from reconcile.profile import ProfileReport
from reconcile.profile.audit import CategoryScore, score_audit


def _scores(ctx: dict[str, Any]) -> dict[str, CategoryScore]:
    scores: dict[str, CategoryScore] = ctx["audit_scores"]
    return scores


def _profile(ctx: dict[str, Any]) -> ProfileReport:
    report: ProfileReport = ctx["profile"]
    return report


@given(
    parsers.parse(
        "a CRM sandbox of {count:d} customers from seed {seed:d} "
        "where {dirty:d}% of the customers are dirty"
    )
)
def dirty_crm(sandbox: Sandbox, count: int, seed: int, dirty: int) -> None:
    sandbox.reseed(WorldSettings(seed=seed, accounts=count, dirty=dirty / 100))


@when("the CRM's customers are profiled")
def profile_crm(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    report, _paths = run_profile(sandbox.config, "crm", write=False)
    scenario_context["profile"] = report
    scenario_context["audit_scores"] = score_audit(report, sandbox.ground_truth("crm"))


@then(
    parsers.parse(
        "the audit finds at least {recall:d}% of the duplicate pairs "
        "with at least {precision:d}% precision"
    )
)
def duplicates_found(scenario_context: dict[str, Any], recall: int, precision: int) -> None:
    dup = _scores(scenario_context)["duplicates"]
    assert dup.expected > 0, "the world should hold duplicates"
    assert dup.recall >= recall / 100 and dup.precision >= precision / 100, dup.to_json()


@then("the audit finds every blank expected value and no other")
def missing_found(scenario_context: dict[str, Any]) -> None:
    missing = _scores(scenario_context)["missing"]
    assert missing.expected > 0 and (missing.recall, missing.precision) == (1.0, 1.0), (
        missing.to_json()
    )


@then(parsers.parse("the audit finds at least {recall:d}% of the badly written values"))
def formats_found(scenario_context: dict[str, Any], recall: int) -> None:
    fmt = _scores(scenario_context)["format"]
    assert fmt.expected > 0 and fmt.recall >= recall / 100, fmt.to_json()


@then(parsers.parse("the data-quality score is below {percent:d}%"))
def score_below(scenario_context: dict[str, Any], percent: int) -> None:
    assert _profile(scenario_context).score < percent / 100


@then(parsers.parse("the data-quality score is above {percent:d}%"))
def score_above(scenario_context: dict[str, Any], percent: int) -> None:
    assert _profile(scenario_context).score > percent / 100


@then("the audit finds no duplicate customers")
def no_duplicates(scenario_context: dict[str, Any]) -> None:
    assert _profile(scenario_context).duplicates == ()
