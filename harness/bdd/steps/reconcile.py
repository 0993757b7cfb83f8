"""Steps about drift, ground truth and shadow runs: differences injected into either system
after a sync, scored against what the reconciler finds; a shadow run predicting a live one.

Which fields drift comes from the customers flow's mapping: the text fields it carries
(name, description, city, email, as the pair maps them), so the sentences hold for any
pair."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from pytest_bdd import given, parsers, then, when

from harness.api.shadow import shadow_report
from harness.bdd.business import FlowView
from harness.bdd.steps.common import customers, reconcile
from harness.sandbox import Sandbox
from reconcile.explain import CLOCK_GRACE
from reconcile.truth import EXPECTED_CAUSES, score_findings
from sync.engine import RunResult
from sync.mapping import get_path
from sync.state import StateStore

# Canonical text fields drift may touch (those the pair's mapping carries).
TEXT_FIELDS = ("name", "description", "city", "email")
TARGET_DRIFT = tuple(k for k in EXPECTED_CAUSES if k != "source_edit")
SHADOW_DRIFT = ("edit_value", "truncate", "blank", "case_change", "delete")


def _text_rules(flow: FlowView) -> list[Any]:
    return [r for r in (flow.spec.canonical_rule(n) for n in TEXT_FIELDS) if r is not None]


def _target_paths(flow: FlowView) -> dict[str, list[str]]:
    """Target paths per drift kind: text the flow carries; a blank only where the target
    may be blank; a case change only where the mapping compares case-sensitively."""
    rules = _text_rules(flow)
    every = [r.target for r in rules]
    return {
        "edit_value": every,
        "truncate": every,
        "blank": [r.target for r in rules if not r.required],
        "case_change": [r.target for r in rules if not r.compare.get("ignore_case")],
    }


def _wait_past_the_sync(ctx: dict[str, Any]) -> None:
    """Drift must happen visibly after the sync: past the reconciler's clock grace, on a
    target that stamps whole seconds."""
    if not ctx.get("waited"):
        time.sleep(CLOCK_GRACE.total_seconds() + 1.2)
        ctx["waited"] = True


def _drift(box: Sandbox, ctx: dict[str, Any], role: str, **request: Any) -> None:
    facts = ctx.setdefault("facts", [])
    taken = [f["id"] for f in facts] + [
        str(f["external_id"]) for f in facts if f.get("external_id")
    ]
    flow = customers(box)
    external = {"external_id": flow.spec.external_id_field} if role == flow.target else {}
    found = box.drift(role, seed=len(facts) + 1, exclude=taken, **external, **request)
    facts.extend(found)


def _drift_target(box: Sandbox, ctx: dict[str, Any], count: int, kinds: tuple[str, ...]) -> None:
    flow = customers(box)
    paths = _target_paths(flow)
    usable = {k: 1 for k in kinds if paths.get(k, True)}
    _drift(box, ctx, flow.target, object=flow.spec.target.object, count=count, kinds=usable,
           paths={k: v for k, v in paths.items() if k in usable})  # fmt: skip


def _drift_source(box: Sandbox, ctx: dict[str, Any], count: int) -> None:
    flow = customers(box)
    fields = [r.sources[0] for r in _text_rules(flow) if r.sources]
    _drift(box, ctx, flow.source, object=flow.spec.source.object, count=count,
           kinds={"source_edit": 1}, paths={"source_edit": fields})  # fmt: skip


@when(parsers.parse("{count:d} differences of every kind drift into the ERP after the sync"))
def drift_every_kind(sandbox: Sandbox, scenario_context: dict[str, Any], count: int) -> None:
    _wait_past_the_sync(scenario_context)
    _drift_target(sandbox, scenario_context, count, TARGET_DRIFT)


@when(parsers.parse("{count:d} customers are edited in the CRM after the sync"))
def drift_source(sandbox: Sandbox, scenario_context: dict[str, Any], count: int) -> None:
    _wait_past_the_sync(scenario_context)
    _drift_source(sandbox, scenario_context, count)


@then("the reconciliation finds every injected difference and nothing else")
def found_exactly(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    flow = reconcile(sandbox, scenario_context)
    score = score_findings(flow, scenario_context["facts"], customers(sandbox).spec)
    assert (score.recall, score.precision) == (1.0, 1.0), (score.missed, score.spurious)
    assert score.injected == len(scenario_context["facts"])
    scenario_context["truth"] = score


@then("each difference is blamed on its real root cause")
def blamed_right(scenario_context: dict[str, Any]) -> None:
    assert scenario_context["truth"].misexplained == ()


@given(
    parsers.parse(
        "{erp:d} customers drifted in the ERP and {crm:d} customers were edited in the CRM"
    )
)
def drifted_both(sandbox: Sandbox, scenario_context: dict[str, Any], erp: int, crm: int) -> None:
    _drift_target(sandbox, scenario_context, erp, SHADOW_DRIFT)
    _drift_source(sandbox, scenario_context, crm)


@given("the sync's state file is lost")
def state_lost(sandbox: Sandbox) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sandbox.config.state_path}{suffix}").unlink(missing_ok=True)


@when("the customer flow runs in shadow mode")
def run_shadow(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    scenario_context["erp_seq_before"] = sandbox.last_change_seq("erp")
    result = sandbox.sync(mode="shadow", full=True)
    assert result.status == "succeeded", result.error
    scenario_context["shadow_run"] = result


@then(
    parsers.parse(
        "the shadow report plans {creates:d} creates and {updates:d} updates, "
        "with production agreeing on {agree:d} of {read:d} customers"
    )
)
def shadow_plans(
    sandbox: Sandbox,
    scenario_context: dict[str, Any],
    creates: int,
    updates: int,
    agree: int,
    read: int,
) -> None:
    result: RunResult = scenario_context["shadow_run"]
    planned, paths = shadow_report(sandbox.config, result.run_id)
    assert (planned.would_create, planned.would_update) == (creates, updates)
    assert (planned.unchanged, planned.read) == (agree, read)
    assert paths["json"].exists() and paths["markdown"].exists()


@then("the live run wrote exactly what the shadow run planned")
def live_as_planned(sandbox: Sandbox, scenario_context: dict[str, Any]) -> None:
    shadow: RunResult = scenario_context["shadow_run"]
    live: RunResult = scenario_context["run"]
    paths = customers(sandbox).spec.target_paths
    with StateStore(sandbox.config.state_path) as state:
        planned = {(p.external_id, p.action, tuple(p.fields))
                   for p in state.planned_for_run(shadow.run_id)}  # fmt: skip
        written = {(a.external_id, a.action, _written_paths(paths, a.before, a.after))
                   for a in state.audit_for_run(live.run_id)}  # fmt: skip
    assert planned and written == planned


def _written_paths(paths: tuple[str, ...], before: Any, after: Any) -> tuple[str, ...]:
    """The target paths a write changed, read off its audit images."""
    if before is None:
        return tuple(p for p in paths if get_path(after, p) is not None)
    return tuple(
        p
        for p in paths
        if get_path(before, p) != get_path(after, p)
        and not (get_path(before, p) in (None, "") and get_path(after, p) in (None, ""))
    )
