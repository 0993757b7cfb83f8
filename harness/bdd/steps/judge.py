"""Steps that judge a team's own integration (`harness judge` inside a scenario).

The integration is the command the project configures (`--harness-command` or the ini
option `harness_command`); "When my integration runs" runs it against the scenario's
sandbox with the same environment `harness judge` hands over, then reconciles the flows
(`--harness-flows` / `harness_flows`, default `customers`) and weighs the request journals.
The Then steps read that judgement; none names a vendor.

A CRM that pushes webhooks (HubSpot): "Given my integration listens for the CRM's
webhooks" hands the command a free loopback URL (`HARNESS_WEBHOOK_URL`) the CRM delivers
to; "When a sales rep renames a company in the CRM" (before "When my integration runs")
has the rep rename companies while it runs, once it listens and has settled; "Then my
integration reacts within N seconds" holds it to taking each edit's events that fast.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from harness.judge import JudgeOutcome, JudgeSettings, Limits, WebhookPlan, judge_in
from harness.sandbox import Sandbox
from mocks.world.generator import WorldSettings
from reconcile.model import FlowScore

ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "tenth": 10}
FAULTED_WRITES = 3000  # "every third write" covers the first this many writes
WEBHOOK_DELAY_SCALE = 0.001  # HubSpot's day of retries in about a minute and a half
WEBHOOK_QUIET_FOR = 2.0  # a listening integration never exits: stopped once this quiet


@given(
    parsers.parse(
        "a CRM holding {count:d} customers with their orders, generated from seed {seed:d}"
    )
)
def business_world(sandbox: Sandbox, count: int, seed: int) -> None:
    sandbox.reseed(WorldSettings(seed=seed, accounts=count, full_business=True))


@given(parsers.parse("{percent:d}% of the customers have names of 35 to 80 characters"))
def long_names(scenario_context: dict[str, Any], percent: int) -> None:
    scenario_context["long_names"] = percent / 100


@given(
    parsers.re(r"the (?P<system>CRM|ERP) rejects every (?P<nth>\w+) write with a (?P<status>\d{3})")
)
def rejects_every_nth(sandbox: Sandbox, system: str, nth: str, status: str) -> None:
    every = ORDINALS.get(nth) or int(nth.rstrip("thndrs"))
    rule = {
        "name": f"every {nth} write",
        "match": {"kind": ["write"]},
        "when": {"nth": list(range(every, FAULTED_WRITES + 1, every))},
        "effect": {"type": "error", "status": int(status)},
    }
    sandbox.set_faults(system.lower(), {"version": 1, "rules": [rule]})


@given(
    parsers.parse(
        "the {system} throttles writes {first:d} and {second:d}, asking to wait {seconds:d} s"
    )
)
def throttles(sandbox: Sandbox, system: str, first: int, second: int, seconds: int) -> None:
    rule = {
        "name": "throttled writes",
        "match": {"kind": ["write"]},
        "when": {"nth": [first, second]},
        "effect": {"type": "rate_limit", "retry_after": [seconds, seconds]},
    }
    sandbox.set_faults(system.lower(), {"version": 1, "rules": [rule]})


@given("my integration listens for the CRM's webhooks")
def listens(scenario_context: dict[str, Any]) -> None:
    with socket.socket() as probe:  # a free loopback port, handed over as the URL
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    scenario_context["webhook_url"] = f"http://127.0.0.1:{port}/crm/events"


@when(parsers.re(r"a sales rep renames (?P<count>a|\d+) compan(?:y|ies) in the CRM"))
def rep_renames(scenario_context: dict[str, Any], count: str) -> None:
    if "judged" in scenario_context:
        pytest.fail(
            "the rep edits while the integration runs: put this before 'my integration runs'"
        )
    if "webhook_url" not in scenario_context:
        pytest.fail(
            "the edits reach the integration by webhook: add 'Given my integration listens"
            " for the CRM's webhooks'"
        )
    scenario_context["webhook_edits"] = 1 if count == "a" else int(count)


def _webhook_plan(scenario_context: dict[str, Any]) -> WebhookPlan | None:
    url = scenario_context.get("webhook_url")
    if url is None:
        return None
    return WebhookPlan(
        url,
        edits=int(scenario_context.get("webhook_edits", 0)),
        delay_scale=float(scenario_context.get("webhook_delay_scale", WEBHOOK_DELAY_SCALE)),
    )


@when("my integration runs", target_fixture="judged")
def integration_runs(
    sandbox: Sandbox,
    harness_command: tuple[str, ...],
    harness_judged_flows: tuple[str, ...],
    scenario_context: dict[str, Any],
    tmp_path: Path,
) -> JudgeOutcome:
    if not harness_command:
        pytest.fail("no integration configured: pass --harness-command or set harness_command")
    plan = _webhook_plan(scenario_context)
    settings = JudgeSettings(
        command=harness_command,
        workdir=sandbox.workdir,
        reports_dir=tmp_path / "judge",
        flows=harness_judged_flows,
        long_names=scenario_context.get("long_names", 0.0),
        limits=scenario_context.get("judge_limits", Limits()),
        timeout=float(scenario_context.get("judge_timeout", 600)),
        webhook=plan,
        quiet_for=WEBHOOK_QUIET_FOR if plan is not None else None,
    )
    outcome = judge_in(sandbox, settings)
    scenario_context["judged"] = outcome
    return outcome


def _flow(judged: JudgeOutcome, name: str) -> FlowScore:
    for flow in judged.report.flows:
        if flow.flow == name:
            return flow
    judged_flows = [f.flow for f in judged.report.flows]
    raise AssertionError(
        f"the {name} flow was not judged (judged: {judged_flows}); list it in --harness-flows"
    )


@then(parsers.parse("every {word} reaches the ERP intact"))
def reaches_intact(judged: JudgeOutcome, word: str) -> None:
    flow = _flow(judged, {"customer": "customers", "order": "orders"}.get(word, f"{word}s"))
    causes = dict(flow.root_causes)
    assert flow.missing_in_target == 0, f"{flow.missing_in_target} missing: {causes}"
    assert flow.equal == flow.source_records, f"{flow.different} differ: {causes}"


@then("the integration finished cleanly")
def finished(judged: JudgeOutcome) -> None:
    assert judged.command.ok, f"{judged.command.describe()}; see {judged.command.log_path}"


@then("the judge says GO")
def says_go(judged: JudgeOutcome) -> None:
    assert judged.report.verdict.go, "; ".join(judged.report.verdict.reasons)


@then("the judge says NO-GO")
def says_no_go(judged: JudgeOutcome) -> None:
    assert not judged.report.verdict.go


@then(parsers.parse('the judge blames "{cause}"'))
def blames(judged: JudgeOutcome, cause: str) -> None:
    said = [
        *judged.report.verdict.reasons,
        *(c for f in judged.report.flows for c in f.root_causes),
    ]
    assert any(cause in line for line in said), f"{cause!r} not among {said}"


@then("the integration waited as asked after every 429")
def honoured(judged: JudgeOutcome) -> None:
    for usage in judged.usage:
        assert usage.retry_after.get("ignored", 0) == 0, f"{usage.role}: {usage.retry_after}"


@then("the integration wrote nothing outside its mappings")
def in_scope(judged: JudgeOutcome) -> None:
    for usage in judged.usage:
        assert usage.out_of_scope == {}, f"{usage.role}: {usage.out_of_scope}"


@then(parsers.parse("my integration reacts within {seconds:g} seconds"))
def reacts_within(judged: JudgeOutcome, seconds: float) -> None:
    hooks = judged.report.meta.get("judge", {}).get("webhooks")
    assert hooks is not None, "no webhooks in this run: the CRM pushed nothing"
    assert hooks["rep_error"] is None, hooks["rep_error"]
    reactions = hooks["reactions"]
    assert reactions, "the rep made no edit"
    never = [r["id"] for r in reactions if r["seconds"] is None]
    assert not never, f"the integration never took the events of {never}"
    slow = [r for r in reactions if r["seconds"] > seconds]
    assert not slow, f"slower than {seconds:g} s: {slow}"
